package dev.sseclient.benchmarks.suite;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The application regime's table and {@code TARGET} lines: an {@code @SseListener(Quote)} in a
 * Boot application with actuator and a Prometheus registry, the same application without
 * actuator's meters and observations, and okhttp-sse with Jackson reading the same quote.
 */
final class AppReport {

	static final String START = "<!-- application regime: start (written by benchmarks/run.sh) -->";

	static final String END = "<!-- application regime: end -->";

	static final String APP = "ours-app";

	static final String BARE = "ours-app-bare";

	static final String CONNECTION_THREAD = "ours-app-connection-thread";

	static final String PEER = "okhttp-sse-app";

	static final List<String> CLIENTS = List.of(APP, BARE, CONNECTION_THREAD, PEER);

	/** Throughput only: no client, Jackson reading the same quotes from memory on one thread. */
	static final String JACKSON_ALONE = "jackson-alone";

	private final Results results;

	private final SuiteMain.Settings settings;

	private final double seconds;

	AppReport(Results results, SuiteMain.Settings settings, double seconds) {
		this.results = results;
		this.settings = settings;
		this.seconds = seconds;
	}

	String markdown() {
		StringBuilder md = new StringBuilder();
		md.append(String.format(Locale.ROOT,
				"Measured %s with `benchmarks/run.sh%s` (%d rounds of the application regime, %.0f s): %s.%n%n",
				LocalDate.now(), this.settings.quick() ? " --quick" : (this.settings.appOnly() ? " --app" : ""),
				this.settings.rounds(), this.seconds, Report.machine()));
		md.append("### The application users run: 64-byte JSON quotes into a record\n\n");
		md.append("| client | warm events/s | first pass | cold | p50 µs | p99 µs | p99.9 µs | max µs | stalls over 1 ms "
				+ "| bytes allocated per event | young collections | median pause ms | longest pause ms |\n");
		md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
		for (String client : CLIENTS) {
			md.append("| ").append(client);
			for (String key : List.of("rate", "first", "cold")) {
				OptionalDouble rate = this.results.median("app-throughput", client, key);
				md.append(" | ").append(rate.isPresent() ? Report.millions(rate.getAsDouble()) + " M" : "failed");
			}
			for (String key : List.of("p50", "p99", "p999", "max", "stalls", "allocPerEvent", "youngCount",
					"youngMedianMs", "youngMaxMs")) {
				md.append(" | ").append(Report.number(this.results.median("app-latency", client, key), "%.0f"));
			}
			md.append(" |\n");
		}
		md.append("| ").append(JACKSON_ALONE).append(" (no network)");
		for (String key : List.of("rate", "first", "cold")) {
			OptionalDouble rate = this.results.median("app-throughput", JACKSON_ALONE, key);
			md.append(" | ").append(rate.isPresent() ? Report.millions(rate.getAsDouble()) + " M" : "failed");
		}
		md.append(" | — | — | — | — | — | — | — | — | — |\n");
		md.append(String.format(Locale.ROOT, "%n`%s`: `@SseListener(stream = \"bench\") void on(Quote quote)` in a Boot "
				+ "application with `spring-boot-starter-actuator` and `micrometer-registry-prometheus`, every setting at "
				+ "its default (listener timers on, no per-call Observation). `%s`: the same application with actuator's "
				+ "metrics and observation auto-configuration excluded. `%s`: the first application with the stream's "
				+ "`listener-thread: connection` (listener called on the thread that reads the stream). `%s`: "
				+ "okhttp-sse, each event's data read by `JsonMapper.readValue(data, Quote.class)` in its callback. `%s`: no "
				+ "client, the same quotes read into the record from memory by a reader of the same kind of mapper on one "
				+ "thread; a stream's events are converted one after another, so no client that converts them with Jackson "
				+ "can pass it. Throughput: %,d events per pass, one HTTP "
				+ "chunk each, as the main table. Latency: %,d events/s, one event per network read, each stamped at its "
				+ "write; %d s recorded after %d s of warm-up, so that every client has young collections inside the "
				+ "window; allocation over all live threads in the window; pauses from the JVM's collection "
				+ "notifications in the window.%n%n", APP, BARE, CONNECTION_THREAD, PEER, JACKSON_ALONE,
				this.settings.smallEvents(),
				10_000, this.settings.appLatencySeconds(), this.settings.latencyWarmupSeconds()));
		md.append("```\n");
		targets().forEach((line) -> md.append(line).append('\n'));
		md.append("```\n");
		return md.toString();
	}

	List<String> targets() {
		List<String> lines = new ArrayList<>();
		lines.add(Report.target("app-throughput-warm-vs-okhttp-sse-jackson", ratio("app-throughput", APP, PEER, "rate"),
				1.5));
		lines.add(Report.target("app-throughput-first-pass-vs-okhttp-sse-jackson",
				ratio("app-throughput", APP, PEER, "first"), 1.5));
		lines.add(Report.target("app-alloc-per-event-vs-okhttp-sse-jackson",
				ratio("app-latency", PEER, APP, "allocPerEvent"), 1.0));
		for (String client : List.of(APP, BARE, CONNECTION_THREAD)) {
			String name = switch (client) {
				case APP -> "app";
				case BARE -> "app-without-actuator";
				default -> "app-connection-thread";
			};
			lines.add(Report.target(name + "-latency-p99-vs-okhttp-sse-jackson", ratio("app-latency", PEER, client, "p99"),
					1.0));
			lines.add(Report.target(name + "-latency-p999-vs-okhttp-sse-jackson",
					ratio("app-latency", PEER, client, "p999"), 1.0));
		}
		lines.add(reference("warm", "rate"));
		lines.add(reference("first-pass", "first"));
		lines.add(Report.target("app-with-actuator-vs-without-throughput", ratio("app-throughput", APP, BARE, "rate"),
				0.9));
		return lines;
	}

	/**
	 * What the throughput goal asks (1.5 times the peer) against what Jackson alone reads: a
	 * figure of 1.0 or more says the goal is beyond any client that converts with Jackson.
	 */
	private String reference(String pass, String key) {
		return String.format(Locale.ROOT,
				"REFERENCE app-throughput-%s: 1.5x okhttp-sse + Jackson over Jackson alone, no network: %s", pass,
				Report.number(this.results.medianRatio("app-throughput",
						(round) -> 1.5 * Results.value(round, PEER, key) / Results.value(round, JACKSON_ALONE, key)), "%.2f"));
	}

	/** {@code top}'s figure over {@code bottom}'s, taken within each round, median of the rounds. */
	private OptionalDouble ratio(String scenario, String top, String bottom, String key) {
		return this.results.medianRatio(scenario,
				(round) -> Results.value(round, top, key) / Results.value(round, bottom, key));
	}

	void write(Path docs) throws Exception {
		Report.writeBetween(docs.resolve("benchmarks.md"), START, END, markdown());
	}

}
