package dev.sseclient.container;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.autoconfigure.SseHealthContributorAutoConfiguration;
import dev.sseclient.autoconfigure.SseMetricsAutoConfiguration;
import dev.sseclient.core.SseEvent;
import dev.sseclient.health.SseHealthContributor;
import dev.sseclient.listener.SseListener;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Streams registered from a template share the template's meters and one health component, so
 * ten thousand devices are a handful of series: counters add up, gauges become aggregates, a
 * removed stream leaves them, and the last one takes them along. Per-stream meters are a
 * template's choice, capped at 1,000 streams.
 */
@ExtendWith(OutputCaptureExtension.class)
class TemplateMetersAndHealthTests {

	private final SseTestServer server = SseTestServer.start().dispatcher((request) -> request.target().endsWith("down")
			? SseScript.status(404)
			: SseScript.stream().event("1", "reading", "{\"value\":1}").event("2", "reading", "{\"value\":2}").hold());

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class, SseMetricsAutoConfiguration.class,
				SseHealthContributorAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withBean(Readings.class)
		.withPropertyValues("sse.client.templates.device.url=" + this.server.url("/devices/{device}"),
				"sse.client.streams.declared.url=" + this.server.url("/declared"));

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	static class Readings {

		final Map<String, List<String>> received = new ConcurrentHashMap<>();

		@SseListener(template = "device")
		void onReading(SseEvent event) {
			this.received.computeIfAbsent(event.stream(), (stream) -> new CopyOnWriteArrayList<>()).add(event.id());
		}

		@SseListener(stream = "declared")
		void onDeclared(SseEvent event) {
			this.received.computeIfAbsent(event.stream(), (stream) -> new CopyOnWriteArrayList<>()).add(event.id());
		}

		int count() {
			return this.received.values().stream().mapToInt(List::size).sum();
		}

	}

	@Test
	void aTemplatesStreamsShareItsMetersWhoseGaugesAreAggregates() {
		this.contextRunner.run((context) -> {
			SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
			Readings readings = context.getBean(Readings.class);
			for (int i = 0; i < 50; i++) {
				registry.register("device-" + i, "device", Map.of("device", Integer.toString(i)));
			}
			await().until(() -> readings.count() == 50 * 2 + 2);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("sse.client.events.received").tags("stream", "device", "template", "device").counter()
				.count()).isEqualTo(100);
			assertThat(meters.get("sse.client.connections.open").tags("stream", "device", "template", "device").gauge()
				.value()).isEqualTo(50);
			assertThat(meters.get("sse.client.listener").tags("stream", "device", "template", "device").timer().count())
				.isEqualTo(100);
			assertThat(meters.get("sse.client.events.received").tags("stream", "declared", "template", "none").counter()
				.count()).as("a declared stream keeps meters of its own").isEqualTo(2);
			assertThat(meters.getMeters().stream().map((meter) -> meter.getId().getTag("stream")).distinct())
				.as("series per stream tag, whatever the number of devices")
				.containsExactlyInAnyOrder("device", "declared");

			for (int i = 0; i < 20; i++) {
				registry.remove("device-" + i);
			}
			assertThat(meters.get("sse.client.connections.open").tag("stream", "device").gauge().value()).isEqualTo(30);
			assertThat(meters.get("sse.client.events.received").tag("stream", "device").counter().count())
				.as("a counter never goes back").isEqualTo(100);
			int series = meters.getMeters().size();
			for (int i = 50; i < 60; i++) {
				registry.register("device-" + i, "device", Map.of("device", Integer.toString(i)));
			}
			await().until(() -> readings.count() == 60 * 2 + 2);
			assertThat(meters.getMeters()).as("no new series for new devices").hasSize(series);

			for (int i = 20; i < 60; i++) {
				registry.remove("device-" + i);
			}
			assertThat(meters.getMeters()).map(Meter::getId)
				.as("the last stream of the template takes its meters along")
				.noneMatch((id) -> "device".equals(id.getTag("stream")));
		});
	}

	@Test
	void aTemplateMayAskForMetersPerStreamUpToAThousandStreams(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("sse.client.templates.device.per-stream-meters=true",
					"sse.client.templates.device.auto-startup=false")
			.run((context) -> {
				SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
				for (int i = 0; i < 1005; i++) {
					registry.register("device-" + i, "device", Map.of("device", Integer.toString(i)));
				}
				assertThat(registry.getContainer("device-999").getDefinition().meterStream()).isEqualTo("device-999");
				assertThat(registry.getContainer("device-1000").getDefinition().meterStream()).isEqualTo("device");
				assertThat(registry.getContainer("device-1004").getDefinition().meterStream()).isEqualTo("device");
				assertThat(output.getOut().lines().filter((line) -> line.contains("already have meters of their own")))
					.singleElement()
					.satisfies((line) -> assertThat(line).contains("template 'device'").contains("per-stream-meters"));
				// a stream with meters of its own removed makes room for the next
				registry.remove("device-0");
				registry.register("device-2000", "device", Map.of("device", "2000"));
				assertThat(registry.getContainer("device-2000").getDefinition().meterStream()).isEqualTo("device-2000");

				registry.start("device-5");
				Readings readings = context.getBean(Readings.class);
				await().until(() -> readings.count() >= 2);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("sse.client.events.received").tags("stream", "device-5", "template", "device").counter()
					.count()).isEqualTo(2);
			});
	}

	@Test
	void aTemplatesStreamsAreOneHealthComponentListingThoseDown() {
		this.contextRunner.withPropertyValues("sse.client.templates.device.reconnect.enabled=false",
				"sse.client.health.max-listed=2").run((context) -> {
					SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
					for (int i = 0; i < 5; i++) {
						registry.register("device-" + i, "device", Map.of("device", Integer.toString(i)));
					}
					for (String down : List.of("down", "x/down", "y/down")) {
						registry.register("device-" + down.replace('/', '-'), "device", Map.of("device", down));
					}
					SseHealthContributor health = context.getBean(SseHealthContributor.class);
					assertThat(health.stream().map((entry) -> entry.name())).containsExactlyInAnyOrder("declared", "device");
					await().untilAsserted(() -> {
						Health device = ((HealthIndicator) health.getContributor("device")).health();
						assertThat(device.getStatus()).isEqualTo(Status.DOWN);
						assertThat(device.getDetails()).containsEntry("streams", 8)
							.containsEntry("down", 3)
							.containsEntry("states", Map.of("OPEN", 5, "FAILED", 3));
						assertThat((List<?>) device.getDetails().get("downStreams")).hasSize(2);
					});
					assertThat(((HealthIndicator) health.getContributor("device-1")).health().getStatus())
						.as("a stream's own health, one call away").isEqualTo(Status.UP);
					assertThat(((HealthIndicator) health.getContributor("declared")).health().getStatus()).isEqualTo(Status.UP);
				});
	}

}
