package dev.sseclient.core;

import org.jspecify.annotations.Nullable;

/**
 * The connection could not be made or was lost: refused, reset, unknown host, TLS failure, or
 * the server ended the response. Retryable.
 */
public class SseConnectionException extends SseException {

	private static final long serialVersionUID = 1L;

	public SseConnectionException(String message, @Nullable Throwable cause) {
		super(message, cause, true);
	}

}
