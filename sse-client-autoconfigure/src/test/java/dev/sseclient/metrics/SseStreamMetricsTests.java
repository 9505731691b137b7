package dev.sseclient.metrics;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.autoconfigure.SseMetricsAutoConfiguration;
import dev.sseclient.core.ReconnectOptions;
import dev.sseclient.core.SseClient;
import dev.sseclient.core.SseEvent;
import dev.sseclient.core.SseRequest;
import dev.sseclient.listener.SseListener;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Meters and the listener observation of a real stream through a refused attempt, events, a
 * dropped connection and a reconnect.
 */
class SseStreamMetricsTests {

	private final SseTestServer server = SseTestServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class, SseMetricsAutoConfiguration.class))
		.withPropertyValues("sse.client.streams.prices.url=" + this.server.url("/prices"),
				"sse.client.defaults.reconnect.initial-delay=10ms", "sse.client.defaults.reconnect.max-delay=10ms");

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	static class Listener {

		@SseListener(stream = "prices", events = "tick")
		void onTick(String data) {
			if (data.equals("bad")) {
				throw new IllegalStateException("bad tick");
			}
		}

	}

	@Test
	void metersCountEventsAttemptsAndBytesAndListenerCallsAreObserved() {
		this.server.enqueue(SseScript.status(503));
		this.server.enqueue(SseScript.stream()
			.event("1", "tick", "a")
			.event("2", "tick", "bad")
			.event("3", "quote", "q")
			.end());
		this.server.enqueue(SseScript.stream().event("4", "tick", "b").hold());
		TestObservationRegistry observations = TestObservationRegistry.create();
		this.contextRunner.withPropertyValues("sse.client.listener.observation-enabled=true")
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(ObservationRegistry.class, () -> observations)
			.withBean(Listener.class)
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				await().until(() -> count(meters, "sse.client.events.received", "event", "tick") == 3);
				assertThat(count(meters, "sse.client.events.received", "event", "quote")).isEqualTo(1);
				await().until(() -> count(meters, "sse.client.connection.attempts", "outcome", "opened") == 2);
				assertThat(count(meters, "sse.client.connection.attempts", "outcome", "http_5xx")).isEqualTo(1);
				assertThat(meters.get("sse.client.bytes.received").tag("stream", "prices").functionCounter().count())
					.isGreaterThan(60);
				await().until(() -> meters.get("sse.client.connections.open").tag("stream", "prices").gauge().value() == 1);
				assertThat(meters.get("sse.client.events.buffered").tag("stream", "prices").gauge().value()).isZero();
				assertThat(meters.get("sse.client.time.since.last.event").tag("stream", "prices").timeGauge().value())
					.isGreaterThanOrEqualTo(0);

				await().untilAsserted(() -> TestObservationRegistryAssert.assertThat(observations)
					.hasNumberOfObservationsWithNameEqualTo("sse.client.listener", 3));
				TestObservationRegistryAssert.assertThat(observations)
					.hasAnObservationWithAKeyValue("outcome", "error")
					.hasAnObservationWithAKeyValue("exception", "IllegalStateException")
					.hasAnObservationWithAKeyValue("listener", "Listener.onTick")
					.hasAnObservationWithAKeyValue("sse.event.id", "2");
			});
	}

	@Test
	void namedStreamsOpenedThroughTheClientAreCountedAndUnnamedOnesAndDeclaredOnesAreNotCountedTwice() {
		this.server.dispatcher((request) -> switch (request.target()) {
			case "/orders", "/unnamed" -> SseScript.stream().event("1", "order", "a").event("2", "order", "b").end();
			default -> SseScript.stream().event("1", "tick", "p").hold();
		});
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(Listener.class)
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				SseClient client = context.getBean(SseClient.class);
				List<SseEvent> orders = client
					.events(SseRequest.get(this.server.url("/orders")).name("orders").reconnect(ReconnectOptions.disabled()).build())
					.collectList()
					.block(Duration.ofSeconds(10));
				assertThat(orders).hasSize(2);
				client.events(SseRequest.get(this.server.url("/unnamed")).reconnect(ReconnectOptions.disabled()).build())
					.blockLast(Duration.ofSeconds(10));
				assertThat(meters.get("sse.client.events.received").tags("stream", "orders", "event", "order").counter()
					.count()).isEqualTo(2);
				assertThat(meters.get("sse.client.connection.attempts").tags("stream", "orders", "outcome", "opened")
					.counter().count()).isEqualTo(1);
				assertThat(meters.get("sse.client.stream.ends").tags("stream", "orders", "outcome", "completed")
					.counter().count()).isEqualTo(1);
				// the declared stream's meters come with its first signal: awaited first, on a busy machine it may lag
				await().until(() -> count(meters, "sse.client.events.received", "event", "tick") == 1);
				assertThat(meters.getMeters()).extracting((meter) -> meter.getId().getTag("stream"))
					.containsOnly("orders", "prices");
				assertThat(count(meters, "sse.client.connection.attempts", "outcome", "opened")).isEqualTo(1);
			});
	}

	@Test
	void eventTypesBeyondTheCapAreCountedAsOther() {
		SseScript script = SseScript.stream();
		for (int i = 0; i < SseStreamMetrics.MAX_EVENT_TYPES + 5; i++) {
			script.event(String.valueOf(i), "type" + i, "x");
		}
		this.server.enqueue(script.hold());
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withBean(Listener.class).run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().until(() -> count(meters, "sse.client.events.received", "event", "other") == 5);
			assertThat(meters.find("sse.client.events.received").counters()).hasSize(SseStreamMetrics.MAX_EVENT_TYPES + 1);
		});
	}

	@Test
	void oversizedEventsAreCountedAsDropped() {
		this.server.enqueue(SseScript.stream().event("1", "tick", "x".repeat(200)).hold());
		this.server.enqueue(SseScript.stream().event("2", "tick", "small").hold());
		this.contextRunner.withPropertyValues("sse.client.streams.prices.max-event-size=100B")
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(Listener.class)
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				await().until(() -> count(meters, "sse.client.events.received", "event", "tick") == 1);
				assertThat(count(meters, "sse.client.events.dropped", "reason", "too_large")).isEqualTo(1);
			});
	}

	@Test
	void runWithoutAMeterRegistryShouldBackOff() {
		this.contextRunner.withPropertyValues("sse.client.defaults.auto-startup=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SseStreamMetrics.class));
	}

	private static double count(MeterRegistry meters, String name, String tag, String value) {
		var counter = meters.find(name).tags("stream", "prices", tag, value).counter();
		return (counter != null) ? counter.count() : 0;
	}

}
