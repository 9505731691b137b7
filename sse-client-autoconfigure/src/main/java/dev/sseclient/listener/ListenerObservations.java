package dev.sseclient.listener;

import java.util.List;
import java.util.function.Supplier;

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
		return observedNow(new SseListenerObservationContext(event, listener.id()),
				() -> listener.method().invokeNow(event));
	}

	/** A synchronous batch listener's call with the elements read from {@code events}, as {@link #observeNow}. */
	public @Nullable Throwable observeBatchNow(SseListenerEndpoint listener, List<SseEvent> events, List<?> elements) {
		if (this.registry.isNoop()) {
			return listener.method().invokeBatchNow(elements);
		}
		return observedNow(new SseListenerObservationContext(events, listener.id()),
				() -> listener.method().invokeBatchNow(elements));
	}

	/** The call, observed; subscribing makes it. */
	public Mono<Void> observe(SseListenerEndpoint listener, SseEvent event) {
		if (this.registry.isNoop()) {
			return Mono.defer(() -> listener.method().invoke(event));
		}
		return observed(() -> new SseListenerObservationContext(event, listener.id()),
				() -> listener.method().invoke(event));
	}

	/** A batch listener's call with the elements read from {@code events}, observed; subscribing makes it. */
	public Mono<Void> observeBatch(SseListenerEndpoint listener, List<SseEvent> events, List<?> elements) {
		if (this.registry.isNoop()) {
			return Mono.defer(() -> listener.method().invokeBatch(elements));
		}
		return observed(() -> new SseListenerObservationContext(events, listener.id()),
				() -> listener.method().invokeBatch(elements));
	}

	private @Nullable Throwable observedNow(SseListenerObservationContext context, Supplier<@Nullable Throwable> call) {
		Observation observation = start(context);
		Throwable failure;
		try (Observation.Scope scope = observation.openScope()) {
			failure = call.get();
		}
		if (failure != null) {
			observation.error(failure);
		}
		observation.stop();
		return failure;
	}

	private Mono<Void> observed(Supplier<SseListenerObservationContext> context, Supplier<Mono<Void>> call) {
		return Mono.defer(() -> {
			Observation observation = start(context.get());
			Mono<Void> result;
			try (Observation.Scope scope = observation.openScope()) {
				result = call.get();
			}
			return result.doOnError(observation::error).doFinally((signal) -> observation.stop());
		});
	}

	private Observation start(SseListenerObservationContext context) {
		return Observation.createNotStarted(this.convention, DEFAULT_CONVENTION, () -> context, this.registry).start();
	}

}
