package dev.sseclient.kafka;

/** A forwarded batch that did not reach Kafka: the stream's checkpoint stays before it. */
public class KafkaForwardingException extends RuntimeException {

	public KafkaForwardingException(String message, Throwable cause) {
		super(message, cause);
	}

}
