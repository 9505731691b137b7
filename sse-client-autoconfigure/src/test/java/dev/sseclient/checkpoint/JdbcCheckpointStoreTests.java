package dev.sseclient.checkpoint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.core.SseEvent;
import dev.sseclient.listener.SseListener;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JDBC store against a real PostgreSQL server started by the tests, and against H2.
 */
class JdbcCheckpointStoreTests {

	private final SseTestServer server = SseTestServer.start();

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.sseclient.postgres.TestDatabases#postgresAndH2")
	void idsAreSavedUpdatedAndSharedThroughTheTable(Supplier<DataSource> database) {
		DataSource dataSource = database.get();
		JdbcCheckpointStore first = new JdbcCheckpointStore(dataSource, "sse_checkpoint");
		first.save(Map.of("prices", "1", "chat", "c1"));
		first.save(Map.of("prices", "2"));
		JdbcCheckpointStore second = new JdbcCheckpointStore(dataSource, "sse_checkpoint");
		assertThat(second.load("prices")).contains("2");
		assertThat(second.load("chat")).contains("c1");
		assertThat(second.load("unknown")).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.sseclient.postgres.TestDatabases#postgresAndH2")
	void aFormerHoldersSaveIsRefusedOnceAnotherInstanceClaimedTheStream(Supplier<DataSource> database) {
		JdbcCheckpointStore store = new JdbcCheckpointStore(database.get(), "sse_checkpoint");
		long first = store.claim("prices", "5");
		assertThat(store.load("prices")).contains("5");
		assertThat(store.save(Map.of("prices", "6"), Map.of("prices", first))).isEmpty();
		long second = store.claim("prices", "6");
		assertThat(second).isGreaterThan(first);
		assertThat(store.save(Map.of("prices", "7", "chat", "c1"), Map.of("prices", first))).containsExactly("prices");
		assertThat(store.load("prices")).contains("6");
		assertThat(store.load("chat")).as("unclaimed streams save as before").contains("c1");
		assertThat(store.save(Map.of("prices", "8"), Map.of("prices", second))).isEmpty();
		assertThat(store.load("prices")).contains("8");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.sseclient.postgres.TestDatabases#postgresAndH2")
	void manyStreamsAreClaimedAtOnceEachResumingFromItsStoredIdOrTheOneGiven(Supplier<DataSource> database) {
		JdbcCheckpointStore store = new JdbcCheckpointStore(database.get(), "sse_checkpoint");
		Map<String, String> stored = new HashMap<>();
		Map<String, String> given = new HashMap<>();
		for (int i = 0; i < 1200; i++) {
			if (i % 2 == 0) {
				stored.put("device-" + i, "stored-" + i);
			}
			given.put("device-" + i, "given-" + i);
		}
		store.save(stored);
		long formerClaim = store.claim("device-0", "stored-0");

		Map<String, SseCheckpointStore.Claim> claims = store.claim(given);

		assertThat(claims).hasSize(1200);
		assertThat(claims.get("device-2")).isEqualTo(new SseCheckpointStore.Claim("stored-2", 1));
		assertThat(claims.get("device-3")).as("none stored: the id given").isEqualTo(new SseCheckpointStore.Claim("given-3", 1));
		assertThat(claims.get("device-0").claim()).isGreaterThan(formerClaim);
		assertThat(store.save(Map.of("device-0", "late"), Map.of("device-0", formerClaim))).as("the former holder's save")
			.containsExactly("device-0");
		assertThat(store.save(Map.of("device-3", "next"), Map.of("device-3", claims.get("device-3").claim()))).isEmpty();
		assertThat(store.load("device-3")).contains("next");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.sseclient.postgres.TestDatabases#postgresAndH2")
	void aTableOfTheEarlierVersionGetsTheClaimColumnAndKeepsItsRows(Supplier<DataSource> database) {
		DataSource dataSource = database.get();
		new org.springframework.jdbc.core.JdbcTemplate(dataSource).execute("CREATE TABLE old_checkpoint (stream "
				+ "VARCHAR(255) PRIMARY KEY, last_event_id VARCHAR(4096) NOT NULL, updated_at TIMESTAMP NOT NULL)");
		new org.springframework.jdbc.core.JdbcTemplate(dataSource)
			.update("INSERT INTO old_checkpoint VALUES ('prices', '41', CURRENT_TIMESTAMP)");
		JdbcCheckpointStore store = new JdbcCheckpointStore(dataSource, "old_checkpoint");
		assertThat(store.load("prices")).contains("41");
		long claim = store.claim("prices", "41");
		assertThat(store.save(Map.of("prices", "42"), Map.of("prices", claim))).isEmpty();
		assertThat(new JdbcCheckpointStore(dataSource, "old_checkpoint").load("prices")).contains("42");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.sseclient.postgres.TestDatabases#postgresAndH2")
	void instancesStartingTogetherCreateTheTableAndInsertTheSameStreams(Supplier<DataSource> database) throws Exception {
		DataSource dataSource = database.get();
		int instances = 6;
		int streams = 40;
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(instances);
		try {
			List<CompletableFuture<Void>> saves = new ArrayList<>();
			for (int instance = 0; instance < instances; instance++) {
				Map<String, String> ids = new HashMap<>();
				for (int stream = 0; stream < streams; stream++) {
					ids.put("stream-" + stream, "from-" + instance);
				}
				saves.add(CompletableFuture.runAsync(() -> {
					awaitQuietly(start);
					new JdbcCheckpointStore(dataSource, "raced_checkpoints").save(ids);
				}, executor));
			}
			start.countDown();
			CompletableFuture.allOf(saves.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		}
		finally {
			executor.shutdownNow();
		}
		JdbcCheckpointStore reader = new JdbcCheckpointStore(dataSource, "raced_checkpoints");
		for (int stream = 0; stream < streams; stream++) {
			assertThat(reader.load("stream-" + stream)).hasValueSatisfying((id) -> assertThat(id).startsWith("from-"));
		}
	}

	static class Collector {

		final List<String> ids = new CopyOnWriteArrayList<>();

		@SseListener(stream = "prices")
		void on(SseEvent event) {
			this.ids.add(event.id());
		}

	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.sseclient.postgres.TestDatabases#postgresAndH2")
	void aRestartedApplicationResumesFromTheTable(Supplier<DataSource> database) {
		DataSource dataSource = database.get();
		this.server.enqueue(SseScript.stream().event("1", null, "a").event("2", null, "b").hold());
		this.server.enqueue(SseScript.stream().event("3", null, "c").hold());
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
			.withBean(DataSource.class, () -> dataSource)
			.withPropertyValues("sse.client.streams.prices.url=" + this.server.url("/prices"),
					"sse.client.checkpoint.store=jdbc", "sse.client.checkpoint.table=feed_checkpoints");
		Collector first = new Collector();
		runner.withBean(Collector.class, () -> first).run((context) -> await().until(() -> first.ids.size() == 2));
		assertThat(new JdbcCheckpointStore(dataSource, "feed_checkpoints").load("prices")).contains("2");
		Collector second = new Collector();
		runner.withBean(Collector.class, () -> second).run((context) -> {
			await().until(() -> second.ids.contains("3"));
			this.server.takeRequest();
			assertThat(this.server.takeRequest().header("Last-Event-ID")).isEqualTo("2");
		});
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}


}
