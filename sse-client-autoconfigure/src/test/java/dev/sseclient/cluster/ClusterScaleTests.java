package dev.sseclient.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import redis.embedded.RedisServer;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.sseclient.postgres.PostgresTestServer;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three application instances, each a JVM of its own with every cluster setting at its default
 * but the lock's time to live, register the same 1,000 streams at run time from a template
 * ({@code -Dcluster.scale.streams} for more) and share real PostgreSQL checkpoints, with the
 * locks in PostgreSQL or in a real Redis. Measured and printed: the spread and the time to reach
 * it, threads, coordination threads, lock-store statements per second, the endpoint's answer
 * time; then one instance is killed with SIGKILL and another stopped gracefully. Every stream
 * must be consumed by one instance at a time and lose nothing.
 */
class ClusterScaleTests {

	static final int STREAMS = Integer.getInteger("cluster.scale.streams", 1000);

	private static final Duration LOCK_TTL = Duration.ofMillis(Long.getLong("cluster.scale.lock-ttl-ms", 4000));

	private static final Duration EVENT_INTERVAL = Duration.ofMillis(Long.getLong("cluster.scale.event-interval-ms", 1000));

	private static final String HEAP = System.getProperty("cluster.scale.heap", "384m");

	private static final int CHECKPOINT_BATCH = 10;

	/** Locks per template: the default. */
	private static final int SLOTS = 64;

	private final SseTestServer feed = SseTestServer.start()
		.dispatcher((request) -> NumberedFeed.from(request, 120, EVENT_INTERVAL));

	private final List<Node> nodes = new ArrayList<>();

	@TempDir
	Path output;

	private boolean passed;

	@AfterEach
	void stopNodes() {
		this.nodes.forEach((node) -> node.process.destroyForcibly());
		this.feed.close();
		if (!this.passed) {
			this.nodes.forEach(Node::printLog);
		}
	}

	@Test
	void locksInPostgresql() throws Exception {
		DataSource database = PostgresTestServer.shared().newDatabase();
		String url = ((PGSimpleDataSource) database).getUrl();
		JdbcTemplate jdbc = new JdbcTemplate(database);
		run("jdbc", List.of("--spring.datasource.url=" + url), () -> lockTableStatements(jdbc));
	}

	@Test
	void locksInRedis() throws Exception {
		int port;
		try (ServerSocket free = new ServerSocket(0)) {
			port = free.getLocalPort();
		}
		RedisServer redis = new RedisServer(port);
		redis.start();
		RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			String url = ((PGSimpleDataSource) PostgresTestServer.shared().newDatabase()).getUrl();
			run("redis", List.of("--spring.datasource.url=" + url, "--sse.client.cluster.lock-registry=redis", "--redis.port=" + port),
					() -> redisCommands(connection.sync().info("commandstats")));
		}
		finally {
			client.shutdown();
			redis.stop();
		}
	}

	private void run(String store, List<String> settings, LongSupplier lockStatements) throws Exception {
		long startedAt = System.currentTimeMillis();
		for (String name : List.of("node-a", "node-b", "node-c")) {
			this.nodes.add(new Node(name, settings));
		}
		int even = STREAMS / 3;
		await().atMost(Duration.ofSeconds(180)).untilAsserted(() -> {
			Map<String, Integer> active = activePerNode();
			assertThat(active.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(STREAMS);
			assertThat(active.values()).allSatisfy((count) -> assertThat(count).isBetween(even * 9 / 10, even * 11 / 10 + 1));
		});
		long spreadMillis = System.currentTimeMillis() - startedAt;
		Map<String, Integer> spread = activePerNode();
		long statementsBefore = lockStatements.getAsLong();
		long windowStart = System.nanoTime();
		Thread.sleep(10_000);
		double statementsPerSecondPerInstance = (lockStatements.getAsLong() - statementsBefore)
				/ ((System.nanoTime() - windowStart) / 1e9) / this.nodes.size();
		this.nodes.forEach(Node::refresh);
		Map<String, Status> statuses = new TreeMap<>();
		this.nodes.forEach((node) -> statuses.put(node.name, node.status));

		Node killed = this.nodes.get(1);
		StopOutcome kill = stop(killed, true);
		Node stopped = this.nodes.get(2);
		StopOutcome graceful = stop(stopped, false);
		this.nodes.forEach(Node::refresh);
		Set<String> killedStreams = kill.streams();
		Map<String, Long> killTakeovers = kill.takeovers();
		Set<String> stoppedStreams = graceful.streams();
		Map<String, Long> gracefulTakeovers = graceful.takeovers();

		System.out.printf("Cluster at scale (%s locks, %d streams, 3 instances, lock-ttl %d ms, slots %d): spread %s after %.1f s; "
				+ "lock-store statements %.1f/s per instance; per instance (threads, coordination threads, endpoint ms): %s%n",
				store, STREAMS, LOCK_TTL.toMillis(), SLOTS, spread, spreadMillis / 1000.0, statementsPerSecondPerInstance, statuses);
		System.out.printf("  kill -9 of %s (%d streams): taken over after median %d ms, max %d ms; graceful stop of %s (%d streams): "
				+ "median %d ms, max %d ms%n", killed.name, killedStreams.size(), median(killTakeovers), max(killTakeovers),
				stopped.name, stoppedStreams.size(), median(gracefulTakeovers), max(gracefulTakeovers));

		int lost = 0;
		long duplicated = 0;
		for (int i = 1; i <= STREAMS; i++) {
			String stream = "device-" + i;
			List<Delivery> delivered = deliveries(stream);
			String lockKey = LockRegistryStreamCoordinator.SLOT_PREFIX + "device:" + LockRegistryStreamCoordinator.slotOf(stream, SLOTS);
			int kills = killedStreams.contains(stream) ? 1 : 0;
			assertThat(runsByNode(delivered)).as("%s: runs of one instance; a new one only after a release or a kill", stream)
				.isLessThanOrEqualTo(1 + kills + releases(lockKey));
			assertThat(missing(delivered)).as("%s: ids never delivered", stream).isEmpty();
			assertThat(duplicates(delivered)).as("%s: ids delivered twice", stream).isLessThanOrEqualTo(kills * CHECKPOINT_BATCH);
			lost += missing(delivered).size();
			duplicated += duplicates(delivered);
		}
		System.out.printf("  %d streams: %d events lost, %d delivered twice%n", STREAMS, lost, duplicated);
		System.out.printf("RESULT store=%s streams=%d spreadSeconds=%.1f statementsPerSecondPerInstance=%.1f threads=%d "
				+ "coordinationThreads=%d endpointMillis=%d killTakeoverMedianMillis=%d killTakeoverMaxMillis=%d lost=%d "
				+ "lockTtlMillis=%d%n", store, STREAMS, spreadMillis / 1000.0, statementsPerSecondPerInstance,
				statuses.values().stream().mapToInt(Status::threads).max().orElse(0),
				statuses.values().stream().mapToInt(Status::coordinationThreads).max().orElse(0),
				statuses.values().stream().mapToLong(Status::endpointMillis).max().orElse(0), median(killTakeovers),
				max(killTakeovers), lost, LOCK_TTL.toMillis());
		assertThat(statuses.values()).allSatisfy((status) -> assertThat(status.coordinationThreads).isLessThanOrEqualTo(6));
		// bounded by the slots and the intervals, not the streams: 1,000 streams took 2,600 (JDBC) to 6,000 (Redis) per
		// instance when each stream had a lock of its own
		assertThat(statementsPerSecondPerInstance).as("lock traffic bounded by the slots, not the streams").isLessThan(500);
		// a bound that says "taken over once the lock expired", not a figure (benchmarks/cluster.sh measures that): a
		// loaded 2-core machine took 8.7 s with 4 s locks beside another build
		assertThat(max(killTakeovers)).as("taken over once the dead holder's locks expired")
			.isLessThan(5 * LOCK_TTL.toMillis());
		this.passed = true;
	}

	/** Stops the node, with SIGKILL or SIGTERM, and waits until its streams deliver elsewhere. */
	private StopOutcome stop(Node node, boolean kill) throws InterruptedException {
		Set<String> streams = node.activeStreams();
		long at = System.currentTimeMillis();
		if (kill) {
			node.process.destroyForcibly();
		}
		else {
			node.process.destroy();
		}
		node.process.waitFor();
		return new StopOutcome(streams, awaitTakeovers(streams, node, at));
	}

	record StopOutcome(Set<String> streams, Map<String, Long> takeovers) {
	}

	private Map<String, Integer> activePerNode() {
		Map<String, Integer> active = new TreeMap<>();
		for (Node node : this.nodes) {
			node.refresh();
			active.put(node.name, node.status.active);
		}
		return active;
	}

	/** Per stream, milliseconds from {@code since} to the first event another instance delivered. */
	private Map<String, Long> awaitTakeovers(Set<String> streams, Node gone, long since) {
		Map<String, Long> takeovers = new HashMap<>();
		await().atMost(LOCK_TTL.plusSeconds(60)).untilAsserted(() -> {
			for (Node node : this.nodes) {
				if (node != gone) {
					node.refresh();
					for (String stream : streams) {
						Long first = node.firstDeliverySince(stream, since);
						if (first != null) {
							takeovers.merge(stream, first - since, Math::min);
						}
					}
				}
			}
			assertThat(takeovers.keySet()).containsAll(streams);
		});
		return takeovers;
	}

	private List<Delivery> deliveries(String stream) {
		List<Delivery> all = new ArrayList<>();
		this.nodes.forEach((node) -> all.addAll(node.deliveries.getOrDefault(stream, List.of())));
		all.sort((left, right) -> Long.compare(left.at, right.at));
		return all;
	}

	private int releases(String lockKey) {
		String line = "Lock '" + lockKey + "': released";
		return this.nodes.stream().mapToInt((node) -> node.logLinesContaining(line)).sum();
	}

	private static int runsByNode(List<Delivery> delivered) {
		int runs = 0;
		String last = null;
		for (Delivery delivery : delivered) {
			if (!delivery.node.equals(last)) {
				runs++;
				last = delivery.node;
			}
		}
		return runs;
	}

	private static Set<Long> missing(List<Delivery> delivered) {
		Set<Long> ids = new TreeSet<>();
		delivered.forEach((delivery) -> ids.add(delivery.id));
		long max = ids.isEmpty() ? 0 : ((TreeSet<Long>) ids).last();
		Set<Long> missing = new TreeSet<>();
		for (long id = 1; id <= max; id++) {
			if (!ids.contains(id)) {
				missing.add(id);
			}
		}
		return missing;
	}

	private static long duplicates(List<Delivery> delivered) {
		return delivered.size() - delivered.stream().map((delivery) -> delivery.id).distinct().count();
	}

	private static long median(Map<String, Long> millis) {
		List<Long> sorted = millis.values().stream().sorted().toList();
		return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
	}

	private static long max(Map<String, Long> millis) {
		return millis.values().stream().mapToLong(Long::longValue).max().orElse(0);
	}

	/** Statements on the lock table so far: its scans (every select, update and delete) and inserts. */
	private static long lockTableStatements(JdbcTemplate jdbc) {
		Long count = jdbc.queryForObject("SELECT COALESCE(SUM(seq_scan + COALESCE(idx_scan, 0) + n_tup_ins), 0) "
				+ "FROM pg_stat_user_tables WHERE relname = 'int_lock'", Long.class);
		return (count != null) ? count : 0;
	}

	/** Commands Redis ran so far, from {@code INFO commandstats}. */
	private static long redisCommands(String commandStats) {
		long calls = 0;
		for (String line : commandStats.split("\r?\n")) {
			int at = line.indexOf("calls=");
			if (line.startsWith("cmdstat_") && at > 0) {
				int end = line.indexOf(',', at);
				calls += Long.parseLong(line.substring(at + "calls=".length(), end));
			}
		}
		return calls;
	}

	record Delivery(String node, long id, long at) {
	}

	record Status(int threads, int coordinationThreads, long endpointMillis, int active) {

		@Override
		public String toString() {
			return "(" + this.threads + ", " + this.coordinationThreads + ", " + this.endpointMillis + ")";
		}

	}

	/** An application instance in a JVM of its own, its output going to a file read as it grows. */
	private final class Node {

		private final String name;

		private final Process process;

		private final Path log;

		private final Map<String, List<Delivery>> deliveries = new ConcurrentHashMap<>();

		private final Map<String, Integer> logLines = new ConcurrentHashMap<>();

		private Status status = new Status(0, 0, 0, 0);

		private long readUpTo;

		Node(String name, List<String> settings) throws IOException {
			this.name = name;
			this.log = ClusterScaleTests.this.output.resolve(name + ".log");
			List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-Xmx" + HEAP, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
					ClusterScaleNode.class.getName(), "--streams=" + STREAMS, "--spring.main.web-application-type=none",
					"--spring.datasource.username=postgres", "--management.endpoints.web.exposure.include=sse",
					"--sse.client.checkpoint.store=jdbc", "--sse.client.checkpoint.batch-size=" + CHECKPOINT_BATCH,
					"--sse.client.checkpoint.interval=200ms", "--sse.client.cluster.enabled=true",
					"--sse.client.cluster.instance-id=" + name, "--sse.client.cluster.lock-ttl=" + LOCK_TTL.toMillis() + "ms",
					"--sse.client.templates.device.url=" + ClusterScaleTests.this.feed.url("/devices/{device}"),
					"--sse.client.defaults.reconnect.initial-delay=50ms", "--logging.level.root=WARN",
					"--logging.level.dev.sseclient.cluster=INFO"));
			command.addAll(settings);
			this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(this.log.toFile()).start();
		}

		/** Reads what the instance printed since the last read, whole lines only. */
		synchronized void refresh() {
			try (RandomAccessFile file = new RandomAccessFile(this.log.toFile(), "r")) {
				long length = file.length();
				if (length <= this.readUpTo) {
					return;
				}
				byte[] bytes = new byte[(int) (length - this.readUpTo)];
				file.seek(this.readUpTo);
				file.readFully(bytes);
				int end = lastNewline(bytes);
				if (end < 0) {
					return;
				}
				this.readUpTo += end + 1;
				for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
					read(line);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private static int lastNewline(byte[] bytes) {
			for (int i = bytes.length - 1; i >= 0; i--) {
				if (bytes[i] == '\n') {
					return i;
				}
			}
			return -1;
		}

		private void read(String line) {
			String[] parts = line.split(" ");
			if (parts.length == 4 && parts[0].equals("EVENT") && parts[3].length() >= 13) {
				this.deliveries.computeIfAbsent(parts[1], (stream) -> new ArrayList<>())
					.add(new Delivery(this.name, Long.parseLong(parts[2]), Long.parseLong(parts[3])));
			}
			else if (parts.length == 6 && parts[0].equals("STATUS")) {
				this.status = new Status(Integer.parseInt(parts[2]), Integer.parseInt(parts[3]), Long.parseLong(parts[4]),
						Integer.parseInt(parts[5]));
			}
			else {
				int at = line.indexOf("Lock '");
				int end = line.indexOf("': released");
				if (at >= 0 && end > at) {
					this.logLines.merge(line.substring(at, end + "': released".length()), 1, Integer::sum);
				}
			}
		}

		int logLinesContaining(String line) {
			return this.logLines.getOrDefault(line, 0);
		}

		/** The streams whose latest event, over every instance, this one delivered. */
		Set<String> activeStreams() {
			ClusterScaleTests.this.nodes.forEach(Node::refresh);
			Set<String> active = new TreeSet<>();
			for (int i = 1; i <= STREAMS; i++) {
				String stream = "device-" + i;
				List<Delivery> delivered = deliveries(stream);
				if (!delivered.isEmpty() && delivered.get(delivered.size() - 1).node.equals(this.name)) {
					active.add(stream);
				}
			}
			return active;
		}

		Long firstDeliverySince(String stream, long since) {
			return this.deliveries.getOrDefault(stream, List.of())
				.stream()
				.filter((delivery) -> delivery.at >= since)
				.map(Delivery::at)
				.findFirst()
				.orElse(null);
		}

		void printLog() {
			try {
				Files.readAllLines(this.log, StandardCharsets.UTF_8)
					.stream()
					.filter((line) -> !line.startsWith("EVENT ") && !line.startsWith("STATUS "))
					.forEach((line) -> System.out.println("[" + this.name + "] " + line));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
