package dev.sseclient.listener;

import java.util.List;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.sseclient.core.SseEvent;

/**
 * One listener's calls on one stream, measured as {@link ListenerInstrumentation} decided: plain,
 * timed, or observed. Made once per listener and stream; nothing is looked up per call.
 */
public abstract sealed class InstrumentedListener
		permits InstrumentedListener.Plain, InstrumentedListener.Timed, InstrumentedListener.Observed {

	private final SseListenerEndpoint endpoint;

	InstrumentedListener(SseListenerEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	public SseListenerEndpoint endpoint() {
		return this.endpoint;
	}

	/** A synchronous listener's call, made now on this thread: its failure, or {@code null}. */
	public abstract @Nullable Throwable callNow(SseEvent event);

	/** A synchronous batch listener's call with the elements read from {@code events}, as {@link #callNow}. */
	public abstract @Nullable Throwable callBatchNow(List<SseEvent> events, List<?> elements);

	/** The call; subscribing makes it. */
	public abstract Mono<Void> call(SseEvent event);

	/** A batch listener's call with the elements read from {@code events}; subscribing makes it. */
	public abstract Mono<Void> callBatch(List<SseEvent> events, List<?> elements);

	ListenerMethodAdapter method() {
		return this.endpoint.method();
	}

	/** Calls with nothing around them. */
	static final class Plain extends InstrumentedListener {

		Plain(SseListenerEndpoint endpoint) {
			super(endpoint);
		}

		@Override
		public @Nullable Throwable callNow(SseEvent event) {
			return method().invokeNow(event);
		}

		@Override
		public @Nullable Throwable callBatchNow(List<SseEvent> events, List<?> elements) {
			return method().invokeBatchNow(elements);
		}

		@Override
		public Mono<Void> call(SseEvent event) {
			return Mono.defer(() -> method().invoke(event));
		}

		@Override
		public Mono<Void> callBatch(List<SseEvent> events, List<?> elements) {
			return Mono.defer(() -> method().invokeBatch(elements));
		}

	}

	/** Each call a sample of the listener's timer for its outcome. */
	static final class Timed extends InstrumentedListener {

		private final ListenerTimers timers;

		Timed(SseListenerEndpoint endpoint, ListenerTimers timers) {
			super(endpoint);
			this.timers = timers;
		}

		@Override
		public @Nullable Throwable callNow(SseEvent event) {
			long start = System.nanoTime();
			Throwable failure = method().invokeNow(event);
			this.timers.record(failure, System.nanoTime() - start);
			return failure;
		}

		@Override
		public @Nullable Throwable callBatchNow(List<SseEvent> events, List<?> elements) {
			long start = System.nanoTime();
			Throwable failure = method().invokeBatchNow(elements);
			this.timers.record(failure, System.nanoTime() - start);
			return failure;
		}

		@Override
		public Mono<Void> call(SseEvent event) {
			return timed(() -> method().invoke(event));
		}

		@Override
		public Mono<Void> callBatch(List<SseEvent> events, List<?> elements) {
			return timed(() -> method().invokeBatch(elements));
		}

		private Mono<Void> timed(Supplier<Mono<Void>> call) {
			return Mono.defer(() -> {
				long start = System.nanoTime();
				return call.get()
					.doOnSuccess((done) -> this.timers.record(null, System.nanoTime() - start))
					.doOnError((failure) -> this.timers.record(failure, System.nanoTime() - start));
			});
		}

	}

	/** Each call inside an Observation, its scope open during the call so logs and outgoing calls carry the trace. */
	static final class Observed extends InstrumentedListener {

		private static final DefaultSseListenerObservationConvention DEFAULT_CONVENTION = new DefaultSseListenerObservationConvention();

		private final ObservationRegistry registry;

		private final @Nullable SseListenerObservationConvention convention;

		private final String stream;

		private final String template;

		Observed(SseListenerEndpoint endpoint, ObservationRegistry registry,
				@Nullable SseListenerObservationConvention convention, String stream, String template) {
			super(endpoint);
			this.registry = registry;
			this.convention = convention;
			this.stream = stream;
			this.template = template;
		}

		private SseListenerObservationContext context(List<SseEvent> events) {
			return new SseListenerObservationContext(events, endpoint().id(), this.stream, this.template);
		}

		@Override
		public @Nullable Throwable callNow(SseEvent event) {
			return observedNow(context(List.of(event)), () -> method().invokeNow(event));
		}

		@Override
		public @Nullable Throwable callBatchNow(List<SseEvent> events, List<?> elements) {
			return observedNow(context(events), () -> method().invokeBatchNow(elements));
		}

		@Override
		public Mono<Void> call(SseEvent event) {
			return observed(() -> context(List.of(event)), () -> method().invoke(event));
		}

		@Override
		public Mono<Void> callBatch(List<SseEvent> events, List<?> elements) {
			return observed(() -> context(events), () -> method().invokeBatch(elements));
		}

		private @Nullable Throwable observedNow(SseListenerObservationContext context,
				Supplier<@Nullable Throwable> call) {
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
			return Observation.createNotStarted(this.convention, DEFAULT_CONVENTION, () -> context, this.registry)
				.start();
		}

	}

}
