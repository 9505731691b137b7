package dev.sseclient.core;

import org.springframework.http.HttpHeaders;

/**
 * Called before every connection attempt of a stream, to change its headers, for example to put
 * a fresh access token in {@code Authorization}.
 *
 * <p>After a 401 or 403 the stream calls it at once for the next attempt: if the headers come
 * out different (the credentials were refreshed) it retries, otherwise it stops, since sending
 * the same rejected credentials again cannot succeed.
 */
@FunctionalInterface
public interface SseRequestCustomizer {

	/**
	 * @param attempt the attempt being prepared
	 * @param headers the headers to send; change them in place
	 */
	void customize(SseAttempt attempt, HttpHeaders headers);

}
