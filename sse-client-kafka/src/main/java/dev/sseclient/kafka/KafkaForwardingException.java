package dev.sseclient.kafka;

import org.jspecify.annotations.Nullable;

/** A forwarded batch that did not reach Kafka: the stream's checkpoint stays before it. */
public class KafkaForwardingException extends RuntimeException {

	public KafkaForwardingException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
