package dev.sseclient.listener;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Decides how each listener's calls on a stream are measured, once, when the stream's
 * container is made. By default a listener's calls are samples of timers made once per listener,
 * stream and outcome: two clock reads and a record per call, no object. A listener opted in
 * ({@code sse.client.listener.observation-enabled}, or {@code @SseListener(observation = "true")})
 * is called inside an Observation instead: a span with trace context in the method, a long-task
 * timer, and the same timer through the application's observation handlers. That costs an
 * object graph per call, as spring-kafka's opt-in listener observations do.
 */
public final class ListenerInstrumentation {

	private final ObservationRegistry observations;

	private final @Nullable SseListenerObservationConvention convention;

	private final @Nullable MeterRegistry meters;

	private final boolean observationEnabled;

	/**
	 * @param observations the registry of opted-in calls' observations
	 * @param convention the application's convention for them, or {@code null} for the default
	 * @param meters the registry of the timers, or {@code null} for none
	 * @param observationEnabled whether listeners that do not choose are observed
	 */
	public ListenerInstrumentation(ObservationRegistry observations,
			@Nullable SseListenerObservationConvention convention, @Nullable MeterRegistry meters,
			boolean observationEnabled) {
		this.observations = observations;
		this.convention = convention;
		this.meters = meters;
		this.observationEnabled = observationEnabled;
	}

	/**
	 * The listener's calls on a stream, measured as configured.
	 * @param stream the {@code stream} tag: the stream's name, or its template's when its
	 * streams share meters
	 * @param template the {@code template} tag: the stream's template, or {@code none}
	 */
	public InstrumentedListener instrument(SseListenerEndpoint listener, String stream, String template) {
		Boolean chosen = listener.observation();
		boolean observed = (chosen != null) ? chosen : this.observationEnabled;
		if (observed && !this.observations.isNoop()) {
			return new InstrumentedListener.Observed(listener, this.observations, this.convention, stream, template);
		}
		if (this.meters != null) {
			return new InstrumentedListener.Timed(listener,
					new ListenerTimers(this.meters, stream, template, listener.id()));
		}
		return new InstrumentedListener.Plain(listener);
	}

}
