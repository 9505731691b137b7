package dev.sseclient.kafka;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of forwarding streams into Kafka shared by every forwarded stream. Which stream goes
 * to which topic is said per stream, under {@code sse.client.streams.<name>.forward.kafka}
 * (or a template's, or {@code sse.client.defaults}); the connection to Kafka is Spring Boot's
 * {@code spring.kafka.*}.
 */
@ConfigurationProperties(prefix = "sse.client.kafka", ignoreUnknownFields = false)
public class KafkaForwardingProperties {

	/**
	 * Compacted topic that keeps each forwarded stream's Last-Event-ID, keyed by stream name. Made
	 * (compacted, one partition) when missing.
	 */
	private String checkpointTopic = "sse-client-checkpoints";

	/**
	 * Prefix of the transactional id of each exactly-once stream's producer; the stream's name
	 * follows it. Instances that share it fence each other per stream.
	 */
	private String transactionIdPrefix = "sse-client-";

	/** Whether a forwarded topic that does not exist is made; if not, startup fails naming it. */
	private boolean createTopics = false;

	/**
	 * Topic that gets, in place of an event too large for the producer's max.request.size, a record
	 * with its headers and no value. Without one, such events are counted and logged only.
	 */
	private @Nullable String deadLetterTopic;

	/** Most events forwarded in one batch (one transaction with exactly-once). */
	private int maxBatchSize = 500;

	/** First wait before a batch is tried again after Kafka failed it; doubles up to max-retry-interval. */
	private Duration retryInterval = Duration.ofMillis(200);

	/** Longest wait between tries of a batch while Kafka fails it. */
	private Duration maxRetryInterval = Duration.ofSeconds(5);

	/** How long checking topics and reading checkpoints may take before the stream's start fails. */
	private Duration timeout = Duration.ofSeconds(15);

	public String getCheckpointTopic() {
		return this.checkpointTopic;
	}

	public void setCheckpointTopic(String checkpointTopic) {
		this.checkpointTopic = checkpointTopic;
	}

	public String getTransactionIdPrefix() {
		return this.transactionIdPrefix;
	}

	public void setTransactionIdPrefix(String transactionIdPrefix) {
		this.transactionIdPrefix = transactionIdPrefix;
	}

	public boolean isCreateTopics() {
		return this.createTopics;
	}

	public void setCreateTopics(boolean createTopics) {
		this.createTopics = createTopics;
	}

	public @Nullable String getDeadLetterTopic() {
		return this.deadLetterTopic;
	}

	public void setDeadLetterTopic(@Nullable String deadLetterTopic) {
		this.deadLetterTopic = deadLetterTopic;
	}

	public int getMaxBatchSize() {
		return this.maxBatchSize;
	}

	public void setMaxBatchSize(int maxBatchSize) {
		this.maxBatchSize = maxBatchSize;
	}

	public Duration getRetryInterval() {
		return this.retryInterval;
	}

	public void setRetryInterval(Duration retryInterval) {
		this.retryInterval = retryInterval;
	}

	public Duration getMaxRetryInterval() {
		return this.maxRetryInterval;
	}

	public void setMaxRetryInterval(Duration maxRetryInterval) {
		this.maxRetryInterval = maxRetryInterval;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

}
