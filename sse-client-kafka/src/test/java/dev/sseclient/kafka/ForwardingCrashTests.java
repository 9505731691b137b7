package dev.sseclient.kafka;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The forwarding application killed with SIGKILL five times while it forwards 20,000 numbered
 * events (2,000 a second), from a feed that honours {@code Last-Event-ID}, then left to finish: with
 * exactly-once a {@code read_committed} consumer reads each event once, in order; without, no
 * event is lost and each crash repeats at most one batch.
 */
class ForwardingCrashTests {

	private static final int EVENTS = 20_000;

	private static final int CRASHES = 5;

	private static final int MAX_BATCH = 200;

	private final String topic = TestBroker.uniqueTopic("crash");

	private final String checkpoints = TestBroker.uniqueTopic("crash-checkpoints");

	private final NumberedFeed feed = new NumberedFeed(EVENTS, 100, Duration.ofMillis(50));

	private final List<Process> processes = new ArrayList<>();

	@AfterEach
	void stop() {
		this.processes.forEach(Process::destroyForcibly);
		this.feed.close();
	}

	@Test
	void exactlyOnceEachEventOnceInOrderAcrossKills() throws Exception {
		List<Integer> numbers = forwardWithKills(true);
		assertThat(numbers).as("each of %d events once, in order", EVENTS)
			.containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, EVENTS).boxed().toList());
	}

	@Test
	void atLeastOnceNothingLostAndAtMostABatchRepeatedPerKill() throws Exception {
		List<Integer> numbers = forwardWithKills(false);
		assertThat(numbers).as("every event").containsAll(java.util.stream.IntStream.rangeClosed(1, EVENTS).boxed().toList());
		assertThat(numbers.size() - EVENTS).as("repeated events").isLessThanOrEqualTo(CRASHES * MAX_BATCH);
		List<Integer> firstSeen = numbers.stream().distinct().toList();
		assertThat(firstSeen).as("in order, repeats aside").isSorted();
	}

	/** Runs the application, kills it mid-stream {@link #CRASHES} times, lets the last run finish; the numbers in the topic. */
	private List<Integer> forwardWithKills(boolean exactlyOnce) throws Exception {
		TestBroker.createTopic(this.topic, 1);
		for (int crash = 0; crash < CRASHES; crash++) {
			int requestsBefore = this.feed.server.requestCount();
			Process app = start(exactlyOnce);
			await().atMost(Duration.ofSeconds(60)).until(() -> this.feed.server.requestCount() > requestsBefore);
			Thread.sleep(ThreadLocalRandom.current().nextLong(300, 1_500));
			app.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
			assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
		}
		int requestsBefore = this.feed.server.requestCount();
		start(exactlyOnce);
		await().atMost(Duration.ofSeconds(60)).until(() -> this.feed.server.requestCount() > requestsBefore);
		List<ConsumerRecord<byte[], byte[]>> records = TestBroker.readCommitted(this.topic, EVENTS, Duration.ofSeconds(180));
		List<Integer> numbers = records.stream().map((record) -> Integer.parseInt(TestBroker.header(record, "sse-id"))).toList();
		assertThat(this.feed.lastEventIds).as("a connection per run").hasSize(CRASHES + 1);
		System.out.printf("RESULT exactlyOnce=%s records=%d distinct=%d resumedFrom=%s%n", exactlyOnce, numbers.size(),
				numbers.stream().distinct().count(), this.feed.lastEventIds);
		return numbers;
	}

	private Process start(boolean exactlyOnce) throws Exception {
		Path log = Path.of("target", "forwarding-app-" + this.topic + ".log");
		Process app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
				"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), ForwardingApp.class.getName(),
				"--spring.kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
				"--sse.client.streams.changes.url=" + this.feed.url(),
				"--sse.client.streams.changes.forward.kafka.topic=" + this.topic,
				"--sse.client.streams.changes.forward.kafka.exactly-once=" + exactlyOnce,
				"--sse.client.kafka.checkpoint-topic=" + this.checkpoints,
				"--sse.client.kafka.transaction-id-prefix=" + this.topic + "-",
				"--sse.client.kafka.max-batch-size=" + MAX_BATCH, "--logging.level.org.apache.kafka=ERROR")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(log.toString())))
			.start();
		this.processes.add(app);
		return app;
	}

}
