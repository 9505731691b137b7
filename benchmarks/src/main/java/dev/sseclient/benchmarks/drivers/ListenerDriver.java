package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.kafka.KafkaForwardingAutoConfiguration;
import dev.sseclient.listener.SseListener;

/**
 * This project's declarative path in a small Boot application: a stream from properties and an
 * {@code @SseListener} method. The application starts once per JVM, in {@link #prepare}, and
 * is not timed; each pass starts the stream, waits for its events and stops it, as the other
 * drivers open and close a connection per pass.
 *
 * <p>Two regimes: the bare one (meters and observations switched off, as the peers run), and the
 * application users run ({@code actuator}): actuator's metrics and observation auto-configuration
 * with a Prometheus registry, every setting at its default.
 */
final class ListenerDriver implements Driver {

	private static final String OBSERVATIONS = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration";

	private static final String METRICS = "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration";

	/** What the listener method takes. */
	enum Payload {

		/** The data string. */
		STRING,

		/** A {@link Tick} read from JSON by the starter. */
		TICK,

		/** A {@link Quote} read from JSON by the starter. */
		QUOTE

	}

	private final Target target = new Target();

	private final boolean virtualThreads;

	private final Payload payload;

	private final boolean actuator;

	private final boolean observed;

	private final String listenerThread;

	/**
	 * @param virtualThreads listener calls on virtual threads (Boot's switch; Java 21 or later)
	 * @param payload what the listener takes
	 * @param actuator whether actuator's meters and observations are on, with a Prometheus registry
	 */
	ListenerDriver(boolean virtualThreads, Payload payload, boolean actuator) {
		this(virtualThreads, payload, actuator, false);
	}

	/** As above; {@code observed}: an Observation per listener call (the opt-in), else a timer sample. */
	ListenerDriver(boolean virtualThreads, Payload payload, boolean actuator, boolean observed) {
		this(virtualThreads, payload, actuator, observed, "pool");
	}

	/** As above; {@code listenerThread}: the stream's {@code listener-thread} setting. */
	ListenerDriver(boolean virtualThreads, Payload payload, boolean actuator, boolean observed, String listenerThread) {
		this.virtualThreads = virtualThreads;
		this.payload = payload;
		this.actuator = actuator;
		this.observed = observed;
		this.listenerThread = listenerThread;
	}

	private @Nullable ConfigurableApplicationContext context;

	private @Nullable URI contextUrl;

	@Override
	public void prepare(URI url) {
		start(url);
	}

	@Override
	public void consume(URI url, int count, Consumer<String> onData) throws Exception {
		run(url, this.target.expect(count, onData, null));
	}

	@Override
	public void consumeStamps(URI url, int count, LongConsumer onStamp) throws Exception {
		if (this.payload != Payload.QUOTE) {
			Driver.super.consumeStamps(url, count, onStamp);
			return;
		}
		run(url, this.target.expect(count, (data) -> {
		}, onStamp));
	}

	private void run(URI url, CountDownLatch done) throws InterruptedException {
		SseStreamRegistry registry = start(url).getBean(SseStreamRegistry.class);
		registry.start("bench");
		done.await();
		registry.stop("bench");
	}

	private ConfigurableApplicationContext start(URI url) {
		if (this.context != null) {
			if (!url.equals(this.contextUrl)) {
				throw new IllegalStateException("One URL per JVM: started with " + this.contextUrl + ", asked for " + url);
			}
			return this.context;
		}
		SpringApplication application = new SpringApplication(ListenerApplication.class);
		application.addInitializers((context) -> registerTarget((GenericApplicationContext) context));
		List<String> arguments = new ArrayList<>(List.of("--spring.main.web-application-type=none",
				"--spring.main.banner-mode=off", "--logging.level.root=warn", "--sse.client.streams.bench.url=" + url,
				"--sse.client.streams.bench.auto-startup=false",
				"--spring.threads.virtual.enabled=" + this.virtualThreads,
				"--sse.client.listener.observation-enabled=" + this.observed,
				"--sse.client.streams.bench.listener-thread=" + this.listenerThread));
		if (!this.actuator) {
			// as the peers run: no meters or observations
			application.addInitializers((context) -> ((GenericApplicationContext) context)
				.registerBean(ObservationRegistry.class, () -> ObservationRegistry.NOOP));
			arguments.add("--spring.autoconfigure.exclude=" + OBSERVATIONS + "," + METRICS);
		}
		this.context = application.run(arguments.toArray(String[]::new));
		if (this.actuator && this.context.getBeanProvider(PrometheusMeterRegistry.class).getIfAvailable() == null) {
			throw new IllegalStateException("The application regime runs with a Prometheus registry; none was made");
		}
		this.contextUrl = url;
		return this.context;
	}

	private void registerTarget(GenericApplicationContext context) {
		switch (this.payload) {
			case STRING -> context.registerBean(Target.class, () -> this.target);
			case TICK -> context.registerBean(TickListener.class, () -> new TickListener(this.target));
			case QUOTE -> context.registerBean(QuoteListener.class, () -> new QuoteListener(this.target));
		}
	}

	/** A listener of {@link Tick}s: what users write for a JSON feed. */
	static final class TickListener {

		private final Target target;

		TickListener(Target target) {
			this.target = target;
		}

		@SseListener(stream = "bench")
		void on(Tick tick) {
			this.target.pass.accept(tick.symbol());
		}

	}

	/** A listener of {@link Quote}s: the application regime's payload. */
	static final class QuoteListener {

		private final Target target;

		QuoteListener(Target target) {
			this.target = target;
		}

		@SseListener(stream = "bench")
		void on(Quote quote) {
			this.target.pass.accept(quote);
		}

	}

	/** Where the listener method hands each event's data, for the pass under way. */
	static final class Target {

		private volatile Pass pass = new Pass(0, (data) -> {
		}, null);

		CountDownLatch expect(int count, Consumer<String> onData, @Nullable LongConsumer onStamp) {
			Pass next = new Pass(count, onData, onStamp);
			this.pass = next;
			return next.done;
		}

		@SseListener(stream = "bench")
		void on(String data) {
			this.pass.accept(data);
		}

	}

	/** One pass's count; only the listener thread counts. */
	static final class Pass {

		final CountDownLatch done = new CountDownLatch(1);

		private final int count;

		private final Consumer<String> onData;

		private final @Nullable LongConsumer onStamp;

		private int received;

		Pass(int count, Consumer<String> onData, @Nullable LongConsumer onStamp) {
			this.count = count;
			this.onData = onData;
			this.onStamp = onStamp;
		}

		void accept(String data) {
			this.onData.accept(data);
			counted();
		}

		void accept(Quote quote) {
			if (this.onStamp != null) {
				this.onStamp.accept(quote.stamp());
			}
			else {
				this.onData.accept(quote.symbol());
			}
			counted();
		}

		private void counted() {
			if (++this.received == this.count) {
				this.done.countDown();
			}
		}

	}

	@SpringBootConfiguration
	// the regimes measured here have no Kafka: forwarding has a benchmark of its own (kafka.sh)
	@EnableAutoConfiguration(exclude = { KafkaAutoConfiguration.class, KafkaForwardingAutoConfiguration.class })
	static class ListenerApplication {

	}

}
