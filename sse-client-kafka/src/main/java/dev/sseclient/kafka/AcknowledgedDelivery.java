package dev.sseclient.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * At least once: the application's idempotent producer, shared by the streams forwarded this
 * way. The checkpoint is sent once every record of the batch is acknowledged, so a crash repeats
 * at most the batch in flight.
 */
final class AcknowledgedDelivery implements Delivery {

	private final Supplier<Producer<byte[], byte[]>> producer;

	AcknowledgedDelivery(Supplier<Producer<byte[], byte[]>> producer) {
		this.producer = producer;
	}

	@Override
	public boolean isTransactional() {
		return false;
	}

	@Override
	public void prepare() {
	}

	@Override
	public void send(List<ProducerRecord<byte[], byte[]>> records, ProducerRecord<byte[], byte[]> checkpoint)
			throws Exception {
		Producer<byte[], byte[]> shared = this.producer.get();
		List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
		for (ProducerRecord<byte[], byte[]> record : records) {
			sent.add(shared.send(record));
		}
		// waited for at once: the producer's linger.ms would hold the batch's last records back
		shared.flush();
		for (Future<RecordMetadata> acknowledged : sent) {
			acknowledged.get();
		}
		Future<RecordMetadata> checkpointed = shared.send(checkpoint);
		shared.flush();
		checkpointed.get();
	}

	@Override
	public void close() {
	}

}
