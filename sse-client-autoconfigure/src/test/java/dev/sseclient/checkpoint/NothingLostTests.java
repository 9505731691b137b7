package dev.sseclient.checkpoint;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
 * A server with numbered events that honours {@code Last-Event-ID} and breaks the connection at
 * random points, mid-event included: every event must reach the listener, in order.
 */
class NothingLostTests {

	static final int EVENTS = 200;

	private final Random random = new Random(42);

	private final SseTestServer server = SseTestServer.start();

	/** How many events the server has to offer so far. */
	private volatile int available = EVENTS;

	@TempDir
	Path checkpoints;

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	static class Collector {

		final List<Integer> ids = new CopyOnWriteArrayList<>();

		@SseListener(stream = "numbers")
		void on(SseEvent event) {
			this.ids.add(Integer.parseInt(event.id()));
		}

	}

	private ApplicationContextRunner contextRunner() {
		this.server.dispatcher((request) -> {
			String last = request.header("Last-Event-ID");
			int next = (last == null) ? 1 : Integer.parseInt(last) + 1;
			SseScript script = SseScript.stream();
			int count = 1 + this.random.nextInt(15);
			for (int id = next; id < next + count && id <= this.available; id++) {
				script.event(String.valueOf(id), null, "event " + id);
			}
			if (next + count > this.available) {
				return script.hold();
			}
			String partial = "id: " + (next + count) + "\ndata: cut off here";
			return script.send(partial.substring(0, 1 + this.random.nextInt(partial.length() - 1)))
				.reset();
		});
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
			.withPropertyValues("sse.client.streams.numbers.url=" + this.server.url("/numbers"),
					"sse.client.defaults.reconnect.initial-delay=0ms", "sse.client.defaults.reconnect.max-delay=20ms",
					"sse.client.checkpoint.store=file", "sse.client.checkpoint.directory=" + this.checkpoints,
					"sse.client.checkpoint.batch-size=10");
	}

	@Test
	void everyEventArrivesInOrderThroughRandomDrops() {
		Collector collector = new Collector();
		contextRunner().withBean(Collector.class, () -> collector).run((context) -> {
			await().until(() -> collector.ids.size() >= EVENTS);
			assertThat(collector.ids).as("no event lost, none repeated, in order")
				.containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, EVENTS).boxed().toList());
			assertThat(this.server.requestCount()).isGreaterThan(10);
		});
	}

	@Test
	void everyEventArrivesAcrossAnApplicationRestartWithTheFileStore() {
		this.available = EVENTS / 2;
		Collector first = new Collector();
		contextRunner().withBean(Collector.class, () -> first)
			.run((context) -> await().until(() -> first.ids.size() == EVENTS / 2));
		int processedBeforeRestart = first.ids.size();
		assertThat(processedBeforeRestart).isEqualTo(EVENTS / 2);
		this.available = EVENTS;
		assertThat(new FileCheckpointStore(this.checkpoints).load("numbers"))
			.contains(String.valueOf(first.ids.get(processedBeforeRestart - 1)));

		Collector second = new Collector();
		contextRunner().withBean(Collector.class, () -> second).run((context) -> {
			await().until(() -> !second.ids.isEmpty() && second.ids.get(second.ids.size() - 1) == EVENTS);
			assertThat(second.ids.get(0)).as("resumes right after the checkpoint").isEqualTo(processedBeforeRestart + 1);
			List<Integer> all = new java.util.ArrayList<>(first.ids);
			all.addAll(second.ids);
			assertThat(all).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, EVENTS).boxed().toList());
		});
	}

}
