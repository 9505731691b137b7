package dev.sseclient.kafka;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker stopped for ten seconds while a stream of 5,000 events of 4 KB (1,000 a second)
 * is forwarded: reading pauses (the feed's
 * writes stop), health goes DOWN, and once the broker is back every event is in the topic once,
 * in order.
 */
class BrokerOutageTests {

	/** 20 MB in all, twice what the kernel's socket buffers of both ends can hold. */
	private static final int EVENTS = 5_000;

	private final KafkaClusterTestKit kafka = TestBroker.start();

	private final NumberedFeed feed = new NumberedFeed(EVENTS, 50, Duration.ofMillis(50), 4_000);

	@AfterEach
	void stop() throws Exception {
		this.feed.close();
		this.kafka.close();
	}

	@Test
	void readingPausesWhileTheBrokerIsDownAndNothingIsLost() throws Exception {
		String topic = TestBroker.uniqueTopic("outage");
		TestBroker.createTopic(this.kafka.bootstrapServers(), topic, 1);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class, KafkaAutoConfiguration.class,
					KafkaForwardingAutoConfiguration.class))
			.withPropertyValues("spring.kafka.bootstrap-servers=" + this.kafka.bootstrapServers(),
					// failures surface in seconds rather than Kafka's minutes
					"spring.kafka.producer.properties.max.block.ms=2000",
					"spring.kafka.producer.properties.request.timeout.ms=1500",
					"spring.kafka.producer.properties.delivery.timeout.ms=3000",
					"sse.client.streams.changes.url=" + this.feed.url(), "sse.client.streams.changes.buffer-size=16",
					"sse.client.streams.changes.forward.kafka.topic=" + topic,
					"sse.client.streams.changes.forward.kafka.exactly-once=true")
			.run((context) -> {
				HealthIndicator health = context.getBean("sseKafkaHealthIndicator", HealthIndicator.class);
				KafkaForwarders forwarders = context.getBean(KafkaForwarders.class);
				await().atMost(Duration.ofSeconds(60)).until(() -> forwarders.forwarderOf("changes").forwarded() >= 500);
				this.kafka.brokers().get(0).shutdown();
				long downAt = System.nanoTime();
				await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().equals(Status.DOWN));
				assertThat(health.health().getDetails()).containsKey("troubled");
				Thread.sleep(Math.max(0, 5_000 - (System.nanoTime() - downAt) / 1_000_000));
				long sentAfterFive = this.feed.server.bytesSent();
				Thread.sleep(Math.max(0, 10_000 - (System.nanoTime() - downAt) / 1_000_000));
				long sentDuringLastFive = this.feed.server.bytesSent() - sentAfterFive;
				assertThat(sentDuringLastFive).as("the feed's writes are held back, not buffered by the client")
					.isLessThan(1_000_000);
				assertThat(this.feed.server.bytesSent()).as("the feed is not done").isLessThan(18_000_000);
				this.kafka.brokers().get(0).startup();
				await().atMost(Duration.ofSeconds(90)).until(() -> health.health().getStatus().equals(Status.UP));
				List<ConsumerRecord<byte[], byte[]>> records = TestBroker.readCommitted(this.kafka.bootstrapServers(),
						topic, EVENTS, Duration.ofSeconds(120));
				assertThat(records).extracting((record) -> Integer.parseInt(TestBroker.header(record, "sse-id")))
					.containsExactlyElementsOf(IntStream.rangeClosed(1, EVENTS).boxed().toList());
			});
	}

}
