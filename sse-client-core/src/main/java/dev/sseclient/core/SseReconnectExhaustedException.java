package dev.sseclient.core;

/**
 * The stream failed more times in a row than {@link ReconnectOptions#maxAttempts()} allows.
 * The last failure is the cause.
 */
public class SseReconnectExhaustedException extends SseException {

	private static final long serialVersionUID = 1L;

	private final int failures;

	public SseReconnectExhaustedException(int failures, SseException lastFailure) {
		super("Gave up after " + failures + " failed attempts in a row; last: " + lastFailure.getMessage(),
				lastFailure, false);
		this.failures = failures;
	}

	/** How many attempts failed in a row. */
	public int getFailures() {
		return this.failures;
	}

}
