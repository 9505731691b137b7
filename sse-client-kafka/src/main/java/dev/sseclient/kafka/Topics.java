package dev.sseclient.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import dev.sseclient.container.InvalidSseConfigurationException;

/**
 * Checks, once per topic, that the topics forwarded to exist (making them when allowed) and
 * that the checkpoint topic is compacted (making it so when missing). A Kafka that does not
 * answer is not a misconfiguration: one WARN, and the topic is checked again next time.
 */
final class Topics {

	private static final Log logger = LogFactory.getLog(Topics.class);

	private final Map<String, Object> adminConfig;

	private final Duration timeout;

	private final boolean create;

	private final Set<String> checked = ConcurrentHashMap.newKeySet();

	/** Until when checks are skipped after Kafka did not answer one: startup waits once, not once per topic. */
	private volatile long unansweredUntil;

	Topics(Map<String, Object> adminConfig, Duration timeout, boolean create) {
		Map<String, Object> config = new HashMap<>(adminConfig);
		// an unanswered call must not hold the admin's close beyond the timeout
		config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
		config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
		this.adminConfig = config;
		this.timeout = timeout;
		this.create = create;
	}

	/** Fails naming {@code property} when the topic is missing and may not be made. */
	void checkForwardedTo(String topic, String property) {
		if (this.checked.contains(topic)) {
			return;
		}
		withAdmin((admin) -> {
			if (exists(admin, topic)) {
				return;
			}
			if (!this.create) {
				throw new InvalidSseConfigurationException(property, "names the topic '" + topic + "', which does not exist",
						"Create the topic, or set sse.client.kafka.create-topics=true to have it made.");
			}
			make(admin, new NewTopic(topic, Optional.empty(), Optional.empty()));
			logger.info("Made the topic '" + topic + "' to forward to");
		}, topic);
	}

	/** Makes the checkpoint topic when missing; one WARN when it exists and is not compacted. */
	void checkCheckpoints(String topic) {
		if (this.checked.contains(topic)) {
			return;
		}
		withAdmin((admin) -> {
			if (!exists(admin, topic)) {
				make(admin, new NewTopic(topic, Optional.of(1), Optional.empty())
					.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
				logger.info("Made the compacted checkpoint topic '" + topic + "'");
				return;
			}
			ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
			Config config = admin.describeConfigs(List.of(resource)).all().get(millis(), TimeUnit.MILLISECONDS).get(resource);
			ConfigEntry policy = (config != null) ? config.get(TopicConfig.CLEANUP_POLICY_CONFIG) : null;
			if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
				logger.warn("The checkpoint topic '" + topic + "' is not compacted (cleanup.policy="
						+ ((policy != null) ? policy.value() : "?") + "): it keeps every batch's checkpoint rather than "
						+ "the last per stream, and a stream's start reads it all. Set cleanup.policy=compact on it.");
			}
		}, topic);
	}

	private void withAdmin(AdminWork work, String topic) {
		if (System.nanoTime() - this.unansweredUntil < 0) {
			return;
		}
		try (Admin admin = Admin.create(this.adminConfig)) {
			work.run(admin);
			this.checked.add(topic);
		}
		catch (InvalidSseConfigurationException ex) {
			throw ex;
		}
		catch (ExecutionException | java.util.concurrent.TimeoutException | org.apache.kafka.common.KafkaException ex) {
			this.unansweredUntil = System.nanoTime() + this.timeout.toNanos();
			logger.warn("Could not check the Kafka topic '" + topic + "' (" + ex + "); topics are checked again when "
					+ "the next stream forwarding to them is made");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private boolean exists(Admin admin, String topic) throws ExecutionException, InterruptedException,
			java.util.concurrent.TimeoutException {
		try {
			admin.describeTopics(List.of(topic)).allTopicNames().get(millis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof UnknownTopicOrPartitionException) {
				return false;
			}
			throw ex;
		}
	}

	private void make(Admin admin, NewTopic topic) throws ExecutionException, InterruptedException,
			java.util.concurrent.TimeoutException {
		try {
			admin.createTopics(List.of(topic)).all().get(millis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (!(ex.getCause() instanceof TopicExistsException)) {
				throw ex;
			}
		}
	}

	private long millis() {
		return this.timeout.toMillis();
	}

	@FunctionalInterface
	private interface AdminWork {

		void run(Admin admin) throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException;

	}

}
