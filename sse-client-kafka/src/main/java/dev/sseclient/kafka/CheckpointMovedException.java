package dev.sseclient.kafka;

/**
 * Exactly once: the stream's checkpoint in Kafka moved past what this forwarder sent, by a
 * producer it has fenced since (a second instance running the stream without cluster mode).
 * The stream goes on from that checkpoint rather than stopping.
 */
final class CheckpointMovedException extends RuntimeException {

	private final String lastEventId;

	CheckpointMovedException(String stream, String lastEventId) {
		super("Stream '" + stream + "': another producer committed up to event " + lastEventId
				+ " while this one was failing (is the stream run by another instance without cluster mode?); "
				+ "this one holds the stream's transactional id now, so that producer is fenced, and the stream "
				+ "restarts from " + lastEventId, null, false, false);
		this.lastEventId = lastEventId;
	}

	String lastEventId() {
		return this.lastEventId;
	}

}
