package dev.sseclient.kafka;

import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;

/** How a stream's batch reaches Kafka: in a transaction with its checkpoint, or acknowledged and then checkpointed. */
interface Delivery {

	/** Whether a batch and its checkpoint commit together. */
	boolean isTransactional();

	/**
	 * Readies the producer. Transactional: its {@code initTransactions}, which fences any former
	 * producer of the stream and settles the transaction it left open.
	 */
	void prepare();

	/** Sends the records, then the checkpoint; returns once Kafka has them. */
	void send(List<ProducerRecord<byte[], byte[]>> records, ProducerRecord<byte[], byte[]> checkpoint) throws Exception;

	/** Lets go of the stream's producer, if it has one of its own. */
	void close();

}
