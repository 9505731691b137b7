package dev.sseclient.listener;

import java.util.List;

import dev.sseclient.core.SseEvent;

/**
 * A listener call that failed, as an {@link SseListenerErrorHandler} sees it.
 *
 * @param listenerId the listener's id
 * @param events the events it was called with: one, or the batch of a batch listener
 * @param cause the listener's exception, or a {@link PayloadConversionException}
 * @param attempt how many times the call was made with these events, from 1
 */
public record ListenerFailure(String listenerId, List<SseEvent> events, Throwable cause, int attempt) {

	public ListenerFailure {
		if (events.isEmpty()) {
			throw new IllegalArgumentException("A listener call has at least one event");
		}
		events = List.copyOf(events);
	}

	/** The failure of a call with one event. */
	public ListenerFailure(String listenerId, SseEvent event, Throwable cause, int attempt) {
		this(listenerId, List.of(event), cause, attempt);
	}

	/** The event of the call; for a batch, its first. */
	public SseEvent event() {
		return this.events.get(0);
	}

	/** One line naming stream, event ids, listener and cause, for logs. */
	public String describe() {
		SseEvent first = event();
		String what = (this.events.size() > 1)
				? "a batch of " + this.events.size() + " events '" + first.id() + "' to '"
						+ this.events.get(this.events.size() - 1).id() + "'"
				: "event '" + first.id() + "' (" + first.type() + ")";
		return "Listener '" + this.listenerId + "' failed on " + what + " of stream '" + first.stream() + "'"
				+ ((this.attempt > 1) ? " after " + this.attempt + " attempts" : "") + ": " + this.cause;
	}

}
