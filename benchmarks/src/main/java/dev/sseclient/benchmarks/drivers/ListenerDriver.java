package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.listener.SseListener;

/**
 * This project's declarative path in a small Boot application: a stream from properties and an
 * {@code @SseListener} method. The application starts once per JVM, in {@link #prepare}, and
 * is not timed; each pass starts the stream, waits for its events and stops it, as the other
 * drivers open and close a connection per pass.
 */
final class ListenerDriver implements Driver {

	private static final String OBSERVATIONS = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration";

	private static final String METRICS = "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration";

	private final Target target = new Target();

	private final boolean virtualThreads;

	private final boolean json;

	/**
	 * @param virtualThreads listener calls on virtual threads (Boot's switch; Java 21 or later)
	 * @param json the listener takes a {@link Tick}, read by the starter with the application's
	 * JSON mapper, rather than the data string
	 */
	ListenerDriver(boolean virtualThreads, boolean json) {
		this.virtualThreads = virtualThreads;
		this.json = json;
	}

	private @Nullable ConfigurableApplicationContext context;

	private @Nullable URI contextUrl;

	@Override
	public void prepare(URI url) {
		start(url);
	}

	@Override
	public void consume(URI url, int count, Consumer<String> onData) throws Exception {
		SseStreamRegistry registry = start(url).getBean(SseStreamRegistry.class);
		CountDownLatch done = this.target.expect(count, onData);
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
		application.addInitializers(
				(context) -> registerTarget((GenericApplicationContext) context),
				(context) -> ((GenericApplicationContext) context).registerBean(ObservationRegistry.class,
						() -> ObservationRegistry.NOOP));
		this.context = application.run("--spring.main.web-application-type=none", "--spring.main.banner-mode=off",
				"--logging.level.root=warn", "--sse.client.streams.bench.url=" + url,
				"--sse.client.streams.bench.auto-startup=false",
				// as the peers run: no meters or observations (actuator is on this classpath for the scale runs)
				"--spring.autoconfigure.exclude=" + OBSERVATIONS + "," + METRICS,
				"--spring.threads.virtual.enabled=" + this.virtualThreads);
		this.contextUrl = url;
		return this.context;
	}

	private void registerTarget(GenericApplicationContext context) {
		if (this.json) {
			context.registerBean(JsonListener.class, () -> new JsonListener(this.target));
		}
		else {
			context.registerBean(Target.class, () -> this.target);
		}
	}

	/** A listener of {@link Tick}s: what users write for a JSON feed. */
	static final class JsonListener {

		private final Target target;

		JsonListener(Target target) {
			this.target = target;
		}

		@SseListener(stream = "bench")
		void on(Tick tick) {
			this.target.pass.accept(tick.symbol());
		}

	}

	/** Where the listener method hands each event's data, for the pass under way. */
	static final class Target {

		private volatile Pass pass = new Pass(0, (data) -> {
		});

		CountDownLatch expect(int count, Consumer<String> onData) {
			Pass next = new Pass(count, onData);
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

		private int received;

		Pass(int count, Consumer<String> onData) {
			this.count = count;
			this.onData = onData;
		}

		void accept(String data) {
			this.onData.accept(data);
			if (++this.received == this.count) {
				this.done.countDown();
			}
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ListenerApplication {

	}

}
