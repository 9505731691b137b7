package dev.sseclient.listener;

import java.sql.Clob;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dead-letter step: an event whose listener still fails after the retries lands in a table
 * of the application's database, and the stream goes on.
 */
class DeadLetterTests {

	private final SseTestServer server = SseTestServer.start();

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	static class Listener {

		final List<String> handled = new CopyOnWriteArrayList<>();

		@SseListener(stream = "orders")
		void on(String data) {
			if (data.equals("poison")) {
				throw new IllegalStateException("cannot handle " + data);
			}
			this.handled.add(data);
		}

	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.sseclient.postgres.TestDatabases#postgresAndH2")
	void anEventFailingAfterItsRetriesIsKeptInTheTableAndTheStreamGoesOn(Supplier<DataSource> database) {
		this.server.enqueue(SseScript.stream().event("1", null, "a").event("2", "order", "poison").event("3", null, "b").hold());
		DataSource dataSource = database.get();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
			.withPropertyValues("sse.client.streams.orders.url=" + this.server.url("/orders"))
			.withBean(Listener.class)
			.withBean(SseListenerErrorHandler.class, () -> new RetryingErrorHandler(2, Duration.ofMillis(10),
					Duration.ofMillis(20), new JdbcDeadLetterRecoverer(dataSource, "sse_dead_letters")))
			.run((context) -> {
				Listener listener = context.getBean(Listener.class);
				await().until(() -> listener.handled.size() == 2);
				assertThat(listener.handled).containsExactly("a", "b");
				List<Map<String, Object>> rows = new JdbcTemplate(dataSource)
					.queryForList("SELECT stream, event_id, event_type, data, listener, attempts, cause, stack_trace "
							+ "FROM sse_dead_letters");
				assertThat(rows).hasSize(1);
				Map<String, Object> row = lowerCaseKeys(rows.get(0));
				assertThat(row).containsEntry("stream", "orders")
					.containsEntry("event_id", "2")
					.containsEntry("event_type", "order")
					.containsEntry("listener", "Listener.on")
					.containsEntry("attempts", 3)
					.containsEntry("cause", "java.lang.IllegalStateException: cannot handle poison");
				assertThat(String.valueOf(row.get("data"))).isEqualTo("poison");
				assertThat(String.valueOf(row.get("stack_trace"))).contains("DeadLetterTests$Listener.on");
			});
	}

	static class BatchListener {

		final List<String> handled = new CopyOnWriteArrayList<>();

		@SseListener(stream = "orders", batch = true)
		void on(List<String> data) {
			if (data.contains("poison")) {
				throw new IllegalStateException("cannot handle " + data);
			}
			this.handled.addAll(data);
		}

	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.sseclient.postgres.TestDatabases#postgresAndH2")
	void aBatchFailingAfterItsRetriesIsKeptEventByEvent(Supplier<DataSource> database) {
		CountDownLatch firstHandled = new CountDownLatch(1);
		this.server.enqueue(BatchListenerTests.twoWrites(
				SseScript.format("1", null, "a") + SseScript.format("2", null, "poison"), firstHandled,
				SseScript.format("3", null, "b")));
		DataSource dataSource = database.get();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
			.withPropertyValues("sse.client.streams.orders.url=" + this.server.url("/orders"))
			.withBean(BatchListener.class)
			.withBean(SseListenerErrorHandler.class, () -> {
				JdbcDeadLetterRecoverer table = new JdbcDeadLetterRecoverer(dataSource, "sse_batch_dead_letters");
				return new RetryingErrorHandler(1, Duration.ofMillis(10), Duration.ofMillis(20),
						(failure) -> {
							table.recover(failure);
							firstHandled.countDown();
						});
			})
			.run((context) -> {
				BatchListener listener = context.getBean(BatchListener.class);
				await().until(() -> listener.handled.contains("b"));
				List<Map<String, Object>> rows = new JdbcTemplate(dataSource)
					.queryForList("SELECT event_id, data, attempts FROM sse_batch_dead_letters ORDER BY event_id");
				assertThat(rows).map(DeadLetterTests::lowerCaseKeys)
					.map((row) -> row.get("event_id") + "=" + row.get("data") + "@" + row.get("attempts"))
					.containsExactly("1=a@2", "2=poison@2");
				assertThat(listener.handled).containsExactly("b");
			});
	}

	private static Map<String, Object> lowerCaseKeys(Map<String, Object> row) {
		Map<String, Object> lower = new HashMap<>();
		row.forEach((key, value) -> lower.put(key.toLowerCase(Locale.ROOT),
				(value instanceof Clob clob) ? clobText(clob) : value));
		return lower;
	}

	private static String clobText(Clob clob) {
		try {
			return clob.getSubString(1, (int) clob.length());
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}


}
