package dev.sseclient.kafka;

/**
 * What a stream's forwarding counts: records sent, batches taken and failed, how long a batch
 * takes to be taken (with exactly-once, its commit), events too large to send.
 */
interface ForwardingMeters {

	ForwardingMeters NONE = new ForwardingMeters() {
	};

	default void batchForwarded(int records, long nanos) {
	}

	default void batchFailed() {
	}

	default void tooLarge() {
	}

}
