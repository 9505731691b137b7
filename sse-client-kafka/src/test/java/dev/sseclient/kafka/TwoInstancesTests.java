package dev.sseclient.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances forwarding the same exactly-once stream: in cluster mode, handing it over; and
 * without, both running it at once, where Kafka's fencing of the stream's transactional id
 * alone keeps each event once in the topic.
 */
class TwoInstancesTests {

	private static final int EVENTS = 4_000;

	private final String topic = TestBroker.uniqueTopic("two");

	private final NumberedFeed feed = new NumberedFeed(EVENTS, 50, Duration.ofMillis(50));

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	@AfterEach
	void stop() {
		this.instances.forEach(ConfigurableApplicationContext::close);
		this.feed.close();
	}

	@Test
	void inClusterModeTheStreamIsHandedOverAndEachEventIsInTheTopicOnce() {
		TestBroker.createTopic(this.topic, 1);
		String database = "jdbc:h2:mem:" + this.topic + ";DB_CLOSE_DELAY=-1";
		ConfigurableApplicationContext a = start("sse.client.cluster.enabled=true", "sse.client.cluster.instance-id=a",
				"sse.client.cluster.lock-ttl=2s", "sse.client.checkpoint.store=jdbc", "spring.datasource.url=" + database);
		await().atMost(Duration.ofSeconds(60)).until(() -> forwarded(a) >= 500);
		ConfigurableApplicationContext b = start("sse.client.cluster.enabled=true", "sse.client.cluster.instance-id=b",
				"sse.client.cluster.lock-ttl=2s", "sse.client.checkpoint.store=jdbc", "spring.datasource.url=" + database);
		assertThat(running(b)).as("b stands by while a runs the stream").isFalse();
		await().atMost(Duration.ofSeconds(60)).until(() -> forwarded(a) >= 1_500);
		a.close();
		await().atMost(Duration.ofSeconds(60)).until(() -> running(b));
		assertEachEventOnceInOrder();
		assertThat(forwarded(b)).as("b forwarded the rest").isPositive();
	}

	@Test
	void withoutClusterModeBothRunTheStreamAndKafkaFencesTheFormerProducer() {
		TestBroker.createTopic(this.topic, 1);
		ConfigurableApplicationContext a = start();
		await().atMost(Duration.ofSeconds(60)).until(() -> forwarded(a) >= 500);
		// the second instance's producer takes the stream's transactional id: the first one's next commit is refused,
		// and it stops; should the refusal come as a retryable error and the first one take the id back before the
		// second committed, the second stops instead, or, if it took the id back in turn, goes on from the first one's
		// checkpoint; either way one of them forwards, each event once
		ConfigurableApplicationContext b = start();
		await().atMost(Duration.ofSeconds(60)).until(() -> running(a) != running(b));
		await().atMost(Duration.ofSeconds(180))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> committedEvents() >= EVENTS);
		assertEachEventOnceInOrder();
	}

	private int committedEvents() {
		return TestBroker.readCommitted(this.topic, EVENTS, Duration.ofMillis(500)).size();
	}

	private void assertEachEventOnceInOrder() {
		assertThat(TestBroker.readCommitted(this.topic, EVENTS, Duration.ofSeconds(120)))
			.extracting((record) -> Integer.parseInt(TestBroker.header(record, "sse-id")))
			.containsExactlyElementsOf(IntStream.rangeClosed(1, EVENTS).boxed().toList());
	}

	private ConfigurableApplicationContext start(String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
				"sse.client.streams.changes.url=" + this.feed.url(),
				"sse.client.streams.changes.forward.kafka.topic=" + this.topic,
				"sse.client.streams.changes.forward.kafka.exactly-once=true",
				"sse.client.kafka.checkpoint-topic=" + this.topic + "-checkpoints",
				"sse.client.kafka.transaction-id-prefix=" + this.topic + "-", "spring.main.web-application-type=none",
				"spring.main.banner-mode=off", "spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID()));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ForwardingApp.class)
			.properties(all.toArray(String[]::new))
			.run();
		this.instances.add(context);
		return context;
	}

	private static long forwarded(ConfigurableApplicationContext context) {
		StreamForwarder forwarder = context.getBean(KafkaForwarders.class).forwarderOf("changes");
		return (forwarder != null) ? forwarder.forwarded() : 0;
	}

	private static boolean running(ConfigurableApplicationContext context) {
		SseStreamContainer container = context.getBean(SseStreamRegistry.class).getContainer("changes");
		return container != null && container.isRunning();
	}

}
