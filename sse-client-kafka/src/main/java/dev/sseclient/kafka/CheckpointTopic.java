package dev.sseclient.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * The compacted topic of forwarded streams' positions: one record per batch, keyed by the
 * stream's name, its value the {@code Last-Event-ID} the stream resumes from, and a header that
 * names the batch, so that a batch whose commit went unanswered can be told committed or not.
 * Read with {@code read_committed}: a checkpoint counts once its transaction committed.
 */
final class CheckpointTopic {

	static final String BATCH_HEADER = "sse-batch";

	private final String name;

	private final Map<String, Object> consumerConfig;

	private final Duration timeout;

	CheckpointTopic(String name, Map<String, Object> consumerConfig, Duration timeout) {
		this.name = name;
		Map<String, Object> config = new HashMap<>(consumerConfig);
		config.remove(ConsumerConfig.GROUP_ID_CONFIG);
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
		this.consumerConfig = config;
		this.timeout = timeout;
	}

	String name() {
		return this.name;
	}

	/** The record that moves a stream's checkpoint to {@code lastEventId}, for the batch {@code batch}. */
	ProducerRecord<byte[], byte[]> record(String stream, String lastEventId, String batch) {
		ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(this.name, stream.getBytes(StandardCharsets.UTF_8),
				lastEventId.getBytes(StandardCharsets.UTF_8));
		record.headers().add(BATCH_HEADER, batch.getBytes(StandardCharsets.UTF_8));
		return record;
	}

	/**
	 * The committed checkpoints of these streams, read from the start of every partition to its
	 * last stable offset; streams without one are left out.
	 * @throws org.apache.kafka.common.errors.TimeoutException when Kafka does not answer in time
	 */
	Map<String, Checkpoint> read(Collection<String> streams) {
		Set<String> wanted = new HashSet<>(streams);
		Map<String, Checkpoint> found = new HashMap<>();
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(this.consumerConfig)) {
			List<TopicPartition> partitions = consumer.partitionsFor(this.name, this.timeout)
				.stream()
				.map((partition) -> new TopicPartition(partition.topic(), partition.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, this.timeout);
			long deadline = System.nanoTime() + this.timeout.toNanos();
			while (!readToEnd(consumer, ends)) {
				if (System.nanoTime() > deadline) {
					throw new org.apache.kafka.common.errors.TimeoutException(
							"Reading checkpoints from " + this.name + " took longer than " + this.timeout);
				}
				for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
					String stream = (record.key() != null) ? new String(record.key(), StandardCharsets.UTF_8) : "";
					if (wanted.contains(stream) && record.value() != null) {
						found.put(stream, new Checkpoint(new String(record.value(), StandardCharsets.UTF_8),
								batchOf(record)));
					}
				}
			}
		}
		return found;
	}

	private static boolean readToEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
		for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
			if (consumer.position(end.getKey()) < end.getValue()) {
				return false;
			}
		}
		return true;
	}

	private static @Nullable String batchOf(ConsumerRecord<byte[], byte[]> record) {
		Header batch = record.headers().lastHeader(BATCH_HEADER);
		return (batch != null) ? new String(batch.value(), StandardCharsets.UTF_8) : null;
	}

	/**
	 * A stream's committed position.
	 *
	 * @param lastEventId where it resumes
	 * @param batch the batch that wrote it
	 */
	record Checkpoint(String lastEventId, @Nullable String batch) {
	}

}
