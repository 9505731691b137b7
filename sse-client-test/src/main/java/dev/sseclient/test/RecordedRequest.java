package dev.sseclient.test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One request as an {@link SseTestServer} received it, for assertions.
 *
 * @param method the request method, such as {@code GET}
 * @param target the request target: path and query
 * @param headers header values by lower-case name, in arrival order
 * @param body the request body, empty when there was none
 */
public record RecordedRequest(String method, String target, Map<String, List<String>> headers, byte[] body) {

	/** The first value of a header, or {@code null}; the name is case-insensitive. */
	public @Nullable String header(String name) {
		List<String> values = this.headers.get(name.toLowerCase(Locale.ROOT));
		return (values == null || values.isEmpty()) ? null : values.get(0);
	}

	/** The body decoded as UTF-8. */
	public String bodyAsString() {
		return new String(this.body, StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return this.method + " " + this.target + " " + this.headers;
	}

}
