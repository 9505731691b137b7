package dev.sseclient.container;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.autoconfigure.SseMetricsAutoConfiguration;
import dev.sseclient.core.SseEvent;
import dev.sseclient.listener.SseListener;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What each overflow policy does when the listener falls behind a fast server.
 */
class OverflowPolicyTests {

	private final SseTestServer server = SseTestServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class, SseMetricsAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("sse.client.streams.fast.url=" + this.server.url("/fast"),
				"sse.client.streams.fast.buffer-size=16", "sse.client.defaults.reconnect.initial-delay=10ms",
				"sse.client.defaults.reconnect.max-delay=10ms");

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	static class SlowListener {

		final List<Integer> ids = new CopyOnWriteArrayList<>();

		final CountDownLatch release = new CountDownLatch(1);

		volatile long sleepMillis;

		@SseListener(stream = "fast")
		void on(SseEvent event) throws InterruptedException {
			this.release.await(20, TimeUnit.SECONDS);
			if (this.sleepMillis > 0) {
				Thread.sleep(this.sleepMillis);
			}
			this.ids.add(Integer.parseInt(event.id()));
		}

	}

	private void serveNumbered(int count, int payloadBytes) {
		String payload = "x".repeat(payloadBytes);
		this.server.dispatcher((request) -> {
			String last = request.header("Last-Event-ID");
			int next = (last == null) ? 1 : Integer.parseInt(last) + 1;
			SseScript script = SseScript.stream();
			for (int id = next; id <= count; id++) {
				script.event(String.valueOf(id), null, payload);
			}
			return script.hold();
		});
	}

	@Test
	void blockKeepsTheBufferBoundedAndDropsNothingForAListenerFarSlowerThanTheServer() {
		serveNumbered(1500, 1024);
		SlowListener listener = new SlowListener();
		listener.sleepMillis = 1;
		listener.release.countDown();
		AtomicInteger maxBuffered = new AtomicInteger();
		this.contextRunner.withBean(SlowListener.class, () -> listener).run((context) -> {
			SseStreamContainer container = context.getBean(SseStreamRegistry.class).getContainer("fast");
			await().until(() -> {
				maxBuffered.accumulateAndGet(container.getBufferedEvents(), Math::max);
				return listener.ids.size() == 1500;
			});
			assertThat(listener.ids).containsExactlyElementsOf(IntStream.rangeClosed(1, 1500).boxed().toList());
			// the buffer, plus the rest of the read that filled it (at most 64 KiB of 1 KiB events)
			assertThat(maxBuffered.get()).as("events held between socket and listener").isLessThanOrEqualTo(16 + 64);
			assertThat(this.server.requestCount()).isEqualTo(1);
		});
	}

	static class CountingListener {

		final AtomicInteger received = new AtomicInteger();

		volatile int firstOutOfOrder;

		@SseListener(stream = "fast")
		void on(SseEvent event) {
			int expected = this.received.get() + 1;
			if (Integer.parseInt(event.id()) != expected && this.firstOutOfOrder == 0) {
				this.firstOutOfOrder = expected;
			}
			this.received.set(expected);
		}

	}

	@Test
	void blockWithATinyBufferNeverStallsOrReorders() {
		// the listener and the connection race for who asks for the next read, 100,000 times
		int events = 100_000;
		this.server.enqueue(SseScript.stream()
			.generate(events, (index) -> SseScript.format(String.valueOf(index + 1), null, "x"))
			.hold());
		CountingListener listener = new CountingListener();
		this.contextRunner.withPropertyValues("sse.client.streams.fast.buffer-size=2")
			.withBean(CountingListener.class, () -> listener)
			.run((context) -> {
				await().atMost(Duration.ofSeconds(30)).until(() -> listener.received.get() == events);
				assertThat(listener.firstOutOfOrder).isZero();
				assertThat(this.server.requestCount()).isEqualTo(1);
			});
	}

	@Test
	void blockHoldsTheServerBackAndKeepsHeapFlatWhileTheListenerLagsFarBehind() throws InterruptedException {
		int events = 200_000;
		String payload = "x".repeat(1024);
		this.server.enqueue(SseScript.stream()
			.generate(events, (index) -> SseScript.format(String.valueOf(index + 1), null, payload))
			.hold());
		SlowListener listener = new SlowListener();
		listener.sleepMillis = 1;
		listener.release.countDown();
		this.contextRunner.withBean(SlowListener.class, () -> listener).run((context) -> {
			await().until(() -> listener.ids.size() >= 300);
			long heapBefore = usedHeapAfterGc();
			int processedBefore = listener.ids.size();
			Thread.sleep(3000);
			long heapAfter = usedHeapAfterGc();
			int processed = listener.ids.size();
			long wanted = (long) events * payload.length();
			long aheadOfListener = this.server.bytesSent() - (long) processed * payload.length();
			System.out.printf("block: listener %d events in 3 s, server %d KiB ahead of it (of %d MiB it would send),"
					+ " heap after GC %.1f -> %.1f MiB%n", processed - processedBefore, aheadOfListener / 1024,
					wanted >> 20, heapBefore / 1048576.0, heapAfter / 1048576.0);
			assertThat(aheadOfListener).as("bytes the server got to write beyond what the listener took")
				.isLessThan(16L << 20);
			assertThat(heapAfter - heapBefore).as("heap growth while the listener lags").isLessThan(8L << 20);
			List<Integer> received = List.copyOf(listener.ids);
			assertThat(received).containsExactlyElementsOf(IntStream.rangeClosed(1, received.size()).boxed().toList());
		});
	}

	/** The least of three readings after a GC: other tests' leftover threads allocate too. */
	private static long usedHeapAfterGc() throws InterruptedException {
		long least = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(100);
			least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return least;
	}

	@Test
	void dropLatestKeepsTheFirstEventsAndCountsTheRest() {
		serveNumbered(200, 16);
		SlowListener listener = new SlowListener();
		this.contextRunner.withPropertyValues("sse.client.streams.fast.overflow=drop-latest")
			.withBean(SlowListener.class, () -> listener)
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				await().until(() -> dropped(meters) + 17 >= 200);
				listener.release.countDown();
				await().until(() -> listener.ids.size() + dropped(meters) == 200);
				assertThat(listener.ids).isSorted().startsWith(1, 2, 3).doesNotContain(200);
			});
	}

	@Test
	void dropOldestKeepsTheNewestEventsAndCountsTheRest() {
		serveNumbered(200, 16);
		SlowListener listener = new SlowListener();
		this.contextRunner.withPropertyValues("sse.client.streams.fast.overflow=drop-oldest")
			.withBean(SlowListener.class, () -> listener)
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				await().until(() -> dropped(meters) + 18 >= 200);
				listener.release.countDown();
				await().until(() -> listener.ids.size() + dropped(meters) == 200);
				assertThat(listener.ids).isSorted().contains(200).hasSizeLessThanOrEqualTo(18);
			});
	}

	@Test
	void failReconnectsFromTheLastProcessedEventSoNothingIsLost() {
		serveNumbered(300, 16);
		SlowListener listener = new SlowListener();
		listener.sleepMillis = 2;
		listener.release.countDown();
		this.contextRunner.withPropertyValues("sse.client.streams.fast.overflow=fail")
			.withBean(SlowListener.class, () -> listener)
			.run((context) -> {
				await().until(() -> listener.ids.contains(300));
				int reconnects = this.server.requestCount() - 1;
				assertThat(reconnects).as("the listener overflowed the buffer").isPositive();
				assertThat(new java.util.TreeSet<>(listener.ids)).as("nothing lost")
					.containsExactlyElementsOf(IntStream.rangeClosed(1, 300).boxed().toList());
				assertThat(listener.ids.size() - 300).as("repeats: at most the call in flight per reconnect")
					.isLessThanOrEqualTo(reconnects);
				for (int i = 1; i < listener.ids.size(); i++) {
					assertThat(listener.ids.get(i)).as("order").isGreaterThanOrEqualTo(listener.ids.get(i - 1));
				}
			});
	}

	private static double dropped(MeterRegistry meters) {
		var counter = meters.find("sse.client.events.dropped").tags("stream", "fast", "reason", "overflow").counter();
		return (counter != null) ? counter.count() : 0;
	}

}
