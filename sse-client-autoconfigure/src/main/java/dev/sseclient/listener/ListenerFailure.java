package dev.sseclient.listener;

import dev.sseclient.core.SseEvent;

/**
 * A listener call that failed, as an {@link SseListenerErrorHandler} sees it.
 *
 * @param listenerId the listener's id
 * @param event the event it was called with
 * @param cause the listener's exception, or a {@link PayloadConversionException}
 * @param attempt how many times the call was made for this event, from 1
 */
public record ListenerFailure(String listenerId, SseEvent event, Throwable cause, int attempt) {

	/** One line naming stream, event id, listener and cause, for logs. */
	public String describe() {
		return "Listener '" + this.listenerId + "' failed on event '" + this.event.id() + "' (" + this.event.type()
				+ ") of stream '" + this.event.stream() + "'"
				+ ((this.attempt > 1) ? " after " + this.attempt + " attempts" : "") + ": " + this.cause;
	}

}
