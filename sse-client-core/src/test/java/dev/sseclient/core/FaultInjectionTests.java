package dev.sseclient.core;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile and broken servers: each case checks the reaction and that the stream recovers.
 */
class FaultInjectionTests {

	private static final ReconnectOptions FAST = StreamRecorder.FAST;

	private final SseTestServer server = SseTestServer.start();

	private final StreamRecorder recorder = new StreamRecorder();

	private final List<SseEvent> events = this.recorder.events;

	@AfterEach
	void close() {
		this.recorder.close();
		this.server.close();
	}

	@Test
	void slowDripOfOneByteAtATimeAssemblesEveryEvent() {
		SseScript script = SseScript.stream();
		for (byte b : "id: 1\ndata: drip\r\n\r\nid: 2\ndata: drop\n\n".getBytes()) {
			script.send(new byte[] { b }).pause(Duration.ofMillis(3));
		}
		this.server.enqueue(script.hold());
		follow(SseRequest.get(this.server.url("/drip")).idleTimeout(Duration.ofSeconds(2)).reconnect(FAST).build());
		await().until(() -> this.events.size() == 2);
		assertThat(this.events).extracting(SseEvent::data).containsExactly("drip", "drop");
		assertThat(failures()).isEmpty();
	}

	@Test
	void binaryGarbageAndInvalidUtf8NeitherCrashNorStopTheStream() {
		byte[] garbage = new byte[512];
		new java.util.Random(7).nextBytes(garbage);
		for (int i = 0; i < garbage.length; i++) {
			if (garbage[i] == '\n' || garbage[i] == '\r') {
				garbage[i] = 'x';
			}
		}
		this.server.enqueue(SseScript.stream()
			.send(garbage)
			.send("\n\n")
			.send(new byte[] { 'd', 'a', 't', 'a', ':', ' ', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '\n', '\n' })
			.event("3", null, "after the garbage")
			.hold());
		follow(SseRequest.get(this.server.url("/garbage")).reconnect(FAST).build());
		await().until(() -> this.events.stream().anyMatch((event) -> event.data().equals("after the garbage")));
		assertThat(this.events).extracting(SseEvent::data).contains("\uFFFD(\uFFFD", "after the garbage");
		assertThat(failures()).isEmpty();
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void unknownHostIsARetriedConnectionFailureNamingTheHost() {
		SseStream stream = follow(SseRequest.get("http://no-such-host.invalid/feed").reconnect(FAST).build());
		await().atMost(Duration.ofSeconds(20)).until(() -> failures().size() >= 2);
		assertThat(failures().get(0)).isInstanceOf(SseConnectionException.class).hasMessageContaining("no-such-host.invalid");
		assertThat(stream.state().isFinal()).isFalse();
	}

	@Test
	void serviceUnavailableStormWithAnHttpDateRetryAfterThenRecovers() {
		String inTwoSeconds = DateTimeFormatter.RFC_1123_DATE_TIME
			.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2));
		this.server.enqueue(SseScript.status(503).header("Retry-After", inTwoSeconds));
		this.server.enqueue(SseScript.status(502));
		this.server.enqueue(SseScript.status(500));
		this.server.enqueue(SseScript.stream().event("1", null, "back").hold());
		follow(SseRequest.get(this.server.url("/storm")).reconnect(FAST).build());
		await().until(() -> this.events.size() == 1);
		List<Duration> delays = this.recorder.retryDelays();
		assertThat(delays).hasSize(3);
		assertThat(delays.get(0)).isBetween(Duration.ofMillis(900), Duration.ofMillis(2000));
		assertThat(delays.get(1)).isLessThan(Duration.ofMillis(500));
	}

	private SseStream follow(SseRequest request) {
		return this.recorder.follow(request);
	}

	private List<SseException> failures() {
		return this.recorder.failures();
	}

}
