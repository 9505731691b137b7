package dev.sseclient.benchmarks.drivers;

import java.lang.management.ManagementFactory;
import java.net.URI;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.Http2AllocationStrategy;
import reactor.netty.resources.ConnectionProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.sseclient.core.SseClient;
import dev.sseclient.core.SseRequest;
import dev.sseclient.core.SseSignal;
import dev.sseclient.core.SseStream;

/**
 * Many concurrent streams through one {@link SseClient}, each receiving numbered ticks: how long
 * until all are open, the threads and heap they cost, and whether any tick went missing.
 */
final class ManyStreams {

	private ManyStreams() {
	}

	/**
	 * @param protocol {@code http11}: a connection per stream, as the starter's default client
	 * for cleartext URLs; {@code h2c}: HTTP/2 with prior knowledge on a pool like the starter's
	 */
	static String run(URI url, String protocol, int streams, int ticks) throws Exception {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		Metrics.addRegistry(meters);
		long heapBefore = usedHeapAfterGc();
		int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
		SseClient client = switch (protocol) {
			case "http11" -> SseClient.create();
			case "h2c" -> SseClient.create(SseClient.newHttpClient(ConnectionProvider.builder("bench")
				.maxConnections(500)
				.pendingAcquireMaxCount(-1)
				.allocationStrategy(Http2AllocationStrategy.builder()
					.maxConnections(500)
					.maxConcurrentStreams(-1)
					.strictConnectionReuse(true)
					.build())
				.metrics(true)
				.build(), HttpProtocol.H2C));
			default -> throw new IllegalArgumentException("protocol is http11 or h2c, not " + protocol);
		};
		CountDownLatch opened = new CountDownLatch(streams);
		CountDownLatch finished = new CountDownLatch(streams);
		AtomicLong received = new AtomicLong();
		AtomicLong outOfOrder = new AtomicLong();
		List<SseStream> all = new ArrayList<>(streams);
		long start = System.nanoTime();
		for (int i = 0; i < streams; i++) {
			SseStream stream = client.stream(SseRequest.builder(url).name("s" + i).build());
			all.add(stream);
			stream.signals().filter(SseSignal.Opened.class::isInstance).take(1).subscribe((signal) -> opened.countDown());
			int[] next = { 1 };
			stream.events().take(ticks).subscribe((event) -> {
				if (Integer.parseInt(event.id()) != next[0]++) {
					outOfOrder.incrementAndGet();
				}
				received.incrementAndGet();
			}, (error) -> finished.countDown(), finished::countDown);
		}
		boolean allOpen = opened.await(60, TimeUnit.SECONDS);
		double openSeconds = (System.nanoTime() - start) / 1e9;
		// the middle of the run: every stream open and receiving
		Thread.sleep(ticks * 1000L / 2);
		int threads = ManagementFactory.getThreadMXBean().getThreadCount();
		long heapDuring = usedHeapAfterGc();
		long rss = residentSetBytes();
		// pooled connections (HTTP/2); for HTTP/1.1 one per stream
		double connections = protocol.equals("h2c") ? meters.find("reactor.netty.connection.provider.total.connections")
			.gauges()
			.stream()
			.mapToDouble(Gauge::value)
			.sum() : streams;
		boolean allFinished = finished.await(ticks + 60L, TimeUnit.SECONDS);
		all.forEach(SseStream::close);
		long expected = (long) streams * ticks;
		return String.format(java.util.Locale.ROOT,
				"protocol=%s streams=%d connections=%.0f allOpen=%s openSeconds=%.2f threadsBefore=%d threads=%d"
						+ " heapPerStreamKB=%.2f rssMB=%.0f received=%d lost=%d outOfOrder=%d finished=%s",
				protocol, streams, connections, allOpen, openSeconds, threadsBefore, threads,
				(heapDuring - heapBefore) / 1024.0 / streams,
				rss / 1048576.0, received.get(), expected - received.get(), outOfOrder.get(), allFinished);
	}

	static long usedHeapAfterGc() throws InterruptedException {
		for (int i = 0; i < 2; i++) {
			System.gc();
			Thread.sleep(200);
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	static long residentSetBytes() throws Exception {
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		return -1;
	}

	/**
	 * The bursts (every stream's tick in the same moment) once every stream is open: 3 s to
	 * settle, then up to the run's middle, before the heap probe's full collections.
	 * @param latency where the callbacks record their ticks' latencies, reset here
	 * @param ticksReceived ticks received so far
	 */
	static Bursts measureBursts(BurstLatency latency, LongSupplier ticksReceived, int ticks) throws InterruptedException {
		Thread.sleep(3000);
		latency.reset();
		long cpu = ProcessCpu.nanos();
		long count = ticksReceived.getAsLong();
		Thread.sleep(Math.max(1000, ticks * 1000L / 2 - 3000));
		double cpuMicrosPerTick = (ProcessCpu.nanos() - cpu) / 1e3 / Math.max(1, ticksReceived.getAsLong() - count);
		return new Bursts(latency.sinceWrite.getIntervalHistogram(), latency.sinceDue.getIntervalHistogram(),
				latency.writeLag.getIntervalHistogram(), cpuMicrosPerTick);
	}

	/**
	 * The bursts' latencies, in microseconds, from ticks whose data ends with two
	 * {@code System.nanoTime()} stamps: when the tick was due (the burst's moment, the same for
	 * every stream) and when the server wrote it. Since the write rewards a client that slows the
	 * server down (on shared cores, a thread per stream preempts the writer at every tick); since
	 * the due moment is how long the whole burst took to reach the application. The server's own
	 * lag (due to written) is the floor of the second: what no client can take away.
	 */
	static final class BurstLatency {

		final Recorder sinceWrite = new Recorder(3);

		final Recorder sinceDue = new Recorder(3);

		final Recorder writeLag = new Recorder(3);

		/** Records a tick's latencies; data without the two stamps is left out. */
		void record(String data, long now) {
			int written = data.lastIndexOf(' ');
			int due = data.lastIndexOf(' ', written - 1);
			if (due > 5) {
				long writtenAt = Long.parseLong(data, written + 1, data.length(), 10);
				long dueAt = Long.parseLong(data, due + 1, written, 10);
				this.sinceWrite.recordValue(Math.max(0, (now - writtenAt) / 1000));
				this.sinceDue.recordValue(Math.max(0, (now - dueAt) / 1000));
				this.writeLag.recordValue(Math.max(0, (writtenAt - dueAt) / 1000));
			}
		}

		void reset() {
			this.sinceWrite.reset();
			this.sinceDue.reset();
			this.writeLag.reset();
		}

	}

	/**
	 * The bursts' latencies since the write and since the due moment, the server's lag, and the
	 * whole JVM's CPU per tick meanwhile.
	 */
	record Bursts(Histogram sinceWrite, Histogram sinceDue, Histogram writeLag, double cpuMicrosPerTick) {

		/** As a RESULT line's fields. */
		String fields() {
			return String.format(Locale.ROOT,
					"burstEvents=%d burstP50Millis=%.2f burstP99Millis=%.2f burstMaxMillis=%.2f "
							+ "burstSinceDueP50Millis=%.2f burstSinceDueP99Millis=%.2f burstSinceDueMaxMillis=%.2f "
							+ "burstWriteLagP99Millis=%.2f burstCpuMicrosPerEvent=%.1f",
					this.sinceWrite.getTotalCount(), millis(this.sinceWrite, 50), millis(this.sinceWrite, 99),
					this.sinceWrite.getMaxValue() / 1000.0, millis(this.sinceDue, 50), millis(this.sinceDue, 99),
					this.sinceDue.getMaxValue() / 1000.0, millis(this.writeLag, 99), this.cpuMicrosPerTick);
		}

		private static double millis(Histogram latency, double percentile) {
			return latency.getValueAtPercentile(percentile) / 1000.0;
		}

	}

}
