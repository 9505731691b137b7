package dev.sseclient.container;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.autoconfigure.SseHealthContributorAutoConfiguration;
import dev.sseclient.autoconfigure.SseMetricsAutoConfiguration;
import dev.sseclient.core.SseEvent;
import dev.sseclient.core.SseRequest;
import dev.sseclient.health.SseHealthContributor;
import dev.sseclient.listener.SseListener;
import dev.sseclient.test.RecordedRequest;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Streams registered and removed at run time, one per device, served to one pattern listener,
 * with health, meters and checkpoints that come and go with them.
 */
class RuntimeStreamsTests {

	private final SseTestServer server = SseTestServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class, SseMetricsAutoConfiguration.class,
				SseHealthContributorAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withBean(DeviceListener.class);

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	static class DeviceListener {

		final Map<String, List<String>> received = new ConcurrentHashMap<>();

		@SseListener(stream = "device-*")
		void on(SseEvent event) {
			this.received.computeIfAbsent(event.stream(), (stream) -> new CopyOnWriteArrayList<>()).add(event.data());
		}

		int count() {
			return this.received.values().stream().mapToInt(List::size).sum();
		}

	}

	/** Each device's feed: its number as data, numbered events from the one after Last-Event-ID. */
	private void serveDevices() {
		this.server.dispatcher((request) -> {
			String device = request.target().substring(request.target().lastIndexOf('/') + 1);
			String last = request.header("Last-Event-ID");
			int next = (last == null) ? 1 : Integer.parseInt(last) + 1;
			return SseScript.stream().event(String.valueOf(next), null, device).hold();
		});
	}

	private SseRequest device(int number) {
		return SseRequest.get(this.server.url("/devices/" + number)).build();
	}

	@Test
	void aStreamRemovedAsSoonAsRegisteredLeavesNoConnectionBehind() {
		serveDevices();
		this.contextRunner.run((context) -> {
			SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
			// the connection is made on another thread: some removals come before it, some during
			for (int i = 0; i < 200; i++) {
				registry.register("device-" + i, device(i));
				registry.remove("device-" + i);
			}
			assertThat(registry.getStreamNames()).isEmpty();
			await().until(() -> this.server.openConnections() == 0);
			registry.register("device-kept", device(7));
			DeviceListener listener = context.getBean(DeviceListener.class);
			await().until(() -> listener.received.containsKey("device-kept"));
			assertThat(this.server.openConnections()).isEqualTo(1);
		});
	}

	@Test
	void registeringReturnsBeforeConnectingWhichIsNotTheCallersWork() {
		serveDevices();
		List<String> connectingThreads = new CopyOnWriteArrayList<>();
		this.contextRunner
			.withBean(SseStreamRequestCustomizer.class,
					() -> (stream, attempt, headers) -> connectingThreads.add(Thread.currentThread().getName()))
			.run((context) -> {
				SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
				DeviceListener listener = context.getBean(DeviceListener.class);
				for (int i = 0; i < 20; i++) {
					registry.register("device-" + i, device(i));
				}
				await().until(() -> listener.count() == 20);
				assertThat(connectingThreads).hasSize(20).allMatch((name) -> name.startsWith("parallel-"));
			});
	}

	@Test
	void aHundredStreamsRegisteredAtRunTimeReachAPatternListenerWithHealthAndMeters() {
		serveDevices();
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
			DeviceListener listener = context.getBean(DeviceListener.class);
			for (int i = 0; i < 100; i++) {
				registry.register("device-" + i, device(i));
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> listener.count() == 100);
			for (int i = 0; i < 100; i++) {
				assertThat(listener.received.get("device-" + i)).as("device %d", i).containsExactly(String.valueOf(i));
			}
			// streams registered from bare requests share one health component and one set of meters
			SseHealthContributor health = context.getBean(SseHealthContributor.class);
			assertThat(health.stream().map((entry) -> entry.name())).containsExactly("registered");
			assertThat(((HealthIndicator) health.getContributor("registered")).health().getDetails()).containsEntry("streams",
					100);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("sse.client.events.received").tag("stream", "registered").tag("template", "none").counter()
				.count()).isEqualTo(100);
			assertThat(meters.find("sse.client.events.received").tag("stream", "device-7").counter()).isNull();
			assertThat(registry.getContainer("device-7").getListenerIds()).containsExactly("DeviceListener.on");
			assertThatIllegalArgumentException().isThrownBy(() -> registry.register("device-7", device(7)))
				.withMessageContaining("already registered");
		});
	}

	@Test
	void aRemovedStreamLeavesNoHealthOrMetersAndResumesFromItsCheckpointWhenRegisteredAgain() {
		serveDevices();
		this.contextRunner.withPropertyValues("sse.client.checkpoint.batch-size=1").run((context) -> {
			SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
			DeviceListener listener = context.getBean(DeviceListener.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			registry.register("device-1", device(1));
			registry.register("device-2", device(2));
			await().until(() -> listener.count() == 2);
			RecordedRequest first = this.server.takeRequest();
			this.server.takeRequest();
			assertThat(first.header("Last-Event-ID")).isNull();
			registry.remove("device-1");
			assertThat(registry.getContainer("device-1")).isNull();
			assertThat(context.getBean(SseHealthContributor.class).getContributor("device-1")).isNull();
			assertThat(meters.getMeters()).noneMatch((meter) -> "device-1".equals(meter.getId().getTag("stream")));
			assertThat(meters.get("sse.client.connections.open").tag("stream", "registered").gauge().value())
				.as("device-2 alone left in the aggregate").isEqualTo(1);
			registry.register("device-1", device(1));
			await().until(() -> listener.count() == 3);
			assertThat(this.server.takeRequest().header("Last-Event-ID")).as("resumed from its checkpoint").isEqualTo("1");
		});
	}

	@Test
	void streamsMadeFromAYamlTemplateGetTheirParametersInUrlAndHeaders() {
		serveDevices();
		this.contextRunner
			.withPropertyValues("sse.client.templates.device.url=" + this.server.url("/devices/{device}"),
					"sse.client.templates.device.headers.X-Device={device}",
					"sse.client.templates.device.headers.Authorization=Bearer ${IOT_TOKEN}", "IOT_TOKEN=t0k3n",
					"sse.client.defaults.headers.X-App=demo")
			.run((context) -> {
				SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
				DeviceListener listener = context.getBean(DeviceListener.class);
				for (int i = 0; i < 100; i++) {
					registry.register("device-" + i, "device", Map.of("device", String.valueOf(i)));
				}
				await().atMost(Duration.ofSeconds(30)).until(() -> listener.count() == 100);
				for (int i = 0; i < 100; i++) {
					assertThat(listener.received.get("device-" + i)).as("device %d", i).containsExactly(String.valueOf(i));
				}
				RecordedRequest request = this.server.takeRequest();
				String device = request.target().substring(request.target().lastIndexOf('/') + 1);
				assertThat(request.header("X-Device")).isEqualTo(device);
				assertThat(request.header("Authorization")).isEqualTo("Bearer t0k3n");
				assertThat(request.header("X-App")).isEqualTo("demo");
				registry.register("device-a b", "device", Map.of("device", "a b/c"));
				await().until(() -> listener.received.containsKey("device-a b"));
				assertThat(listener.received.get("device-a b")).containsExactly("a%20b%2Fc");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> registry.register("device-x", "device", Map.of()))
					.withMessage("Stream template 'device' needs the parameter 'device'; given: []");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> registry.register("device-x", "device", Map.of("device", "1", "devise", "1")))
					.withMessage("Stream template 'device' has no parameter 'devise'; its parameters: [device]");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> registry.register("device-x", "sensor", Map.of("device", "1")))
					.withMessageStartingWith("No stream template named 'sensor'");
				assertThat(registry.getContainer("device-x")).isNull();
			});
	}

	@Test
	void aListenerGivenAtRegistrationGetsTheStreamsEventsBesideThePatternListenersAndSurvivesItsFailures() {
		this.server.dispatcher((request) -> SseScript.stream().event("1", null, "a").event("2", null, "b").hold());
		this.contextRunner.withPropertyValues("sse.client.templates.device.url=" + this.server.url("/devices/{device}"))
			.run((context) -> {
				SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
				DeviceListener patternListener = context.getBean(DeviceListener.class);
				List<String> own = new CopyOnWriteArrayList<>();
				registry.register("device-1", device(1), (event) -> {
					own.add(event.stream() + ":" + event.data());
					if (event.id().equals("1")) {
						throw new IllegalStateException("listener failure, the stream goes on");
					}
				});
				List<String> fromTemplate = new CopyOnWriteArrayList<>();
				registry.register("device-2", "device", Map.of("device", "2"), (event) -> fromTemplate.add(event.data()));
				await().until(() -> own.size() == 2 && fromTemplate.size() == 2);
				assertThat(own).containsExactly("device-1:a", "device-1:b");
				assertThat(fromTemplate).containsExactly("a", "b");
				await().until(() -> patternListener.count() == 4);
				assertThat(registry.getContainer("device-1").getListenerIds()).containsExactly("DeviceListener.on",
						SseStreamRegistry.REGISTERED_LISTENER);
				registry.remove("device-1");
				registry.register("device-1", device(1));
				await().until(() -> patternListener.count() == 6);
				assertThat(own).hasSize(2);
			});
	}

	@Test
	void aTemplateWithAutoStartupOffMakesStreamsThatWaitForStart() {
		serveDevices();
		this.contextRunner
			.withPropertyValues("sse.client.templates.device.url=" + this.server.url("/devices/{device}"),
					"sse.client.templates.device.auto-startup=false")
			.run((context) -> {
				SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
				DeviceListener listener = context.getBean(DeviceListener.class);
				SseStreamContainer container = registry.register("device-5", "device", Map.of("device", "5"));
				assertThat(container.isRunning()).isFalse();
				assertThat(this.server.requestCount()).isZero();
				registry.start("device-5");
				await().until(() -> listener.count() == 1);
				assertThat(listener.received.get("device-5")).containsExactly("5");
			});
	}

	@Test
	void aTemplateThatCanNeverWorkFailsStartupNamingItsProperty() {
		this.contextRunner.withPropertyValues("sse.client.templates.device.url=ftp://iot.example.com/{device}")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("sse.client.templates.device.url has the unsupported scheme 'ftp'"));
		this.contextRunner
			.withPropertyValues("sse.client.templates.device.url=http://iot.example.com/{device}",
					"sse.client.templates.device.idle-timout=1m")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("sse.client.templates.device.idle-timout is not a setting of a stream (template 'device')"));
	}

	static class TemplateAndNamesListener {

		final List<String> fromTemplate = new CopyOnWriteArrayList<>();

		final List<String> fromNames = new CopyOnWriteArrayList<>();

		@SseListener(template = "device")
		void onDevice(SseEvent event) {
			this.fromTemplate.add(event.stream());
		}

		@SseListener(streams = { "alpha", "extra-*" })
		void onNamed(SseEvent event) {
			this.fromNames.add(event.stream());
		}

	}

	@Test
	void aListenerServesATemplatesStreamsOrSeveralNamesAndPatterns() {
		serveDevices();
		TemplateAndNamesListener listener = new TemplateAndNamesListener();
		this.contextRunner.withBean(TemplateAndNamesListener.class, () -> listener)
			.withPropertyValues("sse.client.templates.device.url=" + this.server.url("/devices/{device}"),
					"sse.client.streams.alpha.url=" + this.server.url("/devices/alpha"))
			.run((context) -> {
				SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
				registry.register("sensor-1", "device", Map.of("device", "1"));
				registry.register("extra-2", device(2));
				registry.register("other-3", device(3));
				await().until(() -> listener.fromTemplate.size() == 1 && listener.fromNames.size() == 2);
				assertThat(listener.fromTemplate).containsExactly("sensor-1");
				assertThat(listener.fromNames).containsExactlyInAnyOrder("alpha", "extra-2");
				assertThat(registry.getContainer("other-3").getListenerIds()).isEmpty();
			});
	}

	static class UnknownTemplateListener {

		@SseListener(template = "sensor")
		void on(SseEvent event) {
		}

	}

	static class NoStreamListener {

		@SseListener(events = "tick")
		void on(SseEvent event) {
		}

	}

	@Test
	void aListenerOfAnUndeclaredTemplateOrOfNoStreamFailsStartup() {
		this.contextRunner.withBean(UnknownTemplateListener.class)
			.withPropertyValues("sse.client.templates.device.url=http://iot.example.com/{device}")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("@SseListener 'UnknownTemplateListener.on' names the template 'sensor', which is not declared; "
						+ "declared: [device]"));
		this.contextRunner.withBean(NoStreamListener.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageEndingWith("names no stream"));
	}

	@Test
	void aPatternListenerAlsoServesMatchingDeclaredStreamsAndNeedsNoneToStart() {
		serveDevices();
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
		this.contextRunner.withPropertyValues("sse.client.streams.device-9.url=" + this.server.url("/devices/9"))
			.run((context) -> {
				DeviceListener listener = context.getBean(DeviceListener.class);
				await().until(() -> listener.count() == 1);
				assertThat(listener.received).containsOnlyKeys("device-9");
			});
	}

}
