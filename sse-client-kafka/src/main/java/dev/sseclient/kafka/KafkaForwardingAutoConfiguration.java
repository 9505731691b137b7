package dev.sseclient.kafka;

import java.util.Map;
import java.util.function.BiFunction;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.util.ClassUtils;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.checkpoint.SseCheckpointStore;
import dev.sseclient.container.SseStreamCoordinator;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.container.StreamDefinition;

/**
 * Forwarding streams into Kafka topics: each stream whose settings name a topic
 * ({@code sse.client.streams.<name>.forward.kafka.topic}, or a template's, or the defaults') is
 * forwarded by a listener of its own, over the connection Spring Boot's {@code spring.kafka.*}
 * configures, with the producer, consumer and admin settings of Boot's factories.
 */
@AutoConfiguration(after = { SseClientAutoConfiguration.class, KafkaAutoConfiguration.class })
@ConditionalOnClass({ KafkaProducer.class, ProducerFactory.class, SseStreamRegistry.class })
@ConditionalOnBean(SseStreamRegistry.class)
@EnableConfigurationProperties(KafkaForwardingProperties.class)
public final class KafkaForwardingAutoConfiguration {

	private static final boolean MICROMETER_PRESENT = ClassUtils
		.isPresent("io.micrometer.core.instrument.MeterRegistry", KafkaForwardingAutoConfiguration.class.getClassLoader());

	@Bean
	@ConditionalOnMissingBean
	KafkaForwarders kafkaForwarders(KafkaForwardingProperties properties, Environment environment,
			ObjectProvider<KafkaProperties> kafkaProperties, ObjectProvider<ProducerFactory<?, ?>> producerFactory,
			ObjectProvider<ConsumerFactory<?, ?>> consumerFactory, ObjectProvider<KafkaAdmin> kafkaAdmin,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<SseStreamRegistry> registry, BeanFactory beanFactory) {
		KafkaProperties kafka = kafkaProperties.getIfAvailable(KafkaProperties::new);
		Map<String, Object> producer = producerFactory.getIfAvailable() != null
				? producerFactory.getObject().getConfigurationProperties() : kafka.buildProducerProperties();
		Map<String, Object> consumer = consumerFactory.getIfAvailable() != null
				? consumerFactory.getObject().getConfigurationProperties() : kafka.buildConsumerProperties();
		Map<String, Object> admin = kafkaAdmin.getIfAvailable() != null ? kafkaAdmin.getObject().getConfigurationProperties()
				: kafka.buildAdminProperties();
		return new KafkaForwarders(properties, new ForwardSettingsBinder(environment), producer, consumer, admin,
				jsonMapper.getIfAvailable(), meters(beanFactory), registry::getObject);
	}

	private static BiFunction<StreamDefinition, ForwardSettings, ForwardingMeters> meters(BeanFactory beanFactory) {
		if (!MICROMETER_PRESENT) {
			return (definition, settings) -> ForwardingMeters.NONE;
		}
		ObjectProvider<MeterRegistry> registry = beanFactory.getBeanProvider(MeterRegistry.class);
		return (definition, settings) -> {
			MeterRegistry meters = registry.getIfUnique();
			return (meters != null) ? new MicrometerForwardingMeters(meters, definition, settings) : ForwardingMeters.NONE;
		};
	}

	/** Reads forwarded streams' positions from Kafka, whichever checkpoint store the application has. */
	@Bean
	static BeanPostProcessor sseKafkaCheckpointStorePostProcessor(ObjectProvider<KafkaForwarders> forwarders,
			ObjectProvider<SseStreamCoordinator> coordinator) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof SseCheckpointStore store && !(bean instanceof ForwardedStreamsCheckpointStore)) {
					return new ForwardedStreamsCheckpointStore(store, forwarders::getObject,
							() -> coordinator.getIfAvailable() != null);
				}
				return bean;
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("sse-kafka")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "sseKafkaHealthIndicator")
		HealthIndicator sseKafkaHealthIndicator(KafkaForwarders forwarders) {
			return new KafkaForwardingHealthIndicator(forwarders);
		}

	}

}
