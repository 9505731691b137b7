package dev.sseclient.core;

/**
 * A redirect could not be followed: no usable {@code Location}, an unsupported scheme, or more
 * redirects in a row than allowed. The stream stops rather than loop.
 */
public class SseRedirectException extends SseException {

	private static final long serialVersionUID = 1L;

	public SseRedirectException(String message) {
		super(message, null, false);
	}

}
