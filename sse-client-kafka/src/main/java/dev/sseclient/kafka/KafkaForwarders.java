package dev.sseclient.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;

import dev.sseclient.container.InvalidSseConfigurationException;
import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamListenerFactory;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.container.StreamDefinition;
import dev.sseclient.listener.ErrorAction;
import dev.sseclient.listener.ListenerMethodAdapter;
import dev.sseclient.listener.SseListenerEndpoint;
import dev.sseclient.listener.SseListenerErrorHandler;

/**
 * Gives each stream whose settings name a topic ({@code forward.kafka.topic}) a forwarder: a
 * batch listener beside its {@code @SseListener} methods, run last, so that the stream's
 * checkpoint moves only past events Kafka has. Its topic is checked when the first stream
 * forwarding to it is made. Keeps the forwarders for health and for the checkpoint store, and
 * lets go of a stream's producer when the stream is removed.
 */
public class KafkaForwarders implements SseStreamListenerFactory, DisposableBean {

	/** The id of every forwarder: the {@code listener} tag of listener meters stays one value. */
	public static final String LISTENER_ID = "kafka-forwarder";

	private static final Log logger = LogFactory.getLog(KafkaForwarders.class);

	private final KafkaForwardingProperties properties;

	private final ForwardSettingsBinder settings;

	private final Map<String, Object> producerConfig;

	private final Topics topics;

	private final CheckpointTopic checkpoints;

	private final @Nullable JsonMapper jsonMapper;

	private final BiFunction<StreamDefinition, ForwardSettings, ForwardingMeters> meters;

	private final Supplier<SseStreamRegistry> registry;

	private final Map<String, StreamForwarder> forwarders = new ConcurrentHashMap<>();

	private @Nullable Producer<byte[], byte[]> sharedProducer;

	KafkaForwarders(KafkaForwardingProperties properties, ForwardSettingsBinder settings,
			Map<String, Object> producerConfig, Map<String, Object> consumerConfig, Map<String, Object> adminConfig,
			@Nullable JsonMapper jsonMapper, BiFunction<StreamDefinition, ForwardSettings, ForwardingMeters> meters,
			Supplier<SseStreamRegistry> registry) {
		if (properties.getMaxBatchSize() < 1) {
			throw new InvalidSseConfigurationException("sse.client.kafka.max-batch-size",
					"is " + properties.getMaxBatchSize() + ", and a batch holds at least one event",
					"Set it to 1 or more, such as 500.");
		}
		this.properties = properties;
		this.settings = settings;
		Map<String, Object> config = new HashMap<>(producerConfig);
		config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		this.producerConfig = config;
		Duration timeout = properties.getTimeout();
		this.topics = new Topics(adminConfig, timeout, properties.isCreateTopics());
		this.checkpoints = new CheckpointTopic(properties.getCheckpointTopic(), consumerConfig, timeout);
		this.jsonMapper = jsonMapper;
		this.meters = meters;
		this.registry = registry;
	}

	@Override
	public List<SseListenerEndpoint> listenersOf(StreamDefinition definition) {
		ForwardSettings forward = this.settings.settingsOf(definition);
		if (forward == null) {
			return List.of();
		}
		this.topics.checkCheckpoints(this.checkpoints.name());
		this.topics.checkForwardedTo(forward.topic(), forward.property());
		String name = definition.name();
		Delivery delivery = forward.exactlyOnce()
				? new TransactionalDelivery(this.producerConfig, this.properties.getTransactionIdPrefix() + name)
				: new AcknowledgedDelivery(this::sharedProducer);
		ForwardedRecords records = new ForwardedRecords(name, forward.topic(), RecordKeys.of(forward.key(), name, this.jsonMapper),
				maxRecordSize(), this.properties.getDeadLetterTopic());
		StreamForwarder forwarder = new StreamForwarder(name, forward, records, delivery, this.checkpoints,
				this.meters.apply(definition, forward), this.properties.getRetryInterval(),
				this.properties.getMaxRetryInterval(), () -> isRunning(name));
		StreamForwarder previous = this.forwarders.put(name, forwarder);
		if (previous != null) {
			previous.close();
		}
		return List.of(new SseListenerEndpoint(LISTENER_ID, name, Set.of(), ListenerMethodAdapter.ofBatch(forwarder),
				null, onFailure(name), this.properties.getMaxBatchSize(), false));
	}

	/**
	 * A batch that could not be forwarded stops its stream: going on would skip it. A checkpoint
	 * that moved on in Kafka restarts the stream from there.
	 */
	private SseListenerErrorHandler onFailure(String stream) {
		return (failure) -> {
			if (failure.cause() instanceof CheckpointMovedException moved) {
				logger.warn(moved.getMessage());
				return ErrorAction.restartFrom(moved.lastEventId());
			}
			if (isRunning(stream)) {
				logger.error(failure.describe() + "; stopping the stream", failure.cause());
			}
			return ErrorAction.stopStream();
		};
	}

	private boolean isRunning(String stream) {
		SseStreamContainer container = this.registry.get().getContainer(stream);
		return container != null && container.isRunning();
	}

	private int maxRecordSize() {
		Object configured = this.producerConfig.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
		return (configured != null) ? Integer.parseInt(configured.toString()) : 1024 * 1024;
	}

	private synchronized Producer<byte[], byte[]> sharedProducer() {
		Producer<byte[], byte[]> producer = this.sharedProducer;
		if (producer == null) {
			producer = new KafkaProducer<>(this.producerConfig);
			this.sharedProducer = producer;
		}
		return producer;
	}

	/** The forwarder of a stream, if it is forwarded. */
	@Nullable StreamForwarder forwarderOf(String stream) {
		return this.forwarders.get(stream);
	}

	Collection<StreamForwarder> forwarders() {
		return this.forwarders.values();
	}

	CheckpointTopic checkpoints() {
		return this.checkpoints;
	}

	@Override
	public void removed(StreamDefinition definition) {
		StreamForwarder forwarder = this.forwarders.remove(definition.name());
		if (forwarder != null) {
			forwarder.close();
		}
	}

	@Override
	public void destroy() {
		this.forwarders.values().forEach(StreamForwarder::close);
		Producer<byte[], byte[]> producer;
		synchronized (this) {
			producer = this.sharedProducer;
			this.sharedProducer = null;
		}
		if (producer != null) {
			producer.close(Duration.ofSeconds(5));
		}
	}

}
