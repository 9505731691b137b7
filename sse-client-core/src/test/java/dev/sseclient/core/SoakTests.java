package dev.sseclient.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reconnect storms mixed with events, for a bounded time (20 s; {@code -Dsse.soak.seconds=N} for
 * longer): streams never die, and afterwards threads, connections and heap are back near their
 * baseline.
 */
class SoakTests {

	private static final int STREAMS = 8;

	@Test
	void streamsSurviveStormsAndLeaveNothingBehind() throws Exception {
		long seconds = Long.getLong("sse.soak.seconds", 20);
		Random random = new Random(11);
		SseClient client = SseClient.create();
		try (SseTestServer server = SseTestServer.start()) {
			server.dispatcher((request) -> {
				int pick;
				synchronized (random) {
					pick = random.nextInt(10);
				}
				return switch (pick) {
					case 0, 1 -> SseScript.status(503);
					case 2 -> SseScript.stream().event("x", null, "a").send("data: cut").reset();
					case 3 -> SseScript.stream().send("data: never ends").drop();
					default -> {
						SseScript script = SseScript.stream();
						for (int i = 0; i < 20; i++) {
							script.event(String.valueOf(i), "tick", "{\"n\":" + i + "}").pause(Duration.ofMillis(2));
						}
						yield script.end();
					}
				};
			});
			warmUp(client, server);
			int baselineThreads = Thread.activeCount();
			long baselineHeap = usedHeapAfterGc();

			AtomicLong received = new AtomicLong();
			List<SseStream> streams = new ArrayList<>();
			ReconnectOptions fast = ReconnectOptions.defaults()
				.withDelays(Duration.ZERO, Duration.ofMillis(20))
				.withServerDelayRange(Duration.ZERO, Duration.ofMillis(20));
			for (int i = 0; i < STREAMS; i++) {
				SseStream stream = client.stream(SseRequest.get(server.url("/soak/" + i)).reconnect(fast).build());
				stream.events().subscribe((event) -> received.incrementAndGet());
				streams.add(stream);
			}
			long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
			while (System.nanoTime() < end) {
				Thread.sleep(500);
				assertThat(streams).noneMatch((stream) -> stream.state().isFinal());
			}
			streams.forEach(SseStream::close);

			assertThat(received.get()).as("events flowed").isGreaterThan(1000);
			assertThat(server.requestCount()).as("connections made").isGreaterThan(100);
			await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
			await().atMost(Duration.ofSeconds(10)).until(() -> Thread.activeCount() <= baselineThreads + 4);
			long heapAfter = usedHeapAfterGc();
			org.slf4j.LoggerFactory.getLogger(SoakTests.class)
				.info("soak {} s: {} events, {} connections; threads {} -> {}; heap after GC {} KB -> {} KB", seconds,
						received.get(), server.requestCount(), baselineThreads, Thread.activeCount(),
						baselineHeap / 1024, heapAfter / 1024);
			assertThat(heapAfter).as("heap back near its baseline").isLessThan(baselineHeap + 64L * 1024 * 1024);
		}
	}

	private static void warmUp(SseClient client, SseTestServer server) {
		SseStream stream = client.stream(SseRequest.get(server.url("/warm-up"))
			.reconnect(ReconnectOptions.defaults().withDelays(Duration.ZERO, Duration.ofMillis(10)))
			.build());
		AtomicLong events = new AtomicLong();
		stream.events().subscribe((event) -> events.incrementAndGet());
		await().until(() -> events.get() >= 20);
		stream.close();
	}

	private static long usedHeapAfterGc() throws InterruptedException {
		Runtime runtime = Runtime.getRuntime();
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(100);
		}
		return runtime.totalMemory() - runtime.freeMemory();
	}

}
