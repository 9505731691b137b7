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

	/**
	 * A synchronous listener's call, observed, made now on this thread: its failure, or
	 * {@code null}.
	 */
	public @Nullable Throwable observeNow(SseListenerEndpoint listener, SseEvent event) {
		if (this.registry.isNoop()) {
			return listener.method().invokeNow(event);
		}
		Observation observation = start(listener, event);
		Throwable failure;
		try (Observation.Scope scope = observation.openScope()) {
			failure = listener.method().invokeNow(event);
		}
		if (failure != null) {
			observation.error(failure);
		}
		observation.stop();
		return failure;
	}

	/** The call, observed; subscribing makes it. */
	public Mono<Void> observe(SseListenerEndpoint listener, SseEvent event) {
		if (this.registry.isNoop()) {
			return Mono.defer(() -> listener.method().invoke(event));
		}
		return Mono.defer(() -> {
			Observation observation = start(listener, event);
			Mono<Void> result;
			try (Observation.Scope scope = observation.openScope()) {
				result = listener.method().invoke(event);
			}
			return result.doOnError(observation::error).doFinally((signal) -> observation.stop());
		});
	}

	private Observation start(SseListenerEndpoint listener, SseEvent event) {
		return Observation
			.createNotStarted(this.convention, DEFAULT_CONVENTION,
					() -> new SseListenerObservationContext(event, listener.id()), this.registry)
			.start();
	}

}
