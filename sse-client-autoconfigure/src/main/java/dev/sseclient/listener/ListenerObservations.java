package dev.sseclient.listener;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.sseclient.core.SseEvent;

/**
 * Calls a listener inside an observation (a timer, and a span when tracing is on), with its
 * scope open during the call so logs and outgoing calls carry the trace. Costs nothing when
 * the registry is a no-op.
 */
public final class ListenerObservations {

	private static final DefaultSseListenerObservationConvention DEFAULT_CONVENTION = new DefaultSseListenerObservationConvention();

	private final ObservationRegistry registry;

	private final @Nullable SseListenerObservationConvention convention;

	public ListenerObservations(ObservationRegistry registry, @Nullable SseListenerObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	/** The call, observed; subscribing makes it. */
	public Mono<Void> observe(SseListenerEndpoint listener, SseEvent event) {
		if (this.registry.isNoop()) {
			return Mono.defer(() -> listener.method().invoke(event));
		}
		return Mono.defer(() -> {
			Observation observation = Observation
				.createNotStarted(this.convention, DEFAULT_CONVENTION,
						() -> new SseListenerObservationContext(event, listener.id()), this.registry)
				.start();
			Mono<Void> result;
			try (Observation.Scope scope = observation.openScope()) {
				result = listener.method().invoke(event);
			}
			return result.doOnError(observation::error).doFinally((signal) -> observation.stop());
		});
	}

}
