package dev.sseclient.listener;

import dev.sseclient.core.SseException;

/**
 * Decides what happens after a listener method threw or its payload could not be read. Declare
 * a bean of this type to replace the default, {@link LoggingErrorHandler}. No listener failure
 * closes the connection unless the handler says {@link ErrorAction#stopStream()}.
 */
@FunctionalInterface
public interface SseListenerErrorHandler {

	ErrorAction handleError(ListenerFailure failure);

	/**
	 * The stream stopped for good on an error: a status that reconnecting cannot fix, attempts
	 * run out, or a finite stream whose response ended before completing
	 * ({@link dev.sseclient.core.SseIncompleteResponseException}). Called on the listener pool
	 * after the listeners handled the stream's last event, before the
	 * {@code SseStreamEvent.Failed} application event. Does nothing by default: the stream has
	 * logged why it stopped.
	 * @param stream the stream's name
	 * @param cause why it stopped
	 */
	default void handleStreamFailure(String stream, SseException cause) {
	}

}
