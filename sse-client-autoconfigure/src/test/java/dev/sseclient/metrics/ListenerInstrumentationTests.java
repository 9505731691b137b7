package dev.sseclient.metrics;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.autoconfigure.SseMetricsAutoConfiguration;
import dev.sseclient.container.InvalidSseConfigurationException;
import dev.sseclient.listener.ErrorAction;
import dev.sseclient.listener.ListenerFailure;
import dev.sseclient.listener.PayloadConversionException;
import dev.sseclient.listener.SseListener;
import dev.sseclient.listener.SseListenerErrorHandler;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How listener calls are measured: timers made once per listener and outcome by default, an
 * Observation per call (span, trace context in the method) when opted in, globally or per
 * listener. Either way a failing call or an unreadable payload reaches the error handler once
 * and is counted under the same timer series.
 */
class ListenerInstrumentationTests {

	private final SseTestServer server = SseTestServer.start();

	private final SimpleTracer tracer = new SimpleTracer();

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class, SseMetricsAutoConfiguration.class))
		.withPropertyValues("sse.client.streams.prices.url=" + this.server.url("/prices"))
		.withBean(MeterRegistry.class, () -> this.meters)
		.withBean(ObservationRegistry.class, this::observationsWithTracingAndMeters)
		.withBean(RecordingErrorHandler.class)
		.withBean(Listeners.class, () -> new Listeners(this.tracer));

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void byDefaultEachCallIsATimerSampleAndNoObservation() {
		this.server.enqueue(feed());
		this.contextRunner.run((context) -> {
			Listeners listeners = context.getBean(Listeners.class);
			await().until(() -> listeners.typed.size() == 2 && listeners.raw.size() == 3);
			assertThat(timer("Listeners.onRaw", "success", "none").count()).isEqualTo(2);
			assertThat(timer("Listeners.onRaw", "error", "IllegalStateException").count()).isEqualTo(1);
			assertThat(timer("Listeners.onTick", "success", "none").count()).isEqualTo(2);
			assertThat(timer("Listeners.onTick", "error", "PayloadConversionException").count()).isEqualTo(1);
			assertThat(this.meters.find("sse.client.listener.active").longTaskTimers()).isEmpty();
			assertThat(listenerSpans()).isEmpty();
			assertThat(listeners.spanInListener).containsOnlyNulls();
			assertErrorHandlerSawEachFailureOnce(context.getBean(RecordingErrorHandler.class));
		});
	}

	@Test
	void observationEnabledMakesASpanPerCallWithTheTraceInsideTheListenerAndTheSameTimerSeries() {
		this.server.enqueue(feed());
		this.contextRunner.withPropertyValues("sse.client.listener.observation-enabled=true").run((context) -> {
			Listeners listeners = context.getBean(Listeners.class);
			await().until(() -> listeners.typed.size() == 2 && listeners.raw.size() == 3);
			await().until(() -> listenerSpans().size() == 6);
			assertThat(listeners.spanInListener).hasSize(3).doesNotContainNull();
			assertThat(listenerSpans()).extracting(SimpleSpan::getName)
				.containsOnly("sse prices Listeners.onRaw", "sse prices Listeners.onTick");
			assertThat(listenerSpans()).filteredOn((span) -> span.getError() != null).hasSize(2);
			assertThat(timer("Listeners.onRaw", "success", "none").count()).isEqualTo(2);
			assertThat(timer("Listeners.onTick", "error", "PayloadConversionException").count()).isEqualTo(1);
			assertThat(this.meters.find("sse.client.listener.active").longTaskTimers()).isNotEmpty();
			assertErrorHandlerSawEachFailureOnce(context.getBean(RecordingErrorHandler.class));
		});
	}

	@Test
	void bothModesTagTheirTimersAlikeSoOneSeriesHoldsBoth() {
		this.server.enqueue(feed());
		Set<String> timed = new HashSet<>();
		this.contextRunner.run((context) -> {
			Listeners listeners = context.getBean(Listeners.class);
			await().until(() -> listeners.raw.size() == 3);
			timed.addAll(tagKeys());
		});
		this.meters.clear();
		this.server.enqueue(feed());
		this.contextRunner.withPropertyValues("sse.client.listener.observation-enabled=true").run((context) -> {
			Listeners listeners = context.getBean(Listeners.class);
			await().until(() -> listeners.raw.size() == 3);
			assertThat(tagKeys()).isEqualTo(timed).contains("stream", "listener", "outcome", "exception");
		});
	}

	@Test
	void aListenerMayOptInOrOutAgainstTheApplicationSetting() {
		this.server.enqueue(feed());
		this.contextRunner.withBean(OptedIn.class, () -> new OptedIn(this.tracer)).run((context) -> {
			OptedIn optedIn = context.getBean(OptedIn.class);
			await().until(() -> optedIn.spans.size() == 3 && listenerSpans().size() == 3);
			assertThat(optedIn.spans).doesNotContainNull();
			assertThat(listenerSpans()).extracting(SimpleSpan::getName).containsOnly("sse prices optedIn");
		});
		this.tracer.getSpans().clear();
		this.server.enqueue(feed());
		this.contextRunner.withPropertyValues("sse.client.listener.observation-enabled=true", "off=false")
			.withBean(OptedOut.class, () -> new OptedOut(this.tracer))
			.run((context) -> {
				Listeners listeners = context.getBean(Listeners.class);
				OptedOut optedOut = context.getBean(OptedOut.class);
				await().until(() -> optedOut.spans.size() == 3 && listeners.raw.size() == 3);
				assertThat(optedOut.spans).containsOnlyNulls();
				await().until(() -> listenerSpans().size() == 6);
				assertThat(listenerSpans()).extracting(SimpleSpan::getName).doesNotContain("sse prices optedOut");
			});
	}

	@Test
	void asyncAndBatchListenersAreTimedToo() {
		this.server.enqueue(feed());
		this.contextRunner.withBean(AsyncAndBatch.class).run((context) -> {
			AsyncAndBatch listeners = context.getBean(AsyncAndBatch.class);
			await().until(() -> listeners.async.size() == 3 && listeners.batched.size() == 3);
			await().until(() -> timer("async", "success", "none").count() == 2);
			assertThat(timer("async", "error", "IllegalStateException").count()).isEqualTo(1);
			assertThat(this.meters.get("sse.client.listener").tags("listener", "batch").timers())
				.extracting(Timer::getId)
				.allSatisfy((id) -> assertThat(id.getTag("outcome")).isEqualTo("success"));
			assertThat(listenerSpans()).isEmpty();
		});
	}

	@Test
	void anObservationChoiceThatIsNeitherTrueNorFalseFailsStartupNamingTheMethod() {
		this.contextRunner.withPropertyValues("sse.client.streams.prices.auto-startup=false")
			.withBean(Misconfigured.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidSseConfigurationException.class)
				.hasMessageContaining("Misconfigured.on")
				.hasMessageContaining("observation 'sometimes'"));
	}

	private static SseScript feed() {
		return SseScript.stream()
			.event("1", "tick", "{\"symbol\":\"A\"}")
			.event("2", "tick", "not json")
			.event("3", "tick", "{\"symbol\":\"B\"}")
			.hold();
	}

	private ObservationRegistry observationsWithTracingAndMeters() {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig()
			.observationHandler(new DefaultMeterObservationHandler(this.meters))
			.observationHandler(new DefaultTracingObservationHandler(this.tracer));
		return registry;
	}

	/** The spans of listener calls, not of connection attempts. */
	private List<SimpleSpan> listenerSpans() {
		return this.tracer.getSpans().stream().filter((span) -> span.getName().startsWith("sse ")).toList();
	}

	private Timer timer(String listener, String outcome, String exception) {
		return this.meters.get("sse.client.listener")
			.tags("stream", "prices", "listener", listener, "outcome", outcome, "exception", exception)
			.timer();
	}

	private Set<String> tagKeys() {
		Collection<Meter> timers = this.meters.find("sse.client.listener").meters();
		assertThat(timers).isNotEmpty();
		return timers.stream()
			.flatMap((meter) -> meter.getId().getTags().stream())
			.map(Tag::getKey)
			.collect(Collectors.toSet());
	}

	private static void assertErrorHandlerSawEachFailureOnce(RecordingErrorHandler handler) {
		await().until(() -> handler.failures.size() == 2);
		assertThat(handler.failures).extracting((failure) -> failure.listenerId() + " " + failure.event().id())
			.containsExactlyInAnyOrder("Listeners.onRaw 2", "Listeners.onTick 2");
		assertThat(handler.failures).filteredOn((failure) -> failure.listenerId().equals("Listeners.onTick"))
			.extracting(ListenerFailure::cause)
			.hasOnlyElementsOfType(PayloadConversionException.class);
	}

	record Tick(String symbol) {
	}

	static class Listeners {

		private final SimpleTracer tracer;

		final List<String> raw = new CopyOnWriteArrayList<>();

		final List<Tick> typed = new CopyOnWriteArrayList<>();

		final List<Object> spanInListener = new CopyOnWriteArrayList<>();

		Listeners(SimpleTracer tracer) {
			this.tracer = tracer;
		}

		@SseListener(stream = "prices")
		void onRaw(String data) {
			this.raw.add(data);
			this.spanInListener.add(this.tracer.currentSpan());
			if (data.equals("not json")) {
				throw new IllegalStateException("bad tick");
			}
		}

		@SseListener(stream = "prices")
		void onTick(Tick tick) {
			this.typed.add(tick);
		}

	}

	/** Keeps the span each call runs in, {@code null} when none. */
	abstract static class SpanRecording {

		private final SimpleTracer tracer;

		final List<Object> spans = new CopyOnWriteArrayList<>();

		SpanRecording(SimpleTracer tracer) {
			this.tracer = tracer;
		}

		void record() {
			this.spans.add(this.tracer.currentSpan());
		}

	}

	static class OptedIn extends SpanRecording {

		OptedIn(SimpleTracer tracer) {
			super(tracer);
		}

		@SseListener(stream = "prices", id = "optedIn", observation = "true")
		void on(String data) {
			record();
		}

	}

	static class OptedOut extends SpanRecording {

		OptedOut(SimpleTracer tracer) {
			super(tracer);
		}

		@SseListener(stream = "prices", id = "optedOut", observation = "${off}")
		void on(String data) {
			record();
		}

	}

	static class AsyncAndBatch {

		final List<String> async = new CopyOnWriteArrayList<>();

		final List<String> batched = new CopyOnWriteArrayList<>();

		@SseListener(stream = "prices", id = "async")
		Mono<Void> onAsync(String data) {
			this.async.add(data);
			return data.equals("not json") ? Mono.error(new IllegalStateException("bad tick"))
					: Mono.delay(Duration.ofMillis(5)).then();
		}

		@SseListener(stream = "prices", id = "batch", batch = true)
		void onBatch(List<String> data) {
			this.batched.addAll(data);
		}

	}

	static class Misconfigured {

		@SseListener(stream = "prices", observation = "sometimes")
		void on(String data) {
		}

	}

	static class RecordingErrorHandler implements SseListenerErrorHandler {

		final List<ListenerFailure> failures = new CopyOnWriteArrayList<>();

		@Override
		public ErrorAction handleError(ListenerFailure failure) {
			this.failures.add(failure);
			return ErrorAction.proceed();
		}

	}

}
