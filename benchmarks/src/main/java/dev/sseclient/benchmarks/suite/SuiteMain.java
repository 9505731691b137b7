package dev.sseclient.benchmarks.suite;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.sseclient.benchmarks.drivers.DriverMain;
import dev.sseclient.benchmarks.server.BenchServer;

/**
 * The benchmark suite: every client against the same loopback server, each run in a fresh
 * JVM, in an order that changes every round, figures as medians and as ratios taken within each
 * round. Writes the results into {@code docs/benchmarks.md} and {@code docs/benchmarks.png}
 * and ends with one {@code TARGET} line per goal. Started by {@code benchmarks/run.sh}.
 */
public final class SuiteMain {

	/** {@code ours-listener-vt}: listener calls on virtual threads, run on a Java 21+ found beside this one. */
	static final List<String> CLIENTS = List.of("ours", "ours-listener", "ours-listener-vt", "ours-blocking",
			"webclient", "okhttp-eventsource", "okhttp-sse", "raw-socket");

	static final List<String> PEERS = List.of("webclient", "okhttp-eventsource", "okhttp-sse");

	/** Each event's data read as a record with Jackson, by the starter or by the application. */
	static final List<String> JSON_CLIENTS = List.of("ours-json", "ours-listener-json", "okhttp-sse-json",
			"okhttp-eventsource-json");

	static final List<String> JSON_PEERS = List.of("okhttp-sse-json", "okhttp-eventsource-json");

	/** Events per pass of the JSON runs: reading them costs far more than receiving them. */
	static final int JSON_EVENTS = 500_000;

	private SuiteMain() {
	}

	/**
	 * How much to run: {@code --quick} stays under five minutes on two cores; {@code --app} runs
	 * the application regime alone (3 rounds unless {@code --rounds=N}).
	 */
	record Settings(boolean quick, boolean appOnly, int rounds, int smallEvents, int largeEvents,
			int throughputWarmupSeconds, int latencyWarmupSeconds, int latencySeconds, int appLatencySeconds,
			int streamRounds, int streams, int ticks) {

		static Settings from(String[] args) {
			boolean quick = List.of(args).contains("--quick");
			boolean appOnly = List.of(args).contains("--app");
			int rounds = quick ? 2 : (appOnly ? 3 : 5);
			for (String arg : args) {
				if (arg.startsWith("--rounds=")) {
					rounds = Integer.parseInt(arg.substring("--rounds=".length()));
				}
			}
			return quick ? new Settings(true, appOnly, rounds, 1_000_000, 200_000, 1, 2, 2, 10, 1, 10_000, 8)
					: new Settings(false, appOnly, rounds, 1_000_000, 200_000, 5, 5, 10, 60, 3, 10_000, 15);
		}

	}

	public static void main(String[] args) throws Exception {
		Settings settings = Settings.from(args);
		Path root = Path.of("").toAbsolutePath();
		Path logs = Files.createDirectories(root.resolve("benchmarks/target/suite-logs"));
		Jvm jvm = new Jvm(System.getProperty("java.class.path"), logs);
		Results results = new Results();
		Process server = new ProcessBuilder(List.of(Jvm.java(), "-Xmx1g",
				"-cp", System.getProperty("java.class.path"), BenchServer.class.getName()))
			.redirectErrorStream(true)
			.start();
		String[] ports = Jvm.awaitLine(server, "PORT ").trim().split(" ");
		drain(server.getInputStream());
		String fast = "http://127.0.0.1:" + ports[0];
		String many = "http://127.0.0.1:" + ports[1];
		long started = System.nanoTime();
		if (settings.appOnly()) {
			try {
				for (int round = 0; round < settings.rounds(); round++) {
					application(jvm, results, round, fast, settings);
				}
			}
			finally {
				server.getOutputStream().close();
				server.waitFor();
			}
			AppReport app = new AppReport(results, settings, (System.nanoTime() - started) / 1e9);
			app.write(root.resolve("docs"));
			System.out.println();
			System.out.println(app.markdown());
			app.targets().forEach(System.out::println);
			return;
		}
		try {
			for (int round = 0; round < settings.rounds(); round++) {
				List<String> order = orderFor(round, CLIENTS);
				System.out.println("round " + (round + 1) + "/" + settings.rounds() + ": " + order);
				for (String client : order) {
					throughput(jvm, results, client, round, "64B",
							fast + "/events?count=" + settings.smallEvents() + "&size=64", settings.smallEvents(),
							settings.throughputWarmupSeconds());
					throughput(jvm, results, client, round, "1KiB",
							fast + "/events?count=" + settings.largeEvents() + "&size=1024", settings.largeEvents(),
							settings.throughputWarmupSeconds());
					latency(jvm, results, client, round, fast, settings.latencyWarmupSeconds(), settings.latencySeconds());
				}
				for (String client : orderFor(round, JSON_CLIENTS)) {
					throughput(jvm, results, client, round, "json", fast + "/json?count=" + JSON_EVENTS, JSON_EVENTS,
							settings.throughputWarmupSeconds());
				}
				application(jvm, results, round, fast, settings);
			}
			for (int round = 0; round < settings.streamRounds(); round++) {
				for (int streams : new int[] { settings.streams() / 10, settings.streams() }) {
					System.out.println("streams: " + streams);
					Map<String, String> result = jvm.run("streams-" + streams + "-" + round, "4g",
							DriverMain.class.getName(), List.of("ours", "streams", "url=" + many + "/ticks?count="
									+ settings.ticks() + "&interval=1000", "streams=" + streams, "ticks=" + settings.ticks()),
							settings.ticks() + 180L);
					results.add("streams-" + streams, "ours", round, result);
				}
				System.out.println("streams over HTTP/2: " + settings.streams());
				Map<String, String> http2 = jvm.run("streams-h2-" + settings.streams() + "-" + round, "4g",
						DriverMain.class.getName(), List.of("ours", "streams", "url=" + many + "/ticks?count="
								+ settings.ticks() + "&interval=1000", "streams=" + settings.streams(),
								"ticks=" + settings.ticks(), "protocol=h2c"),
						settings.ticks() + 180L);
				results.add("streams-h2-" + settings.streams(), "ours", round, http2);
			}
			for (int round = 0; round < settings.streamRounds(); round++) {
				scale(jvm, results, round, settings.streams());
			}
		}
		finally {
			server.getOutputStream().close();
			server.waitFor();
		}
		ParserRun parser = ParserRun.run(root, logs, settings.quick());
		double seconds = (System.nanoTime() - started) / 1e9;
		Report report = new Report(results, parser, settings, seconds);
		report.write(root.resolve("docs"));
		AppReport app = new AppReport(results, settings, seconds);
		app.write(root.resolve("docs"));
		System.out.println();
		System.out.println(report.markdown());
		System.out.println(app.markdown());
		report.targets().forEach(System.out::println);
		app.targets().forEach(System.out::println);
	}

	/**
	 * One round of the application regime: each of its clients' throughput on 64-byte quotes,
	 * then its latency at 10,000 quotes a second over a window long enough for young collections.
	 */
	private static void application(Jvm jvm, Results results, int round, String base, Settings settings)
			throws Exception {
		System.out.println("application regime, round " + (round + 1));
		List<String> throughputClients = new ArrayList<>(orderFor(round, AppReport.CLIENTS));
		throughputClients.add(AppReport.JACKSON_ALONE);
		for (String client : throughputClients) {
			Map<String, String> throughput = jvm.run("app-throughput-" + client + "-" + round, "1g",
					DriverMain.class.getName(),
					List.of(client, "throughput", "url=" + base + "/quotes?count=" + settings.smallEvents(),
							"count=" + settings.smallEvents(), "warmup-seconds=" + settings.throughputWarmupSeconds(),
							"passes=3"),
					180);
			results.add("app-throughput", client, round, throughput);
			System.out.printf("  %-16s %s (first pass %s, cold %s)%n", client, throughput.getOrDefault("rate", "failed"),
					throughput.getOrDefault("first", "?"), throughput.getOrDefault("cold", "?"));
		}
		int rate = 10_000;
		for (String client : orderFor(round, AppReport.CLIENTS)) {
			int events = rate * (settings.latencyWarmupSeconds() + settings.appLatencySeconds());
			Map<String, String> latency = jvm.run("app-latency-" + client + "-" + round, "1g",
					DriverMain.class.getName(),
					List.of(client, "latency", "url=" + base + "/quote-rate?rate=" + rate + "&count=" + events,
							"count=" + events, "warmup=" + rate * settings.latencyWarmupSeconds()),
					settings.latencyWarmupSeconds() + settings.appLatencySeconds() + 120L);
			results.add("app-latency", client, round, latency);
			System.out.printf("  %-16s p99 %s us, p99.9 %s us, %s B/event, %s young collections (median %s ms, max %s ms)%n",
					client, latency.getOrDefault("p99", "?"), latency.getOrDefault("p999", "?"),
					latency.getOrDefault("allocPerEvent", "?"), latency.getOrDefault("youngCount", "?"),
					latency.getOrDefault("youngMedianMs", "?"), latency.getOrDefault("youngMaxMs", "?"));
		}
	}

	/** A different rotation every round, reversed on odd rounds, so no client always goes first or last. */
	static List<String> orderFor(int round, List<String> clients) {
		List<String> order = new ArrayList<>(clients);
		Collections.rotate(order, round);
		if (round % 2 == 1) {
			Collections.reverse(order);
		}
		return order;
	}

	private static void throughput(Jvm jvm, Results results, String client, int round, String size, String url,
			int events, int warmupSeconds) throws Exception {
		Map<String, String> result = jvm.run("throughput-" + size + "-" + client + "-" + round, "1g",
				DriverMain.class.getName(),
				List.of(client, "throughput", "url=" + url, "count=" + events, "warmup-seconds=" + warmupSeconds,
						"passes=3"),
				180);
		results.add("throughput-" + size, client, round, result);
		System.out.printf("  %-23s %-5s %s (first pass %s, cold %s)%n", client, size,
				result.getOrDefault("rate", "failed"), result.getOrDefault("first", "?"), result.getOrDefault("cold", "?"));
	}

	private static void latency(Jvm jvm, Results results, String client, int round, String base, int warmupSeconds,
			int seconds) throws Exception {
		int rate = 10_000;
		int events = rate * (warmupSeconds + seconds);
		Map<String, String> result = jvm.run("latency-" + client + "-" + round, "1g", DriverMain.class.getName(),
				List.of(client, "latency", "url=" + base + "/rate?rate=" + rate + "&count=" + events + "&size=64",
						"count=" + events, "warmup=" + rate * warmupSeconds),
				warmupSeconds + seconds + 120L);
		results.add("latency", client, round, result);
		System.out.printf("  %-18s p99 %s us, p99.9 %s us, %s stalls over 1 ms, %s B/event, %s collections (%s ms)%n",
				client, result.getOrDefault("p99", "?"), result.getOrDefault("p999", "?"),
				result.getOrDefault("stalls", "?"), result.getOrDefault("allocPerEvent", "?"),
				result.getOrDefault("gcCount", "?"), result.getOrDefault("gcMillis", "?"));
	}

	/**
	 * The declarative path at {@code streams} idle streams, declared in YAML and registered from a
	 * template, each beside an empty application in its own fresh JVM.
	 */
	private static void scale(Jvm jvm, Results results, int round, int streams) throws Exception {
		for (String mode : List.of("empty", "declared", "registered")) {
			int count = mode.equals("empty") ? 0 : streams;
			Map<String, String> result = jvm.run("scale-" + mode + "-" + round, "1g", DriverMain.class.getName(),
					List.of("ours", "scale", "mode=" + mode, "streams=" + count), 180);
			results.add("scale", mode, round, result);
			System.out.printf("  scale %-10s ready after %s s, heap %s MB, slowest phases %s%n", mode,
					result.getOrDefault("readySeconds", "?"), result.getOrDefault("heapMB", "?"),
					result.getOrDefault("phases", "?"));
		}
	}

	private static void drain(InputStream output) {
		Thread drainer = new Thread(() -> {
			try {
				output.transferTo(OutputStream.nullOutputStream());
			}
			catch (IOException ex) {
				// server gone
			}
		}, "server-output");
		drainer.setDaemon(true);
		drainer.start();
	}

}
