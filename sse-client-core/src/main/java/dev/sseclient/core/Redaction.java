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
		// nothing masked: the URL's own string, which it keeps anyway (a stream holds its masked URL)
		String whole = url.toString();
		return whole.contentEquals(masked) ? whole : masked.toString();
	}

	/**
	 * A URL as configured, perhaps with {@code {placeholders}}, with its user info and the value
	 * of every query parameter masked, whatever its name: for showing configuration, where a
	 * parameter named {@code q} may still carry a key.
	 */
	public static String configuredUrl(String url) {
		String masked = url;
		int scheme = masked.indexOf("://");
		int at = masked.indexOf('@');
		int pathStart = masked.indexOf('/', (scheme >= 0) ? scheme + 3 : 0);
		if (scheme >= 0 && at > scheme && (pathStart < 0 || at < pathStart)) {
			masked = masked.substring(0, scheme + 3) + MASK + masked.substring(at);
		}
		int question = masked.indexOf('?');
		if (question < 0) {
			return masked;
		}
		int hash = masked.indexOf('#', question);
		String query = (hash < 0) ? masked.substring(question + 1) : masked.substring(question + 1, hash);
		StringBuilder out = new StringBuilder(masked.substring(0, question + 1));
		String[] pairs = query.split("&", -1);
		for (int i = 0; i < pairs.length; i++) {
			if (i > 0) {
				out.append('&');
			}
			int equals = pairs[i].indexOf('=');
			out.append((equals >= 0) ? pairs[i].substring(0, equals + 1) + MASK : pairs[i]);
		}
		return (hash < 0) ? out.toString() : out.append(masked.substring(hash)).toString();
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
