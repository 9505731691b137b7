package dev.sseclient.core;

import org.jspecify.annotations.Nullable;

/**
 * Base of every error this library reports about a stream. {@link #isRetryable()} tells whether
 * the engine reconnects after it (network trouble, a server error) or stops the stream for good
 * (a client error, a wrong content type), so callers can make the same decision.
 */
public class SseException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final boolean retryable;

	public SseException(String message, @Nullable Throwable cause, boolean retryable) {
		super(message, cause);
		this.retryable = retryable;
	}

	/** Whether the engine reconnects after this error. */
	public boolean isRetryable() {
		return this.retryable;
	}

}
