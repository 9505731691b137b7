package dev.sseclient.http2;

import java.io.InputStream;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import javax.net.ssl.KeyManagerFactory;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.EventListener;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamEvent;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.container.StreamSnapshot;
import dev.sseclient.core.SseEvent;
import dev.sseclient.listener.SseListener;
import dev.sseclient.test.RecordedRequest;
import dev.sseclient.test.SseHttp2TestServer;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Streams over HTTP/2, against a real HTTP/2 server on loopback: many streams to one origin on
 * few connections, each with its own order, backpressure and failures.
 */
@ExtendWith(OutputCaptureExtension.class)
class Http2StreamsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class, SslAutoConfiguration.class))
		.withPropertyValues("spring.ssl.bundle.jks.feed.truststore.location=classpath:tls/trust.p12",
				"spring.ssl.bundle.jks.feed.truststore.password=secret",
				"spring.ssl.bundle.jks.feed.truststore.type=PKCS12",
				"sse.client.defaults.reconnect.initial-delay=50ms", "sse.client.defaults.reconnect.max-delay=200ms")
		.withBean(Received.class);

	/** Every event's id, by stream, in arrival order. */
	static class Received {

		final Map<String, List<String>> ids = new ConcurrentHashMap<>();

		final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

		final List<SseStreamEvent.Reconnecting> reconnecting = new CopyOnWriteArrayList<>();

		@EventListener
		void on(SseStreamEvent.Reconnecting event) {
			this.reconnecting.add(event);
		}

		@SseListener(stream = "*")
		void on(SseEvent event) throws InterruptedException {
			CountDownLatch gate = this.gates.get(event.stream());
			if (gate != null) {
				gate.await(30, TimeUnit.SECONDS);
			}
			this.ids.computeIfAbsent(event.stream(), (name) -> new CopyOnWriteArrayList<>()).add(event.id());
		}

		List<String> of(String stream) {
			return this.ids.getOrDefault(stream, List.of());
		}

	}

	/** Three events numbered from the request's Last-Event-ID on, then held open. */
	private static SseScript threeEventsAfter(RecordedRequest request) {
		String last = request.header("Last-Event-ID");
		int from = (last != null) ? Integer.parseInt(last) + 1 : 1;
		StringBuilder events = new StringBuilder();
		for (int id = from; id < from + 3; id++) {
			events.append(SseScript.format(Integer.toString(id), null, "tick " + id));
		}
		return SseScript.stream().send(events.toString()).hold();
	}

	@Test
	void fiveHundredStreamsToOneOriginShareAFewConnectionsAndEachKeepsItsOrder() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		Metrics.addRegistry(meters);
		try (SseHttp2TestServer server = SseHttp2TestServer.startCleartext(100)) {
			server.dispatcher(Http2StreamsTests::threeEventsAfter);
			h2cDevicesOn(server).run((context) -> {
				Received received = registerDevices(context, 500);
				await().atMost(Duration.ofSeconds(60))
					.until(() -> IntStream.range(0, 500).allMatch((i) -> received.of("device-" + i).size() == 3));
				IntStream.range(0, 500)
					.forEach((i) -> assertThat(received.of("device-" + i)).containsExactly("1", "2", "3"));
				// 100 streams a connection, as the server's SETTINGS allow
				assertThat(server.connectionsAccepted()).isBetween(5, 7);
				StreamSnapshot snapshot = context.getBean(SseStreamRegistry.class).getContainer("device-7").snapshot();
				assertThat(snapshot.protocol()).isEqualTo("HTTP/2.0");
				assertThat(snapshot.toMap()).containsEntry("protocol", "HTTP/2.0");
				// Reactor Netty's gauges of the pool count the connections to the origin
				Gauge connections = meters.find("reactor.netty.connection.provider.total.connections")
					.tag("name", "sse-client")
					.gauge();
				assertThat(connections).isNotNull();
				assertThat(connections.value()).isEqualTo(server.openConnections());
			});
		}
		finally {
			Metrics.removeRegistry(meters);
		}
	}

	@Test
	void overTlsHttp2IsNegotiatedWithAlpnAndTheStreamsBundleIsTrusted() throws Exception {
		try (SseHttp2TestServer server = SseHttp2TestServer.startTls(serverKeys(), true)) {
			server.dispatcher(Http2StreamsTests::threeEventsAfter);
			assertFeedOpensOver(server.url("/feed"), "HTTP/2.0");
			// a compressed stream would be buffered on its way: none is asked for
			assertThat(server.takeRequest().header("Accept-Encoding")).isNull();
		}
	}

	@Test
	void aServerWithoutHttp2GetsHttp11OverTheSameSettings() throws Exception {
		try (SseTestServer server = SseTestServer.startTls(serverContext())) {
			server.dispatcher(Http2StreamsTests::threeEventsAfter);
			assertFeedOpensOver(server.url("/feed"), "HTTP/1.1");
		}
	}

	@Test
	void http11AloneTurnsHttp2Off() throws Exception {
		try (SseHttp2TestServer server = SseHttp2TestServer.startTls(serverKeys(), false)) {
			server.dispatcher(Http2StreamsTests::threeEventsAfter);
			assertFeedOpensOver(server.url("/feed"), "HTTP/1.1", "sse.client.defaults.protocols=http11");
		}
	}

	/** The stream {@code feed} to {@code url}, with the SSL bundle, gets its events over {@code protocol}. */
	private void assertFeedOpensOver(String url, String protocol, String... properties) {
		this.contextRunner
			.withPropertyValues("sse.client.streams.feed.url=" + url, "sse.client.streams.feed.ssl-bundle=feed")
			.withPropertyValues(properties)
			.run((context) -> {
				await().until(() -> context.getBean(Received.class).of("feed").size() == 3);
				SseStreamContainer feed = context.getBean(SseStreamRegistry.class).getContainer("feed");
				assertThat(feed.snapshot().protocol()).isEqualTo(protocol);
			});
	}

	@Test
	void aResetStreamReconnectsAloneFromItsLastEventAndSaysItWasReset(CapturedOutput output) {
		try (SseHttp2TestServer server = SseHttp2TestServer.startCleartext()) {
			server.dispatcher((request) -> {
				SseScript script = threeEventsAfter(request);
				// the first connection of device-0 is reset after its events; the others are held
				return (request.target().equals("/devices/0") && request.header("Last-Event-ID") == null)
						? SseScript.stream().send(SseScript.format("1", null, "a") + SseScript.format("2", null, "b"))
							.reset()
						: script;
			});
			h2cDevicesOn(server).run((context) -> {
				Received received = registerDevices(context, 3);
				await().until(() -> received.of("device-0").size() == 5);
				assertThat(received.of("device-0")).containsExactly("1", "2", "3", "4", "5");
				assertThat(server.requests()).filteredOn((request) -> request.target().equals("/devices/0"))
					.extracting((request) -> request.header("Last-Event-ID"))
					.containsExactly(null, "2");
				// the neighbours on the same connection were not touched
				assertThat(server.requests()).filteredOn((request) -> !request.target().equals("/devices/0"))
					.hasSize(2);
				assertThat(server.connectionsAccepted()).isEqualTo(1);
				assertThat(output.getOut()).contains("Stream 'device-0': The server at http://127.0.0.1:" + server.port()
						+ "/devices/0 reset this stream (HTTP/2 RST_STREAM)")
					.contains("its connection, shared with other streams, stays open");
			});
		}
	}

	@Test
	void aLostConnectionIsLoggedOnceWithTheNumberOfItsStreams(CapturedOutput output) {
		try (SseHttp2TestServer server = SseHttp2TestServer.startCleartext()) {
			server.dispatcher(Http2StreamsTests::threeEventsAfter);
			h2cDevicesOn(server).run((context) -> {
				Received received = registerDevices(context, 20);
				await().until(() -> IntStream.range(0, 20).allMatch((i) -> received.of("device-" + i).size() == 3));
				server.killConnections();
				await().until(() -> IntStream.range(0, 20).allMatch((i) -> received.of("device-" + i).size() == 6));
				await().until(() -> output.getOut().contains("stream(s) on it reconnect"));
				List<String> warnings = output.getOut().lines().filter((line) -> line.contains("WARN")).toList();
				assertThat(warnings).filteredOn((line) -> line.contains("HTTP/2 connection"))
					.singleElement()
					.satisfies((line) -> assertThat(line).contains("to http://127.0.0.1:" + server.port())
						.contains("20 stream(s) on it reconnect"));
				assertThat(warnings).as("no line per stream").noneMatch((line) -> line.contains("Stream 'device-"));
			});
		}
	}

	@Test
	void aLostConnectionFailsEveryStreamOnItAndEachReconnects() {
		try (SseHttp2TestServer server = SseHttp2TestServer.startCleartext()) {
			server.dispatcher(Http2StreamsTests::threeEventsAfter);
			h2cDevicesOn(server).run((context) -> {
				Received received = registerDevices(context, 4);
				await().until(() -> IntStream.range(0, 4).allMatch((i) -> received.of("device-" + i).size() == 3));
				server.killConnections();
				await().until(() -> IntStream.range(0, 4).allMatch((i) -> received.of("device-" + i).size() == 6));
				// each on its own back-off: 50 ms less up to half of it (jitter 0.5), not all at once
				assertThat(received.reconnecting).hasSizeGreaterThanOrEqualTo(4)
					.allSatisfy((event) -> assertThat(event.getDelay()).isBetween(Duration.ofMillis(25),
							Duration.ofMillis(50)));
				assertThat(received.reconnecting.stream().map(SseStreamEvent.Reconnecting::getDelay).distinct())
					.hasSizeGreaterThan(1);
				server.goAway();
				await().until(() -> IntStream.range(0, 4).allMatch((i) -> received.of("device-" + i).size() == 9));
				IntStream.range(0, 4)
					.forEach((i) -> assertThat(received.of("device-" + i)).containsExactly("1", "2", "3", "4", "5",
							"6", "7", "8", "9"));
			});
		}
	}

	@Test
	void aSlowListenerHoldsBackItsOwnStreamNotItsNeighbours() {
		try (SseHttp2TestServer server = SseHttp2TestServer.startCleartext()) {
			server.dispatcher((request) -> request.target().equals("/slow")
					? SseScript.stream()
						.generate(200_000, (i) -> SseScript.format(Integer.toString(i), null, "x".repeat(100)))
						.hold()
					: SseScript.stream()
						.generate(50, (i) -> SseScript.format(Integer.toString(i), null, "fast " + i))
						.hold());
			this.contextRunner
				.withPropertyValues("sse.client.streams.slow.url=" + server.url("/slow"),
						"sse.client.streams.slow.protocols=h2c", "sse.client.streams.fast.url=" + server.url("/fast"),
						"sse.client.streams.fast.protocols=h2c", "sse.client.streams.fast.auto-startup=false")
				.run((context) -> {
					Received received = context.getBean(Received.class);
					CountDownLatch slowGate = new CountDownLatch(1);
					received.gates.put("slow", slowGate);
					SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
					// the slow stream's listener blocks; its buffer fills and its HTTP/2 window closes
					await().until(() -> registry.getContainer("slow").getBufferedEvents() > 0);
					registry.start("fast");
					await().until(() -> received.of("fast").size() == 50);
					assertThat(received.of("slow")).isEmpty();
					assertThat(server.connectionsAccepted()).isEqualTo(1);
					slowGate.countDown();
					await().until(() -> received.of("slow").size() > 1000);
				});
		}
	}

	/** The runner with a template {@code device}: h2c streams to the server's {@code /devices/{id}}. */
	private ApplicationContextRunner h2cDevicesOn(SseHttp2TestServer server) {
		return this.contextRunner.withPropertyValues("sse.client.templates.device.url=" + server.url("/devices/{id}"),
				"sse.client.templates.device.protocols=h2c");
	}

	/**
	 * Streams {@code device-0} to {@code device-(count-1)}, from the template {@code device};
	 * returns where their events arrive.
	 */
	private static Received registerDevices(ApplicationContext context, int count) {
		SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
		IntStream.range(0, count)
			.forEach((i) -> registry.register("device-" + i, "device", Map.of("id", Integer.toString(i))));
		return context.getBean(Received.class);
	}

	private static KeyManagerFactory serverKeys() throws Exception {
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		try (InputStream in = Http2StreamsTests.class.getResourceAsStream("/tls/server.p12")) {
			keyStore.load(in, "secret".toCharArray());
		}
		KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keys.init(keyStore, "secret".toCharArray());
		return keys;
	}

	private static javax.net.ssl.SSLContext serverContext() throws Exception {
		javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
		context.init(serverKeys().getKeyManagers(), null, null);
		return context;
	}

}
