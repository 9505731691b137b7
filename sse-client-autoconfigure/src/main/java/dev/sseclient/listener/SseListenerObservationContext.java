package dev.sseclient.listener;

import java.util.List;

import io.micrometer.observation.Observation;

import dev.sseclient.core.SseEvent;

/**
 * The context of one listener call, for {@link SseListenerObservationConvention}s.
 */
public class SseListenerObservationContext extends Observation.Context {

	private final List<SseEvent> events;

	private final String listenerId;

	public SseListenerObservationContext(SseEvent event, String listenerId) {
		this(List.of(event), listenerId);
	}

	/** The context of a batch listener's call. */
	public SseListenerObservationContext(List<SseEvent> events, String listenerId) {
		if (events.isEmpty()) {
			throw new IllegalArgumentException("A listener call has at least one event");
		}
		this.events = events;
		this.listenerId = listenerId;
	}

	/** The event of the call; for a batch, its first. */
	public SseEvent getEvent() {
		return this.events.get(0);
	}

	/** The events of the call: one, or a batch listener's batch. */
	public List<SseEvent> getEvents() {
		return this.events;
	}

	public String getListenerId() {
		return this.listenerId;
	}

}
