package dev.sseclient.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import dev.sseclient.postgres.PostgresTestServer;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three application instances, each a JVM of its own, share a real PostgreSQL (locks and
 * checkpoints) and four streams of numbered events from a server that honours
 * {@code Last-Event-ID}. One instance is killed with SIGKILL, another shut down gracefully;
 * every stream must be consumed by one instance at a time, lose nothing, and be taken over
 * within the lock's time to live (kill) or well under it (graceful shutdown).
 */
class ClusterFailoverTests {

	private static final Duration LOCK_TTL = Duration.ofSeconds(3);

	private static final int CHECKPOINT_BATCH = 10;

	private static final Duration EVENT_INTERVAL = Duration.ofMillis(20);

	private final SseTestServer feed = SseTestServer.start()
		.dispatcher((request) -> NumberedFeed.from(request, 500, EVENT_INTERVAL));

	private final List<Node> nodes = new ArrayList<>();

	@TempDir
	Path output;

	private boolean passed;

	@AfterEach
	void stopNodes() throws IOException {
		this.nodes.forEach((node) -> node.process.destroyForcibly());
		this.feed.close();
		if (!this.passed) {
			for (Node node : this.nodes) {
				node.printLog();
			}
		}
	}

	/** What every instance printed so far, read from the files their output goes to (nothing lost at exit). */
	private List<Delivery> deliveries() {
		List<Delivery> deliveries = new ArrayList<>();
		this.nodes.forEach((node) -> deliveries.addAll(node.deliveries()));
		return deliveries;
	}

	@Test
	void eachStreamRunsOnOneInstanceAtATimeAndFailsOverWithoutLoss() throws Exception {
		String database = ((PGSimpleDataSource) PostgresTestServer.shared().newDatabase()).getUrl();
		for (String name : List.of("node-a", "node-b", "node-c")) {
			this.nodes.add(new Node(name, database));
		}
		awaitMoreEventsOnEveryStream(100);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.nodes).allSatisfy((node) -> assertThat(streamsHeldBy(node)).isNotEmpty()));
		Map<String, Set<String>> spread = new LinkedHashMap<>();
		this.nodes.forEach((node) -> spread.put(node.name, streamsHeldBy(node)));

		Node killed = holderOf("s1");
		Set<String> killedStreams = streamsHeldBy(killed);
		long killedAt = System.currentTimeMillis();
		killed.process.destroyForcibly(); // SIGKILL: its locks stay until they expire
		killed.process.waitFor();
		Map<String, Long> killTakeovers = awaitTakeovers(killedStreams, killed, killedAt);

		// the two left even out: two streams each, then nothing moves
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(this.nodes).filteredOn((node) -> node != killed)
			.allSatisfy((node) -> assertThat(streamsHeldBy(node)).hasSize(2)));
		Node stopped = holderOf(anyStreamNotHeldBy(killed));
		Set<String> stoppedStreams = streamsHeldBy(stopped);
		long stoppedAt = System.currentTimeMillis();
		stopped.process.destroy(); // SIGTERM: a graceful shutdown releases the locks
		Map<String, Long> gracefulTakeovers = awaitTakeovers(stoppedStreams, stopped, stoppedAt);
		awaitMoreEventsOnEveryStream(50);

		Map<String, List<Delivery>> byStream = byStream();
		System.out.println("Cluster fail-over (lock-ttl " + LOCK_TTL.toMillis() + " ms, checkpoint batch " + CHECKPOINT_BATCH
				+ "): spread " + spread + "; kill -9 of " + killed.name + " take-over ms " + killTakeovers + ", graceful stop of "
				+ stopped.name + " take-over ms " + gracefulTakeovers);
		for (String stream : ClusterNode.STREAMS) {
			List<Delivery> delivered = byStream.get(stream);
			List<List<Delivery>> runs = runsByNode(delivered);
			int kills = killedStreams.contains(stream) ? 1 : 0;
			int handovers = kills + releases(stream);
			System.out.println("  " + stream + ": " + delivered.size() + " deliveries, " + missing(delivered).size()
					+ " lost, " + duplicates(delivered) + " duplicated, holders "
					+ runs.stream().map((run) -> run.get(0).node()).toList());
			assertThat(runs).as("%s: runs of one instance; a new one only after a release or a kill", stream)
				.hasSizeLessThanOrEqualTo(1 + handovers);
			assertThat(missing(delivered)).as("%s: ids never delivered", stream).isEmpty();
			assertThat(duplicates(delivered)).as("%s: ids delivered twice", stream).isLessThanOrEqualTo(kills * CHECKPOINT_BATCH);
		}
		killTakeovers.values().forEach((millis) -> assertThat(millis).isLessThan(LOCK_TTL.plusSeconds(3).toMillis()));
		gracefulTakeovers.values().forEach((millis) -> assertThat(millis).isLessThan(LOCK_TTL.toMillis()));
		stoppedStreams.forEach((stream) -> assertThat(handoverDuplicates(byStream.get(stream), stopped.name))
			.as("%s: re-delivered after a graceful hand-over", stream).isZero());
		this.passed = true;
	}

	private void awaitMoreEventsOnEveryStream(int count) {
		Map<String, List<Delivery>> before = byStream();
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			Map<String, List<Delivery>> now = byStream();
			for (String stream : ClusterNode.STREAMS) {
				assertThat(now.getOrDefault(stream, List.of())).as(stream)
					.hasSizeGreaterThanOrEqualTo(before.getOrDefault(stream, List.of()).size() + count);
			}
		});
	}

	/**
	 * Times an instance let the stream's lock go, from their logs: released after a graceful
	 * stop, an evening out or a lost renewal. A killed instance logs nothing.
	 */
	private int releases(String stream) {
		return this.nodes.stream()
			.mapToInt((node) -> node.logLinesContaining("Lock '" + LockRegistryStreamCoordinator.STREAM_PREFIX + stream
					+ "': released"))
			.sum();
	}

	private Node holderOf(String stream) {
		String name = latest(stream).node();
		return this.nodes.stream().filter((node) -> node.name.equals(name)).findFirst().orElseThrow();
	}

	private Set<String> streamsHeldBy(Node node) {
		Set<String> held = new TreeSet<>();
		for (String stream : ClusterNode.STREAMS) {
			if (latest(stream).node().equals(node.name)) {
				held.add(stream);
			}
		}
		return held;
	}

	private String anyStreamNotHeldBy(Node node) {
		for (String stream : ClusterNode.STREAMS) {
			if (!latest(stream).node().equals(node.name)) {
				return stream;
			}
		}
		throw new IllegalStateException("no stream left");
	}

	private Delivery latest(String stream) {
		return deliveries().stream()
			.filter((delivery) -> delivery.stream().equals(stream))
			.max(Comparator.comparingLong(Delivery::at))
			.orElseThrow();
	}

	/** Per stream, milliseconds from {@code since} to the first event another instance delivered. */
	private Map<String, Long> awaitTakeovers(Set<String> streams, Node gone, long since) {
		Map<String, Long> takeovers = new LinkedHashMap<>();
		await().atMost(LOCK_TTL.plusSeconds(30)).untilAsserted(() -> {
			for (String stream : streams) {
				deliveries().stream()
					.filter((delivery) -> delivery.stream().equals(stream) && !delivery.node().equals(gone.name)
							&& delivery.at() >= since)
					.mapToLong(Delivery::at)
					.min()
					.ifPresent((first) -> takeovers.put(stream, first - since));
			}
			assertThat(takeovers.keySet()).containsAll(streams);
		});
		return takeovers;
	}

	private Map<String, List<Delivery>> byStream() {
		return deliveries().stream()
			.sorted(Comparator.comparingLong(Delivery::at))
			.collect(Collectors.groupingBy(Delivery::stream, LinkedHashMap::new, Collectors.toList()));
	}

	/** Deliveries in time order, cut where the delivering instance changes. */
	private static List<List<Delivery>> runsByNode(List<Delivery> delivered) {
		List<List<Delivery>> runs = new ArrayList<>();
		for (Delivery delivery : delivered) {
			if (runs.isEmpty() || !runs.get(runs.size() - 1).get(0).node().equals(delivery.node())) {
				runs.add(new ArrayList<>());
			}
			runs.get(runs.size() - 1).add(delivery);
		}
		return runs;
	}

	private static Set<Long> missing(Collection<Delivery> delivered) {
		Set<Long> ids = delivered.stream().map(Delivery::id).collect(Collectors.toSet());
		long max = ids.stream().mapToLong(Long::longValue).max().orElse(0);
		Set<Long> missing = new TreeSet<>();
		for (long id = 1; id <= max; id++) {
			if (!ids.contains(id)) {
				missing.add(id);
			}
		}
		return missing;
	}

	private static long duplicates(Collection<Delivery> delivered) {
		return delivered.size() - delivered.stream().map(Delivery::id).distinct().count();
	}

	/** Ids the successor delivered again after taking the stream from {@code previous}. */
	private static long handoverDuplicates(List<Delivery> delivered, String previous) {
		Set<Long> byPrevious = delivered.stream()
			.filter((delivery) -> delivery.node().equals(previous))
			.map(Delivery::id)
			.collect(Collectors.toSet());
		long handedOverAt = delivered.stream()
			.filter((delivery) -> delivery.node().equals(previous))
			.mapToLong(Delivery::at)
			.max()
			.orElse(0);
		return delivered.stream()
			.filter((delivery) -> delivery.at() >= handedOverAt && !delivery.node().equals(previous)
					&& byPrevious.contains(delivery.id()))
			.count();
	}

	record Delivery(String node, String stream, long id, long at) {
	}

	/** An application instance in a JVM of its own, its output going to a file. */
	private final class Node {

		private final String name;

		private final Process process;

		private final Path log;

		Node(String name, String database) throws IOException {
			this.name = name;
			this.log = ClusterFailoverTests.this.output.resolve(name + ".log");
			List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
					ClusterNode.class.getName(), "--spring.main.web-application-type=none",
					"--spring.datasource.url=" + database, "--spring.datasource.username=postgres",
					"--sse.client.checkpoint.store=jdbc", "--sse.client.checkpoint.batch-size=" + CHECKPOINT_BATCH,
					"--sse.client.checkpoint.interval=200ms", "--sse.client.cluster.enabled=true",
					"--sse.client.cluster.instance-id=" + name, "--sse.client.cluster.lock-ttl=" + LOCK_TTL.toMillis() + "ms",
					"--sse.client.cluster.rebalance-interval=1s", "--sse.client.defaults.reconnect.initial-delay=50ms", "--logging.level.root=WARN",
					"--logging.level.dev.sseclient.cluster=INFO"));
			for (String stream : ClusterNode.STREAMS) {
				command.add("--sse.client.streams." + stream + ".url=" + ClusterFailoverTests.this.feed.url("/" + stream));
			}
			this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(this.log.toFile()).start();
		}

		/** Whole {@code EVENT} lines so far; anything else is the application's log. */
		List<Delivery> deliveries() {
			List<Delivery> deliveries = new ArrayList<>();
			try {
				for (String line : Files.readAllLines(this.log, StandardCharsets.UTF_8)) {
					String[] parts = line.split(" ");
					if (parts.length == 4 && parts[0].equals("EVENT") && parts[3].length() >= 13) {
						deliveries.add(new Delivery(this.name, parts[1], Long.parseLong(parts[2]), Long.parseLong(parts[3])));
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			return deliveries;
		}

		int logLinesContaining(String text) {
			try {
				return (int) Files.readAllLines(this.log, StandardCharsets.UTF_8).stream().filter((line) -> line.contains(text)).count();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		void printLog() throws IOException {
			Files.readAllLines(this.log, StandardCharsets.UTF_8).stream()
				.filter((line) -> !line.startsWith("EVENT "))
				.forEach((line) -> System.out.println("[" + this.name + "] " + line));
		}

	}

}
