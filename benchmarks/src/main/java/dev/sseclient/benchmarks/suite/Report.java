package dev.sseclient.benchmarks.suite;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.OptionalDouble;

/** The suite's results as markdown tables, {@code TARGET} lines, and a chart. */
final class Report {

	static final String START = "<!-- suite results: start (written by benchmarks/run.sh) -->";

	static final String END = "<!-- suite results: end -->";

	private final Results results;

	private final ParserRun parser;

	private final SuiteMain.Settings settings;

	private final double seconds;

	Report(Results results, ParserRun parser, SuiteMain.Settings settings, double seconds) {
		this.results = results;
		this.parser = parser;
		this.settings = settings;
		this.seconds = seconds;
	}

	String markdown() {
		StringBuilder md = new StringBuilder();
		md.append(String.format(Locale.ROOT, "Measured %s with `benchmarks/run.sh%s` (%d rounds, %.0f s): %s.%n%n",
				LocalDate.now(), this.settings.quick() ? " --quick" : "", this.settings.rounds(), this.seconds, machine()));
		md.append("### Throughput (events per second, median; ratio to the best peer taken within each round)\n\n");
		md.append("| client | 64 B events | 1 KiB events | 64 B, first pass | 1 KiB, first pass | 64 B, cold | 1 KiB, cold |\n"
				+ "|---|---|---|---|---|---|---|\n");
		for (String client : SuiteMain.CLIENTS) {
			md.append("| ").append(client).append(" | ")
				.append(rateCell("throughput-64B", client)).append(" | ")
				.append(rateCell("throughput-1KiB", client)).append(" | ")
				.append(firstPassCell("throughput-64B", client)).append(" | ")
				.append(firstPassCell("throughput-1KiB", client)).append(" | ")
				.append(coldCell("throughput-64B", client)).append(" | ")
				.append(coldCell("throughput-1KiB", client)).append(" |\n");
		}
		md.append(String.format(Locale.ROOT, "%nOne HTTP chunk per event, %,d events of 64 B and %,d of 1 KiB per pass, "
				+ "each pass a new connection. The first two columns: the median of 3 timed passes, after passes "
				+ "for %d s in the same JVM (every client alike: a feed followed for days runs compiled code). "
				+ "First pass: the first pass of a fresh JVM after a cold pass of a quarter as many events (a "
				+ "service that started a moment ago; the independent benchmark's million events after 250,000). "
				+ "Cold: that cold pass, the JVM's and the client's start, class loading and first compilations "
				+ "included.%n%n", this.settings.smallEvents(), this.settings.largeEvents(),
				this.settings.throughputWarmupSeconds()));
		md.append("### Throughput with a JSON payload read into a record (events per second, median)\n\n");
		md.append("| client | warm | first pass |\n|---|---|---|\n");
		for (String client : SuiteMain.JSON_CLIENTS) {
			md.append("| ").append(client).append(" | ")
				.append(rateCell("throughput-json", client, SuiteMain.JSON_PEERS)).append(" | ")
				.append(firstPassCell("throughput-json", client)).append(" |\n");
		}
		md.append(String.format(Locale.ROOT, "%n%,d events per pass, one HTTP chunk each, whose data is a ticker's JSON "
				+ "(about 100 bytes, with an ISO-8601 time) read as a Java record with Jackson 3: "
				+ "`ours-listener-json` by the starter's converter into an `@SseListener(…) void on(Tick tick)`, the "
				+ "others by `JsonMapper.readValue(data, Tick.class)` on the string the client handed over. "
				+ "Ratio: to the better of the two okhttp-based peers plus Jackson, within each round.%n%n",
				SuiteMain.JSON_EVENTS));
		md.append("### Latency, server write to callback, at 10,000 events/s (µs, median of rounds)\n\n");
		md.append("| client | p50 | p99 | p99.9 | max | events over 1 ms | stalls over 1 ms | bytes allocated per event "
				+ "| collections | collection time (ms) |\n");
		md.append("|---|---|---|---|---|---|---|---|---|---|\n");
		for (String client : SuiteMain.CLIENTS) {
			md.append("| ").append(client);
			for (String key : List.of("p50", "p99", "p999", "max", "over1ms", "stalls", "allocPerEvent", "gcCount",
					"gcMillis")) {
				md.append(" | ").append(number(this.results.median("latency", client, key), "%.0f"));
			}
			md.append(" |\n");
		}
		md.append(String.format(Locale.ROOT, "%n%d s recorded per run, after %d s of warm-up at the same rate. "
				+ "A stall: consecutive events each more than 1 ms late (the events that queued behind one "
				+ "hole in the client's progress). Allocation and collections: over the recorded window, all live "
				+ "threads of the client's JVM (the driver's own parsing of each event's time stamp included, the "
				+ "same for every client); collections are young ones unless the heap ran out.%n%n",
				this.settings.latencySeconds(),
				this.settings.latencyWarmupSeconds()));
		md.append("### Many streams to one origin, this client (each stream 1 event/s)\n\n");
		md.append("| streams | connections | all open after | threads before → during | heap per stream | RSS | events lost |\n");
		md.append("|---|---|---|---|---|---|---|\n");
		for (String scenario : new String[] { "streams-" + this.settings.streams() / 10,
				"streams-" + this.settings.streams(), "streams-h2-" + this.settings.streams() }) {
			boolean http2 = scenario.startsWith("streams-h2-");
			int count = Integer.parseInt(scenario.substring(scenario.lastIndexOf('-') + 1));
			String streams = String.format(Locale.ROOT, "%,d", count)
					+ (http2 ? " over HTTP/2 (h2c, 100 streams a connection)" : " over HTTP/1.1");
			md.append(String.format(Locale.ROOT, "| %s | %s | %s s | %s → %s | %s KB | %s MB | %s |%n", streams,
					number(this.results.median(scenario, "ours", "connections"), "%.0f"),
					number(this.results.median(scenario, "ours", "openSeconds"), "%.2f"),
					number(this.results.median(scenario, "ours", "threadsBefore"), "%.0f"),
					number(this.results.median(scenario, "ours", "threads"), "%.0f"),
					number(this.results.median(scenario, "ours", "heapPerStreamKB"), "%.1f"),
					number(this.results.median(scenario, "ours", "rssMB"), "%.0f"),
					number(this.results.median(scenario, "ours", "lost"), "%.0f")));
		}
		md.append(String.format(Locale.ROOT, "%n### Scale of the declarative path: %,d idle streams (median of rounds)%n%n",
				this.settings.streams()));
		md.append("| streams | ready after, beyond an empty app | heap per stream | slowest startup phases (ms, own time) |\n");
		md.append("|---|---|---|---|\n");
		for (String[] row : new String[][] { { "declared in YAML", "declared" },
				{ "registered at run time from a template", "registered" } }) {
			md.append(String.format(Locale.ROOT, "| %s | %s s | %s KB | %s |%n", row[0],
					number(scaleStartBeyondEmpty(row[1]), "%.2f"), number(scaleHeapPerStreamKB(row[1]), "%.2f"),
					this.results.last("scale", row[1], "phases").replace(",", ", ")));
		}
		md.append(String.format(Locale.ROOT, "%nA Boot application with actuator, no web server, streams with "
				+ "auto-startup off; every run in a fresh JVM (-Xmx1g). Ready: from main until the last stream "
				+ "exists. Heap: used after full collections, minus the empty application's.%n"));
		md.append("\n### Parser alone (JMH, in memory, 8 KiB chunks; events per second, bytes allocated per event)\n\n");
		md.append("| | 64 B events | 1 KiB events |\n|---|---|---|\n");
		for (String[] row : new String[][] { { "raw blank-line scan (builds nothing)", "rawBlankLineScan" },
				{ "`EventStreamParser`", "eventStreamParser" },
				{ "Spring `ServerSentEventHttpMessageReader`", "springServerSentEventReader" } }) {
			md.append("| ").append(row[0]);
			for (int payload : new int[] { 64, 1024 }) {
				md.append(String.format(Locale.ROOT, " | %s M, %s B", millions(this.parser.score(row[1], payload)),
						number(OptionalDouble.of(this.parser.allocation(row[1], payload)), "%,.0f")));
			}
			md.append(" |\n");
		}
		md.append("\n### Targets\n\n```\n");
		targets().forEach((line) -> md.append(line).append('\n'));
		md.append("```\n\n![Throughput and latency per client](benchmarks.png)\n");
		return md.toString();
	}

	List<String> targets() {
		List<String> lines = new ArrayList<>();
		lines.add(target("throughput-64B-programmatic", ratioToBestPeer("throughput-64B", "ours"), 2.0));
		lines.add(target("throughput-1KiB-programmatic", ratioToBestPeer("throughput-1KiB", "ours"), 1.5));
		lines.add(target("throughput-64B-listener", ratioToBestPeer("throughput-64B", "ours-listener"), 1.5));
		lines.add(target("throughput-64B-programmatic-first-pass", firstPassRatioToBestPeer("throughput-64B", "ours"),
				2.0));
		lines.add(target("throughput-1KiB-programmatic-first-pass",
				firstPassRatioToBestPeer("throughput-1KiB", "ours"), 1.5));
		// the programmatic client's callback, and the @SseListener method's call
		for (String client : List.of("ours", "ours-listener")) {
			String suffix = client.equals("ours") ? "" : "-listener";
			lines.add(target("latency-p99" + suffix + "-vs-best-peer",
					this.results.medianRatio("latency", (round) -> bestPeer(round, "p99") / Results.value(round, client, "p99")),
					1.0));
			lines.add(target("latency-p999" + suffix + "-vs-best-peer", this.results.medianRatio("latency",
					(round) -> bestPeer(round, "p999") / Results.value(round, client, "p999")), 1.0));
			lines.add(target("latency-alloc-per-event" + suffix + "-vs-okhttp-sse", this.results.medianRatio("latency",
					(round) -> Results.value(round, "okhttp-sse", "allocPerEvent")
							/ Results.value(round, client, "allocPerEvent")), 1.0));
		}
		String many = "streams-" + this.settings.streams();
		String fewer = "streams-" + this.settings.streams() / 10;
		lines.add(target("streams-all-open-within-10s", inverse(10, this.results.median(many, "ours", "openSeconds")),
				1.0));
		lines.add(target("streams-threads-flat-1k-vs-10k",
				ratio(this.results.median(fewer, "ours", "threads"), this.results.median(many, "ours", "threads")), 0.9));
		lines.add(target("streams-heap-at-most-10KB", inverse(10, this.results.median(many, "ours", "heapPerStreamKB")),
				1.0));
		String http2 = "streams-h2-" + this.settings.streams();
		lines.add(target("http2-streams-heap-at-most-5KB",
				inverse(5, this.results.median(http2, "ours", "heapPerStreamKB")), 1.0));
		lines.add(target("http2-streams-share-connections-100-each",
				ratio(OptionalDouble.of(this.settings.streams() / 100.0), this.results.median(http2, "ours", "connections")),
				1.0));
		OptionalDouble receivedOverHttp2 = this.results.median(http2, "ours", "received");
		lines.add(target("http2-streams-nothing-lost",
				receivedOverHttp2.isPresent() ? OptionalDouble.of(receivedOverHttp2.getAsDouble()
						/ ((double) this.settings.streams() * this.settings.ticks())) : OptionalDouble.empty(),
				1.0));
		OptionalDouble received = this.results.median(many, "ours", "received");
		lines.add(target("streams-nothing-lost",
				received.isPresent() ? OptionalDouble.of(received.getAsDouble()
						/ ((double) this.settings.streams() * this.settings.ticks())) : OptionalDouble.empty(),
				1.0));
		for (String mode : List.of("declared", "registered")) {
			lines.add(target("scale-" + mode + "-10k-start-under-3s", inverse(3, scaleStartBeyondEmpty(mode)), 1.0));
			lines.add(target("scale-" + mode + "-heap-at-most-3KB", inverse(3, scaleHeapPerStreamKB(mode)), 1.0));
		}
		for (int payload : new int[] { 64, 1024 }) {
			double ours = this.parser.score("eventStreamParser", payload);
			lines.add(target("parser-vs-raw-scan-" + payload + "B",
					OptionalDouble.of(ours / this.parser.score("rawBlankLineScan", payload)), 0.5));
			lines.add(target("parser-vs-spring-" + payload + "B",
					OptionalDouble.of(ours / this.parser.score("springServerSentEventReader", payload)), 5.0));
		}
		return lines;
	}

	/** Seconds until the streams exist, minus the empty application's in the same round. */
	private OptionalDouble scaleStartBeyondEmpty(String mode) {
		return this.results.medianRatio("scale",
				(round) -> Results.value(round, mode, "readySeconds") - Results.value(round, "empty", "readySeconds"));
	}

	private OptionalDouble scaleHeapPerStreamKB(String mode) {
		return this.results.medianRatio("scale", (round) -> (Results.value(round, mode, "heapMB")
				- Results.value(round, "empty", "heapMB")) * 1024 / Results.value(round, mode, "streams"));
	}

	/** The lowest figure among the peers in one round. */
	private static double bestPeer(Map<String, Map<String, String>> round, String key) {
		return SuiteMain.PEERS.stream()
			.mapToDouble((peer) -> Results.value(round, peer, key))
			.filter((value) -> !Double.isNaN(value))
			.min()
			.orElse(Double.NaN);
	}

	void write(Path docs) throws Exception {
		Files.createDirectories(docs);
		writeBetween(docs.resolve("benchmarks.md"), START, END, markdown());
		Charts.write(this.results, docs.resolve("benchmarks.png"));
	}

	/** Replaces what stands between two markers of a file (added at its end when missing) with {@code content}. */
	static void writeBetween(Path file, String startMarker, String endMarker, String content) throws Exception {
		String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n";
		int start = existing.indexOf(startMarker);
		int end = existing.indexOf(endMarker);
		if (start < 0 || end < start) {
			existing = existing + "\n" + startMarker + "\n" + endMarker + "\n";
			start = existing.indexOf(startMarker);
			end = existing.indexOf(endMarker);
		}
		Files.writeString(file, existing.substring(0, start + startMarker.length()) + "\n\n" + content + "\n"
				+ existing.substring(end), StandardCharsets.UTF_8);
	}

	private OptionalDouble ratioToBestPeer(String scenario, String client) {
		return ratioToBestPeer(scenario, client, "rate", SuiteMain.PEERS);
	}

	private OptionalDouble firstPassRatioToBestPeer(String scenario, String client) {
		return ratioToBestPeer(scenario, client, "first", SuiteMain.PEERS);
	}

	/** The client's events per second over the fastest peer's, within each round. */
	private OptionalDouble ratioToBestPeer(String scenario, String client, String key, List<String> peers) {
		return this.results.medianRatio(scenario, (round) -> {
			double best = peers.stream()
				.mapToDouble((peer) -> Results.value(round, peer, key))
				.filter((value) -> !Double.isNaN(value))
				.max()
				.orElse(Double.NaN);
			return Results.value(round, client, key) / best;
		});
	}

	private String coldCell(String scenario, String client) {
		OptionalDouble cold = this.results.median(scenario, client, "cold");
		return cold.isPresent() ? millions(cold.getAsDouble()) + " M" : "failed";
	}

	private String firstPassCell(String scenario, String client) {
		OptionalDouble first = this.results.median(scenario, client, "first");
		return first.isPresent() ? millions(first.getAsDouble()) + " M" : "failed";
	}

	private String rateCell(String scenario, String client) {
		return rateCell(scenario, client, SuiteMain.PEERS);
	}

	private String rateCell(String scenario, String client, List<String> peers) {
		OptionalDouble rate = this.results.median(scenario, client, "rate");
		if (rate.isEmpty()) {
			return "failed";
		}
		String cell = millions(rate.getAsDouble()) + " M";
		if (!peers.contains(client)) {
			OptionalDouble ratio = ratioToBestPeer(scenario, client, "rate", peers);
			if (ratio.isPresent()) {
				cell += String.format(Locale.ROOT, " (%.2f×)", ratio.getAsDouble());
			}
		}
		return cell;
	}

	static String target(String name, OptionalDouble ratio, double goal) {
		if (ratio.isEmpty() || Double.isNaN(ratio.getAsDouble())) {
			return String.format(Locale.ROOT, "TARGET %s ratio=NaN goal=%.2f FAIL", name, goal);
		}
		return String.format(Locale.ROOT, "TARGET %s ratio=%.2f goal=%.2f %s", name, ratio.getAsDouble(), goal,
				(ratio.getAsDouble() >= goal) ? "PASS" : "FAIL");
	}

	private static OptionalDouble inverse(double limit, OptionalDouble value) {
		return value.isPresent() ? OptionalDouble.of(limit / Math.max(value.getAsDouble(), 1e-9)) : value;
	}

	private static OptionalDouble ratio(OptionalDouble top, OptionalDouble bottom) {
		return (top.isPresent() && bottom.isPresent()) ? OptionalDouble.of(top.getAsDouble() / bottom.getAsDouble())
				: OptionalDouble.empty();
	}

	static String millions(double value) {
		return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, "%.2f", value / 1e6);
	}

	static String number(OptionalDouble value, String format) {
		return (value.isEmpty() || Double.isNaN(value.getAsDouble())) ? "—"
				: String.format(Locale.ROOT, format, value.getAsDouble());
	}

	static String machine() {
		long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getTotalMemorySize();
		return String.format(Locale.ROOT, "%d cores, %.0f GiB, %s %s, Java %s (%s), loopback",
				Runtime.getRuntime().availableProcessors(), memory / (1024.0 * 1024 * 1024), System.getProperty("os.name"),
				System.getProperty("os.arch"), System.getProperty("java.version"), System.getProperty("java.vm.name"));
	}

}
