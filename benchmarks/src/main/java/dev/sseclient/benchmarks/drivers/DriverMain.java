package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * Runs one driver on one scenario in this (fresh) JVM and prints one {@code RESULT} line of
 * {@code key=value} pairs for the suite to read.
 *
 * <pre>
 * java -cp benchmarks.jar dev.sseclient.benchmarks.drivers.DriverMain ours throughput url=... count=1000000
 * </pre>
 */
public final class DriverMain {

	/** The drivers by name, this project's first. */
	public static final Map<String, Driver> DRIVERS = Map.ofEntries(Map.entry("ours", new OursDriver()),
			Map.entry("ours-h2c", OursDriver.http2()),
			Map.entry("ours-listener", new ListenerDriver(false, ListenerDriver.Payload.STRING, false)),
			Map.entry("ours-listener-vt", new ListenerDriver(true, ListenerDriver.Payload.STRING, false)),
			Map.entry("ours-blocking", new BlockingDriver()), Map.entry("webclient", new WebClientDriver()),
			Map.entry("okhttp-eventsource", new EventSourceDriver()), Map.entry("okhttp-sse", new OkHttpSseDriver()),
			Map.entry("raw-socket", new RawSocketDriver()),
			// each event's data read as a record with Jackson: by the starter's converter, or by the
			// application after the client handed over a string
			Map.entry("ours-listener-json", new ListenerDriver(false, ListenerDriver.Payload.TICK, false)),
			Map.entry("ours-json", JsonDriver.ticks(new OursDriver())),
			Map.entry("okhttp-sse-json", JsonDriver.ticks(new OkHttpSseDriver())),
			Map.entry("okhttp-eventsource-json", JsonDriver.ticks(new EventSourceDriver())),
			// the application users run: typed 64-byte quotes, with and without actuator and Prometheus
			Map.entry("ours-listener-actuator", new ListenerDriver(false, ListenerDriver.Payload.STRING, true)),
			Map.entry("ours-app-bare", new ListenerDriver(false, ListenerDriver.Payload.QUOTE, false)),
			Map.entry("ours-app", new ListenerDriver(false, ListenerDriver.Payload.QUOTE, true)),
			Map.entry("ours-app-connection-thread",
					new ListenerDriver(false, ListenerDriver.Payload.QUOTE, true, false, "connection")),
			// the same with the opt-in: an Observation per listener call
			Map.entry("ours-app-observed", new ListenerDriver(false, ListenerDriver.Payload.QUOTE, true, true)),
			Map.entry("okhttp-sse-app", JsonDriver.quotes(new OkHttpSseDriver())),
			// no client: the same quotes read from memory by Jackson on one thread, the rate that no
			// client converting a stream's events with Jackson can pass
			Map.entry("jackson-alone", new JacksonAloneDriver()),
			// the same peer inside the same kind of Boot application as ours, as a Spring service would run it
			Map.entry("okhttp-sse-app-in-boot", new InBootApplication(JsonDriver.quotes(new OkHttpSseDriver()))),
			// the programmatic client reading the same quotes in its subscriber: the path without a hand-off
			Map.entry("ours-quote", JsonDriver.quotes(new OursDriver())));

	/** Later than this, an event counts as late, and consecutive late events as one stall. */
	private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private DriverMain() {
	}

	public static void main(String[] args) throws Exception {
		String driverName = args[0];
		String scenario = args[1];
		Map<String, String> options = new HashMap<>();
		for (int i = 2; i < args.length; i++) {
			String[] pair = args[i].split("=", 2);
			options.put(pair[0], pair[1]);
		}
		String result = switch (scenario) {
			case "scale" -> ScaleDriver.run(options.get("mode"), Integer.parseInt(options.get("streams")));
			case "app-streams" -> AppStreamsDriver.run(url(options), options.getOrDefault("protocol", "http11"),
					Integer.parseInt(options.get("streams")), Integer.parseInt(options.get("ticks")),
					Boolean.parseBoolean(options.getOrDefault("per-stream-meters", "false")),
					options.getOrDefault("listener-thread", "pool"), options.get("io-threads"));
			case "throughput" -> throughput(driver(driverName), url(options), Integer.parseInt(options.get("count")),
					Integer.parseInt(options.getOrDefault("warmup-seconds", "5")),
					Integer.parseInt(options.getOrDefault("passes", "3")));
			case "latency" -> latency(driver(driverName), url(options), Integer.parseInt(options.get("count")),
					Integer.parseInt(options.get("warmup")));
			case "streams" -> driverName.equals("okhttp-sse")
					? ManyOkHttpStreams.run(url(options), options.getOrDefault("protocol", "http11"),
							Integer.parseInt(options.get("streams")), Integer.parseInt(options.get("ticks")))
					: ManyStreams.run(url(options), options.getOrDefault("protocol", "http11"),
					Integer.parseInt(options.get("streams")),
					Integer.parseInt(options.get("ticks")));
			default -> throw new IllegalArgumentException("Unknown scenario " + scenario);
		};
		System.out.println("RESULT " + result);
		System.out.flush();
		System.exit(0);
	}

	private static URI url(Map<String, String> options) {
		return URI.create(options.get("url"));
	}

	private static Driver driver(String name) {
		Driver driver = DRIVERS.get(name);
		if (driver == null) {
			throw new IllegalArgumentException("Unknown driver " + name + "; known: " + DRIVERS.keySet());
		}
		return driver;
	}

	/**
	 * In this fresh JVM: a cold pass of a quarter of {@code count} events (startup and compilation
	 * included), then the first pass of {@code count} events after it (the regime of a service
	 * that started a moment ago: the independent benchmark's million events after 250,000),
	 * then more passes until {@code warmupSeconds} have gone by, then {@code passes} timed passes
	 * whose median is the warm rate: a feed followed for days runs compiled code. Every pass is a
	 * new connection; every driver gets the same.
	 */
	private static String throughput(Driver driver, URI url, int count, int warmupSeconds, int passes)
			throws Exception {
		int[] sink = { 0 };
		driver.prepare(url);
		long started = System.nanoTime();
		int coldCount = Math.max(1, count / 4);
		// the same URL: each driver stops after the events it counts
		double cold = pass(driver, url, coldCount, sink);
		double first = pass(driver, url, count, sink);
		int warmupPasses = 2;
		while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(warmupSeconds)) {
			pass(driver, url, count, sink);
			warmupPasses++;
		}
		double[] rates = new double[passes];
		long cpuBefore = ProcessCpu.nanos();
		for (int i = 0; i < passes; i++) {
			rates[i] = pass(driver, url, count, sink);
		}
		double cpuPerEvent = (ProcessCpu.nanos() - cpuBefore) / ((double) passes * count);
		Arrays.sort(rates);
		double median = (passes % 2 == 1) ? rates[passes / 2] : (rates[passes / 2 - 1] + rates[passes / 2]) / 2;
		return String.format(Locale.ROOT,
				"events=%d rate=%.0f first=%.0f cold=%.0f cpuNanosPerEvent=%.0f warmupPasses=%d passes=%d check=%d", count,
				median, first, cold, cpuPerEvent, warmupPasses, passes, sink[0]);
	}

	/** Events per second of one pass. */
	private static double pass(Driver driver, URI url, int count, int[] sink) throws Exception {
		long start = System.nanoTime();
		driver.consume(url, count, (data) -> sink[0] += data.length(), false);
		return count / ((System.nanoTime() - start) / 1e9);
	}

	/**
	 * Server write to the driver's callback, per event, after the first {@code warmup} events.
	 * Also counts stalls: runs of consecutive events more than 1 ms late. Events paced 100 µs
	 * apart that wait behind one hole in the client's progress (a pause, a descheduled thread)
	 * arrive late together, so a stall count far below the count of late events says the tail is
	 * a few holes, not a slow path taken now and then.
	 */
	private static String latency(Driver driver, URI url, int count, int warmup) throws Exception {
		Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
		int[] seen = { 0 };
		long[] late = { 0 };
		long[] stalls = { 0 };
		boolean[] stalling = { false };
		MemoryProbe[] window = new MemoryProbe[1];
		YoungPauses pauses = YoungPauses.listen();
		driver.prepare(url);
		driver.consumeStamps(url, count, (stamp) -> {
			long now = System.nanoTime();
			if (seen[0] == warmup) {
				window[0] = MemoryProbe.now();
				pauses.start();
			}
			if (seen[0]++ >= warmup) {
				long latency = Math.max(0, now - stamp);
				histogram.recordValue(latency);
				boolean isLate = latency > STALL_NANOS;
				if (isLate) {
					late[0]++;
					if (!stalling[0]) {
						stalls[0]++;
					}
				}
				stalling[0] = isLate;
			}
		});
		MemoryProbe end = MemoryProbe.now();
		return String.format(Locale.ROOT, "events=%d p50=%.1f p99=%.1f p999=%.1f max=%.1f over1ms=%d stalls=%d %s %s",
				histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1e3,
				histogram.getValueAtPercentile(99) / 1e3, histogram.getValueAtPercentile(99.9) / 1e3,
				histogram.getMaxValue() / 1e3, late[0], stalls[0],
				(window[0] != null) ? end.since(window[0], histogram.getTotalCount()) : "", pauses.summary());
	}

}
