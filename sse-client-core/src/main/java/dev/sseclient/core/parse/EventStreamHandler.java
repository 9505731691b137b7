package dev.sseclient.core.parse;

/**
 * Receives what an {@link EventStreamParser} finds, in stream order. Called on the thread that
 * feeds the parser; implementations must not block.
 */
public interface EventStreamHandler {

	/**
	 * An event was dispatched.
	 * @param lastEventId the last-event-ID in effect (empty when the server set none)
	 * @param type the event type, {@code message} when the server set none
	 * @param data the data lines joined with LF
	 */
	void onEvent(String lastEventId, String type, String data);

	/**
	 * A comment line ended. The text after the colon, with one leading space removed.
	 */
	default void onComment(String comment) {
	}

	/**
	 * The server sent a valid {@code retry} field: its reconnection time in milliseconds.
	 */
	default void onRetry(long millis) {
	}

	/**
	 * The stream's last-event-ID changed at a dispatch point, whether or not an event was
	 * dispatched (an {@code id} without {@code data} still moves the reconnection point).
	 */
	default void onLastEventIdChanged(String lastEventId) {
	}

}
