package dev.sseclient.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Exit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * One real Kafka broker (KRaft, in this JVM) for the module's tests, started at first use and
 * stopped when the JVM ends; each test works on topics of its own.
 */
final class TestBroker {

	private static KafkaClusterTestKit broker;

	static {
		// The brokers run in the test JVM, and a broker halts its process on a fault of its log
		// directory. At the JVM's end Kafka's own shutdown hook deletes the test kit's directories
		// while ours closes the brokers: a halt then ends the JVM with status 1 after every test
		// passed, which fails the build. The test JVM ends on its own.
		Exit.Procedure ignored = (status, message) -> System.err
			.println("Test broker asked to end the JVM (status " + status + ": " + message + "); ignored");
		Exit.setHaltProcedure(ignored);
		Exit.setExitProcedure(ignored);
	}

	private TestBroker() {
	}

	static synchronized String bootstrapServers() {
		if (broker == null) {
			broker = start();
		}
		return broker.bootstrapServers();
	}

	/**
	 * A broker of its own, for a test that stops it: its port stays across a restart
	 * ({@code cluster.brokers().get(0).shutdown()}, then {@code startup()}).
	 */
	static KafkaClusterTestKit start() {
		try {
			KafkaClusterTestKit started = new KafkaClusterTestKit.Builder(
					new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
				.setConfigProp("offsets.topic.replication.factor", "1")
				.setConfigProp("transaction.state.log.replication.factor", "1")
				.setConfigProp("transaction.state.log.min.isr", "1")
				.setConfigProp("group.initial.rebalance.delay.ms", "0")
				.build();
			started.format();
			started.startup();
			started.waitForReadyBrokers();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					started.close();
				}
				catch (Exception ex) {
					// the JVM ends anyway
				}
			}));
			return started;
		}
		catch (Exception ex) {
			throw new IllegalStateException("The test broker did not start", ex);
		}
	}

	/** A topic name no other test uses. */
	static String uniqueTopic(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	static void createTopic(String name, int partitions) {
		createTopic(bootstrapServers(), name, partitions);
	}

	static void createTopic(String bootstrapServers, String name, int partitions) {
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
			admin.createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.empty()))).all().get();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static boolean topicExists(String name) {
		try (Admin admin = admin()) {
			return admin.listTopics().names().get().contains(name);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Admin admin() {
		return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
	}

	/** Every committed record of a topic, in offset order per partition, read until none came for a while. */
	static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int atLeast, Duration within) {
		return readCommitted(bootstrapServers(), topic, atLeast, within);
	}

	static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrapServers, String topic, int atLeast,
			Duration within) {
		Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
				ByteArrayDeserializer.class, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			long deadline = System.nanoTime() + within.toNanos();
			long quietSince = System.nanoTime();
			while (System.nanoTime() < deadline) {
				int before = records.size();
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
				if (records.size() != before) {
					quietSince = System.nanoTime();
				}
				else if (records.size() >= atLeast && System.nanoTime() - quietSince > Duration.ofSeconds(1).toNanos()) {
					break;
				}
			}
		}
		return records;
	}

	static String value(ConsumerRecord<byte[], byte[]> record) {
		return (record.value() != null) ? new String(record.value(), StandardCharsets.UTF_8) : null;
	}

	static String key(ConsumerRecord<byte[], byte[]> record) {
		return (record.key() != null) ? new String(record.key(), StandardCharsets.UTF_8) : null;
	}

	static String header(ConsumerRecord<byte[], byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}
