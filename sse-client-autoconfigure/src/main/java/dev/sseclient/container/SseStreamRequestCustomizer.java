package dev.sseclient.container;

import org.springframework.http.HttpHeaders;

import dev.sseclient.core.SseAttempt;

/**
 * A bean called before every connection attempt of declared streams, for example to put a
 * fresh token in {@code Authorization}. Headers from configuration are already set. After a
 * 401 or 403, a stream retries only if the customizers changed the headers.
 */
@FunctionalInterface
public interface SseStreamRequestCustomizer {

	/**
	 * @param stream the stream's name
	 * @param attempt the attempt being prepared
	 * @param headers the headers to send; change them in place
	 */
	void customize(String stream, SseAttempt attempt, HttpHeaders headers);

	/** Whether this customizer applies to the named stream; all streams unless overridden. */
	default boolean appliesTo(String stream) {
		return true;
	}

}
