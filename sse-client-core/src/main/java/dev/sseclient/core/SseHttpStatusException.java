package dev.sseclient.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The server answered with a status that does not open a stream. 408, 429 and 5xx are
 * retryable; other statuses stop the stream (401 and 403 retry only when a
 * {@link SseRequestCustomizer} changed the credentials).
 */
public class SseHttpStatusException extends SseException {

	private static final long serialVersionUID = 1L;

	private final int status;

	private final String body;

	private final @Nullable Duration retryAfter;

	public SseHttpStatusException(String url, int status, String body, @Nullable Duration retryAfter) {
		super(message(url, status, body, retryAfter), null, isRetryableStatus(status));
		this.status = status;
		this.body = body;
		this.retryAfter = retryAfter;
	}

	/** The HTTP status code. */
	public int getStatus() {
		return this.status;
	}

	/** The start of the response body, for diagnosis; empty when there was none. */
	public String getBody() {
		return this.body;
	}

	/** The delay the server asked for in {@code Retry-After}, or {@code null}. */
	public @Nullable Duration getRetryAfter() {
		return this.retryAfter;
	}

	/** Whether the server rejected the credentials (401 or 403). */
	public boolean isCredentialsRejected() {
		return this.status == 401 || this.status == 403;
	}

	static boolean isRetryableStatus(int status) {
		return status == 408 || status == 429 || status >= 500;
	}

	private static String message(String url, int status, String body, @Nullable Duration retryAfter) {
		StringBuilder message = new StringBuilder("The server at ").append(url)
			.append(" answered ")
			.append(status)
			.append(" instead of 200 with text/event-stream");
		if (retryAfter != null) {
			message.append(", Retry-After ").append(retryAfter.toMillis()).append(" ms");
		}
		if (!body.isEmpty()) {
			message.append(": ").append(body);
		}
		return message.toString();
	}

}
