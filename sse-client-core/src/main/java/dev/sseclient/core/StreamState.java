package dev.sseclient.core;

/**
 * Where a stream is in its life. The last three are final.
 */
public enum StreamState {

	/** Created; nothing subscribed to its events yet. */
	NEW,

	/** A connection attempt is under way. */
	CONNECTING,

	/** Connected: the server answered 200 with {@code text/event-stream}. */
	OPEN,

	/** Waiting out the back-off delay before the next attempt. */
	RECONNECTING,

	/** Ended normally: 204, the completion sentinel, or the end of a stream that does not reconnect. */
	COMPLETED,

	/** Stopped by an error that reconnecting cannot fix, or out of attempts. */
	FAILED,

	/** Closed by the caller. */
	CLOSED;

	/** Whether the stream will never connect again. */
	public boolean isFinal() {
		return this == COMPLETED || this == FAILED || this == CLOSED;
	}

}
