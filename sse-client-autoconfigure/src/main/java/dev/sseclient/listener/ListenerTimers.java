package dev.sseclient.listener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * The timers of one listener on one stream, {@code sse.client.listener}, with the tags an
 * observed call's timer has ({@code stream}, {@code listener}, {@code outcome},
 * {@code exception}, {@code error}), so both kinds of call land in the same series. The success
 * timer is made at the first call and kept; a failure's is looked up by its class, failures
 * being rare.
 */
final class ListenerTimers {

	private final MeterRegistry registry;

	private final String stream;

	private final String template;

	private final String listener;

	private volatile @Nullable Timer success;

	/** Made at the first failure: thousands of streams mostly have none. */
	private volatile @Nullable Map<Class<?>, Timer> failures;

	ListenerTimers(MeterRegistry registry, String stream, String template, String listener) {
		this.registry = registry;
		this.stream = stream;
		this.template = template;
		this.listener = listener;
	}

	/** Records a call that took {@code nanos} and failed with {@code failure}, or succeeded. */
	void record(@Nullable Throwable failure, long nanos) {
		timer(failure).record(nanos, TimeUnit.NANOSECONDS);
	}

	private Timer timer(@Nullable Throwable failure) {
		if (failure != null) {
			return failures().computeIfAbsent(failure.getClass(), (type) -> register("error", type.getSimpleName()));
		}
		Timer timer = this.success;
		if (timer == null) {
			// two threads may both register: the registry hands both the same timer
			timer = register("success", "none");
			this.success = timer;
		}
		return timer;
	}

	private Map<Class<?>, Timer> failures() {
		Map<Class<?>, Timer> known = this.failures;
		if (known == null) {
			synchronized (this) {
				known = this.failures;
				if (known == null) {
					known = new ConcurrentHashMap<>();
					this.failures = known;
				}
			}
		}
		return known;
	}

	private Timer register(String outcome, String exception) {
		return Timer.builder(DefaultSseListenerObservationConvention.NAME)
			.description("Listener calls")
			.tags("stream", this.stream, "template", this.template, "listener", this.listener, "outcome", outcome,
					"exception", exception,
					"error", exception)
			.register(this.registry);
	}

}
