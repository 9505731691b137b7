package dev.sseclient.core;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Hides secrets before a value reaches a log line, an exception or a health detail. URLs keep
 * scheme, host, port and path; user info and the values of query parameters whose names look
 * like credentials are replaced by {@code ******}.
 */
public final class Redaction {

	/** What replaces a secret. */
	public static final String MASK = "******";

	private static final Set<String> SENSITIVE_PARAMETER_PARTS = Set.of("token", "key", "secret", "password",
			"passwd", "auth", "signature", "sig", "credential", "session");

	private Redaction() {
	}

	/** The URL with its secrets masked. */
	public static String url(URI url) {
		StringBuilder masked = new StringBuilder();
		if (url.getScheme() != null) {
			masked.append(url.getScheme()).append("://");
		}
		if (url.getRawUserInfo() != null) {
			masked.append(MASK).append('@');
		}
		if (url.getHost() != null) {
			masked.append(url.getHost());
		}
		if (url.getPort() != -1) {
			masked.append(':').append(url.getPort());
		}
		if (url.getRawPath() != null) {
			masked.append(url.getRawPath());
		}
		if (url.getRawQuery() != null) {
			masked.append('?').append(query(url.getRawQuery()));
		}
		return masked.toString();
	}

	/** Whether a header or parameter with this name carries credentials by its look. */
	public static boolean looksSensitive(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		for (String part : SENSITIVE_PARAMETER_PARTS) {
			if (lower.contains(part)) {
				return true;
			}
		}
		return lower.equals("cookie") || lower.equals("set-cookie");
	}

	private static String query(String rawQuery) {
		StringBuilder masked = new StringBuilder();
		for (String pair : rawQuery.split("&", -1)) {
			if (masked.length() > 0) {
				masked.append('&');
			}
			int equals = pair.indexOf('=');
			if (equals > 0 && looksSensitive(pair.substring(0, equals))) {
				masked.append(pair, 0, equals + 1).append(MASK);
			}
			else {
				masked.append(pair);
			}
		}
		return masked.toString();
	}

}
