package dev.sseclient.listener;

import io.micrometer.common.KeyValues;

/**
 * Observation {@code sse.client.listener}: a timer with low-cardinality tags {@code stream},
 * {@code listener}, {@code outcome} ({@code success} or {@code error}) and {@code exception}, and
 * the event id as a high-cardinality key (spans only).
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
		return "sse " + context.getEvent().stream() + " " + context.getListenerId();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(SseListenerObservationContext context) {
		Throwable error = context.getError();
		return KeyValues.of("stream", context.getEvent().stream(), "listener", context.getListenerId(), "outcome",
				(error != null) ? "error" : "success", "exception",
				(error != null) ? error.getClass().getSimpleName() : "none");
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(SseListenerObservationContext context) {
		return KeyValues.of("sse.event.id", context.getEvent().id());
	}

}
