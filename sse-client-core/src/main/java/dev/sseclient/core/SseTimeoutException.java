package dev.sseclient.core;

/**
 * No response arrived within the connect timeout, or an open stream sent no byte (comments
 * included) for the idle timeout while the client was ready to read. Retryable.
 */
public class SseTimeoutException extends SseException {

	private static final long serialVersionUID = 1L;

	private final boolean idle;

	public SseTimeoutException(String message, boolean idle) {
		super(message, null, true);
		this.idle = idle;
	}

	/** {@code true} for the idle timeout of an open stream, {@code false} for the connect timeout. */
	public boolean isIdle() {
		return this.idle;
	}

}
