package dev.sseclient.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.autoconfigure.SseMetricsAutoConfiguration;
import dev.sseclient.container.InvalidSseConfigurationException;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.core.SseEvent;
import dev.sseclient.listener.SseListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Forwarding declared and template streams into a real broker, through a real application
 * context: records, keys, headers, checkpoints, resuming, and startup checks.
 */
@ExtendWith(OutputCaptureExtension.class)
class KafkaForwardingTests {

	private final String topic = TestBroker.uniqueTopic("changes");

	private final String checkpoints = TestBroker.uniqueTopic("checkpoints");

	private NumberedFeed feed;

	@AfterEach
	void closeFeed() {
		if (this.feed != null) {
			this.feed.close();
		}
	}

	private ApplicationContextRunner runner(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class, SseMetricsAutoConfiguration.class,
					KafkaAutoConfiguration.class, KafkaForwardingAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withUserConfiguration(Listeners.class)
			.withPropertyValues("spring.kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
					"sse.client.kafka.checkpoint-topic=" + this.checkpoints,
					"sse.client.kafka.transaction-id-prefix=" + this.checkpoints + "-")
			.withPropertyValues(properties);
	}

	@Test
	void exactlyOnceForwardsEachEventWithItsKeyAndHeadersAndCommitsTheCheckpointWithThem() {
		TestBroker.createTopic(this.topic, 3);
		this.feed = new NumberedFeed(300, 50, Duration.ofMillis(20));
		runner("sse.client.streams.changes.url=" + this.feed.url(),
				"sse.client.streams.changes.forward.kafka.topic=" + this.topic,
				"sse.client.streams.changes.forward.kafka.key=/domain",
				"sse.client.streams.changes.forward.kafka.exactly-once=true").run((context) -> {
					assertThat(context).hasNotFailed();
					List<ConsumerRecord<byte[], byte[]>> records = TestBroker.readCommitted(this.topic, 300,
							Duration.ofSeconds(60));
					assertThat(records).hasSize(300);
					Map<String, List<Integer>> perKey = new LinkedHashMap<>();
					for (ConsumerRecord<byte[], byte[]> record : records) {
						int n = Integer.parseInt(TestBroker.header(record, "sse-id"));
						assertThat(TestBroker.value(record)).isEqualTo(NumberedFeed.data(n));
						assertThat(TestBroker.key(record)).isEqualTo("d" + (n % 3));
						assertThat(TestBroker.header(record, "sse-event")).isEqualTo("change");
						assertThat(TestBroker.header(record, "sse-stream")).isEqualTo("changes");
						assertThat(TestBroker.header(record, "sse-received-at")).isNotBlank();
						perKey.computeIfAbsent(TestBroker.key(record), (key) -> new ArrayList<>()).add(n);
					}
					// in order per key, each once
					perKey.forEach((key, numbers) -> assertThat(numbers).isSorted().doesNotHaveDuplicates());
					// the listener beside the forwarder got every event too
					await().atMost(Duration.ofSeconds(30))
						.untilAsserted(() -> assertThat(context.getBean(Listeners.class).ids).hasSize(300));
					await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
							TestBroker.value(last(TestBroker.readCommitted(this.checkpoints, 1, Duration.ofSeconds(10)))))
						.isEqualTo("300"));
					MeterRegistry meters = context.getBean(MeterRegistry.class);
					assertThat(meters.get("sse.client.kafka.records").tags("stream", "changes", "topic", this.topic)
						.counter().count()).isEqualTo(300);
					assertThat(meters.get("sse.client.kafka.batch.duration").tag("stream", "changes").timer().count())
						.isPositive();
				});
	}

	@Test
	void aRestartedApplicationResumesFromTheCheckpointKafkaCommitted() {
		TestBroker.createTopic(this.topic, 1);
		this.feed = new NumberedFeed(100, 100, Duration.ZERO);
		String[] properties = { "sse.client.streams.changes.url=" + this.feed.url(),
				"sse.client.streams.changes.forward.kafka.topic=" + this.topic,
				"sse.client.streams.changes.forward.kafka.exactly-once=true" };
		runner(properties).run((context) -> assertThat(TestBroker.readCommitted(this.topic, 100, Duration.ofSeconds(60)))
			.hasSize(100));
		// the application's own checkpoint store is in memory: the position can only come from Kafka
		runner(properties).run((context) -> {
			await().atMost(Duration.ofSeconds(30)).until(() -> this.feed.lastEventIds.size() == 2);
			assertThat(this.feed.lastEventIds).containsExactly("", "100");
		});
		assertThat(TestBroker.readCommitted(this.topic, 100, Duration.ofSeconds(10))).hasSize(100);
	}

	@Test
	void atLeastOnceSendsThroughTheSharedProducerAndCheckpointsOnceAcknowledged() {
		TestBroker.createTopic(this.topic, 1);
		this.feed = new NumberedFeed(120, 40, Duration.ofMillis(10));
		runner("sse.client.streams.changes.url=" + this.feed.url(),
				"sse.client.streams.changes.forward.kafka.topic=" + this.topic,
				"sse.client.streams.changes.forward.kafka.key=id").run((context) -> {
					List<ConsumerRecord<byte[], byte[]>> records = TestBroker.readCommitted(this.topic, 120,
							Duration.ofSeconds(60));
					assertThat(records).extracting(TestBroker::key)
						.containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 120).mapToObj(String::valueOf).toList());
					await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
							TestBroker.value(last(TestBroker.readCommitted(this.checkpoints, 1, Duration.ofSeconds(10)))))
						.isEqualTo("120"));
				});
	}

	@Test
	void streamsOfATemplateForwardEachUnderItsOwnName() {
		TestBroker.createTopic(this.topic, 2);
		this.feed = new NumberedFeed(20, 20, Duration.ZERO);
		runner("sse.client.templates.device.url=" + this.feed.server.url("/devices/{device}"),
				"sse.client.templates.device.forward.kafka.topic=" + this.topic,
				"sse.client.templates.device.forward.kafka.exactly-once=true").run((context) -> {
					SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
					registry.register("device-1", "device", Map.of("device", "1"));
					registry.register("device-2", "device", Map.of("device", "2"));
					List<ConsumerRecord<byte[], byte[]>> records = TestBroker.readCommitted(this.topic, 40,
							Duration.ofSeconds(60));
					assertThat(records).hasSize(40);
					assertThat(records).extracting(TestBroker::key).containsOnly("device-1", "device-2");
					assertThat(records).filteredOn((record) -> TestBroker.key(record).equals("device-2")).hasSize(20);
					registry.remove("device-1");
					assertThat(context.getBean(KafkaForwarders.class).forwarderOf("device-1")).isNull();
				});
	}

	@Test
	void aTopicThatDoesNotExistFailsStartupNamingTheProperty() {
		this.feed = new NumberedFeed(1, 1, Duration.ZERO);
		runner("sse.client.streams.changes.url=" + this.feed.url(),
				"sse.client.streams.changes.forward.kafka.topic=" + this.topic).run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context.getStartupFailure()).rootCause()
						.isInstanceOf(InvalidSseConfigurationException.class)
						.hasMessageContaining("sse.client.streams.changes.forward.kafka.topic")
						.hasMessageContaining(this.topic)
						.hasMessageContaining("does not exist");
				});
		assertThat(TestBroker.topicExists(this.topic)).isFalse();
		runner("sse.client.streams.changes.url=" + this.feed.url(),
				"sse.client.streams.changes.forward.kafka.topic=" + this.topic, "sse.client.kafka.create-topics=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(TestBroker.readCommitted(this.topic, 1, Duration.ofSeconds(30))).hasSize(1);
			});
	}

	@Test
	void aMistypedOrUnusableSettingFailsStartupNamingIt() {
		this.feed = new NumberedFeed(1, 1, Duration.ZERO);
		runner("sse.client.streams.changes.url=" + this.feed.url(),
				"sse.client.streams.changes.forward.kafka.topic=" + this.topic,
				"sse.client.streams.changes.forward.kafka.exactly-one=true").run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context.getStartupFailure()).rootCause()
						.isInstanceOf(InvalidSseConfigurationException.class)
						.hasMessageContaining("sse.client.streams.changes.forward.kafka.exactly-one")
						.hasMessageContaining("is not a setting of forwarding to Kafka");
				});
		runner("sse.client.streams.changes.url=" + this.feed.url(),
				"sse.client.streams.changes.forward.kafka.topic=" + this.topic,
				"sse.client.streams.changes.forward.kafka.key=domain").run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context.getStartupFailure()).rootCause()
						.isInstanceOf(InvalidSseConfigurationException.class)
						.hasMessageContaining("sse.client.streams.changes.forward.kafka.key")
						.hasMessageContaining("JSON pointer");
				});
	}

	@Test
	void anEventTooLargeForTheProducerIsCountedAndItsHeadersGoToTheDeadLetterTopic() {
		TestBroker.createTopic(this.topic, 1);
		String deadLetters = TestBroker.uniqueTopic("dead");
		TestBroker.createTopic(deadLetters, 1);
		this.feed = new NumberedFeed(0, 1, Duration.ZERO);
		this.feed.server.dispatcher((request) -> dev.sseclient.test.SseScript.stream()
			.event("1", "change", "small")
			.event("2", "change", "x".repeat(4_000))
			.event("3", "change", "small again")
			.hold());
		runner("sse.client.streams.changes.url=" + this.feed.url(),
				"sse.client.streams.changes.forward.kafka.topic=" + this.topic,
				"sse.client.streams.changes.forward.kafka.exactly-once=true",
				"spring.kafka.producer.properties.max.request.size=2000", "sse.client.kafka.dead-letter-topic=" + deadLetters)
			.run((context) -> {
				assertThat(TestBroker.readCommitted(this.topic, 2, Duration.ofSeconds(60))).extracting(TestBroker::value)
					.containsExactly("small", "small again");
				List<ConsumerRecord<byte[], byte[]>> dead = TestBroker.readCommitted(deadLetters, 1, Duration.ofSeconds(30));
				assertThat(dead).hasSize(1);
				assertThat(dead.get(0).value()).isNull();
				assertThat(TestBroker.header(dead.get(0), "sse-id")).isEqualTo("2");
				assertThat(TestBroker.header(dead.get(0), "sse-size")).isEqualTo("4000");
				assertThat(context.getBean(MeterRegistry.class).get("sse.client.kafka.records.too.large").counter().count())
					.isEqualTo(1);
			});
	}

	@Test
	void aCheckpointTopicThatIsNotCompactedGetsOneWarning(CapturedOutput output) {
		TestBroker.createTopic(this.topic, 1);
		TestBroker.createTopic(this.checkpoints, 1);
		this.feed = new NumberedFeed(5, 5, Duration.ZERO);
		runner("sse.client.streams.changes.url=" + this.feed.url(),
				"sse.client.streams.changes.forward.kafka.topic=" + this.topic,
				"sse.client.streams.changes.forward.kafka.exactly-once=true").run((context) -> {
					assertThat(TestBroker.readCommitted(this.topic, 5, Duration.ofSeconds(30))).hasSize(5);
					assertThat(output.getOut().split("The checkpoint topic '" + this.checkpoints + "' is not compacted", -1))
						.hasSize(2);
				});
	}

	private static ConsumerRecord<byte[], byte[]> last(List<ConsumerRecord<byte[], byte[]>> records) {
		assertThat(records).isNotEmpty();
		return records.get(records.size() - 1);
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final List<String> ids = new CopyOnWriteArrayList<>();

		@SseListener(stream = "*")
		void onEvent(SseEvent event) {
			this.ids.add(event.id());
		}

	}

}
