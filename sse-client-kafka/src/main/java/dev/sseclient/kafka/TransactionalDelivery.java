package dev.sseclient.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Exactly once: a producer of the stream's own, its transactional id the prefix and the
 * stream's name, so that whoever starts the stream next (this instance after a crash, another
 * in cluster mode) fences this one. A batch and its checkpoint are one transaction. After a
 * failure the producer is dropped and a new one made: its {@code initTransactions} settles
 * what the old one left (committed or aborted), which the caller then reads back.
 */
final class TransactionalDelivery implements Delivery {

	private final Map<String, Object> config;

	private @Nullable KafkaProducer<byte[], byte[]> producer;

	TransactionalDelivery(Map<String, Object> producerConfig, String transactionalId) {
		Map<String, Object> config = new HashMap<>(producerConfig);
		config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
		this.config = config;
	}

	@Override
	public boolean isTransactional() {
		return true;
	}

	@Override
	public synchronized void prepare() {
		producer();
	}

	@Override
	public synchronized void send(List<ProducerRecord<byte[], byte[]>> records,
			ProducerRecord<byte[], byte[]> checkpoint) {
		KafkaProducer<byte[], byte[]> current = producer();
		try {
			current.beginTransaction();
			for (ProducerRecord<byte[], byte[]> record : records) {
				current.send(record);
			}
			current.send(checkpoint);
			current.commitTransaction();
		}
		catch (RuntimeException ex) {
			drop();
			throw ex;
		}
	}

	private KafkaProducer<byte[], byte[]> producer() {
		KafkaProducer<byte[], byte[]> current = this.producer;
		if (current == null) {
			current = new KafkaProducer<>(this.config);
			try {
				current.initTransactions();
			}
			catch (RuntimeException ex) {
				current.close(Duration.ZERO);
				throw ex;
			}
			this.producer = current;
		}
		return current;
	}

	private void drop() {
		KafkaProducer<byte[], byte[]> current = this.producer;
		this.producer = null;
		if (current != null) {
			current.close(Duration.ZERO);
		}
	}

	@Override
	public synchronized void close() {
		drop();
	}

}
