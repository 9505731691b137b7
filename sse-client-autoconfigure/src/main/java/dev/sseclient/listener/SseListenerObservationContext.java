package dev.sseclient.listener;

import java.util.List;

import io.micrometer.observation.Observation;

import dev.sseclient.container.StreamDefinition;
import dev.sseclient.core.SseEvent;

/**
 * The context of one listener call, for {@link SseListenerObservationConvention}s.
 */
public class SseListenerObservationContext extends Observation.Context {

	private final List<SseEvent> events;

	private final String listenerId;

	private final String stream;

	private final String template;

	/** A call on a stream with meters of its own, made from no template. */
	public SseListenerObservationContext(SseEvent event, String listenerId) {
		this(List.of(event), listenerId, event.stream(), StreamDefinition.NO_TEMPLATE);
	}

	/** The context of a batch listener's call on a stream with meters of its own, made from no template. */
	public SseListenerObservationContext(List<SseEvent> events, String listenerId) {
		this(events, listenerId, events.isEmpty() ? "" : events.get(0).stream(), StreamDefinition.NO_TEMPLATE);
	}

	/**
	 * @param events one event, or a batch listener's batch
	 * @param listenerId the listener's id
	 * @param stream the {@code stream} tag: the stream's name, or, for streams registered at run
	 * time that share meters, their template's
	 * @param template the {@code template} tag: the template the stream was made from, or
	 * {@code none}
	 */
	public SseListenerObservationContext(List<SseEvent> events, String listenerId, String stream, String template) {
		if (events.isEmpty()) {
			throw new IllegalArgumentException("A listener call has at least one event");
		}
		this.events = events;
		this.listenerId = listenerId;
		this.stream = stream;
		this.template = template;
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

	/** The value of the {@code stream} tag: the stream's name, or the template's for streams sharing meters. */
	public String getStream() {
		return this.stream;
	}

	/** The value of the {@code template} tag. */
	public String getTemplate() {
		return this.template;
	}

}
