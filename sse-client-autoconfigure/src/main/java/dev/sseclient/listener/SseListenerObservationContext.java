package dev.sseclient.listener;

import io.micrometer.observation.Observation;

import dev.sseclient.core.SseEvent;

/**
 * The context of one listener call, for {@link SseListenerObservationConvention}s.
 */
public class SseListenerObservationContext extends Observation.Context {

	private final SseEvent event;

	private final String listenerId;

	public SseListenerObservationContext(SseEvent event, String listenerId) {
		this.event = event;
		this.listenerId = listenerId;
	}

	public SseEvent getEvent() {
		return this.event;
	}

	public String getListenerId() {
		return this.listenerId;
	}

}
