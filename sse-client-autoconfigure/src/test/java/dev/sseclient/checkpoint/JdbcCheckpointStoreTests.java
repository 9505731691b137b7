package dev.sseclient.checkpoint;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
 * The JDBC store against H2. (PostgreSQL is still to be tested with a server the build starts.)
 */
class JdbcCheckpointStoreTests {

	private final SseTestServer server = SseTestServer.start();

	private final DataSource dataSource = h2("checkpoints" + System.nanoTime());

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void idsAreSavedUpdatedAndSharedThroughTheTable() {
		JdbcCheckpointStore first = new JdbcCheckpointStore(this.dataSource, "sse_checkpoint");
		first.save(Map.of("prices", "1", "chat", "c1"));
		first.save(Map.of("prices", "2"));
		JdbcCheckpointStore second = new JdbcCheckpointStore(this.dataSource, "sse_checkpoint");
		assertThat(second.load("prices")).contains("2");
		assertThat(second.load("chat")).contains("c1");
		assertThat(second.load("unknown")).isEmpty();
	}

	static class Collector {

		final List<String> ids = new CopyOnWriteArrayList<>();

		@SseListener(stream = "prices")
		void on(SseEvent event) {
			this.ids.add(event.id());
		}

	}

	@Test
	void aRestartedApplicationResumesFromTheTable() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").event("2", null, "b").hold());
		this.server.enqueue(SseScript.stream().event("3", null, "c").hold());
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
			.withBean(DataSource.class, () -> this.dataSource)
			.withPropertyValues("sse.client.streams.prices.url=" + this.server.url("/prices"),
					"sse.client.checkpoint.store=jdbc", "sse.client.checkpoint.table=feed_checkpoints");
		Collector first = new Collector();
		runner.withBean(Collector.class, () -> first).run((context) -> await().until(() -> first.ids.size() == 2));
		assertThat(new JdbcCheckpointStore(this.dataSource, "feed_checkpoints").load("prices")).contains("2");
		Collector second = new Collector();
		runner.withBean(Collector.class, () -> second).run((context) -> {
			await().until(() -> second.ids.contains("3"));
			this.server.takeRequest();
			assertThat(this.server.takeRequest().header("Last-Event-ID")).isEqualTo("2");
		});
	}

	private static DataSource h2(String name) {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
		return dataSource;
	}

}
