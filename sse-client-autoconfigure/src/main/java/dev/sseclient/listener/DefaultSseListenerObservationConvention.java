package dev.sseclient.listener;

import io.micrometer.common.KeyValues;

/**
 * Observation {@code sse.client.listener}: a timer with low-cardinality tags {@code stream},
 * {@code listener}, {@code outcome} ({@code success} or {@code error}) and {@code exception}, and
 * the event id (a batch's first) and a batch's size as high-cardinality keys (spans only).
 */
public class DefaultSseListenerObservationConvention implements SseListenerObservationConvention {

	/** The observation's name, and so the timer's. */
	public static final String NAME = "sse.client.listener";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(SseListenerObservationContext context) {
		return "sse " + context.getStream() + " " + context.getListenerId();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(SseListenerObservationContext context) {
		Throwable error = context.getError();
		return KeyValues.of("stream", context.getStream(), "template", context.getTemplate(), "listener",
				context.getListenerId(), "outcome",
				(error != null) ? "error" : "success", "exception",
				(error != null) ? error.getClass().getSimpleName() : "none");
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(SseListenerObservationContext context) {
		KeyValues keyValues = KeyValues.of("sse.event.id", context.getEvent().id());
		int events = context.getEvents().size();
		return (events > 1) ? keyValues.and("sse.batch.size", Integer.toString(events)) : keyValues;
	}

}
