package dev.sseclient.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanNotOfRequiredTypeException;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.function.client.ClientRequestObservationConvention;
import org.springframework.web.reactive.function.client.DefaultClientRequestObservationConvention;
import org.springframework.web.reactive.function.client.WebClient;

import dev.sseclient.checkpoint.CheckpointWriter;
import dev.sseclient.checkpoint.FileCheckpointStore;
import dev.sseclient.checkpoint.InMemoryCheckpointStore;
import dev.sseclient.checkpoint.JdbcCheckpointStore;
import dev.sseclient.checkpoint.SseCheckpointStore;
import dev.sseclient.container.InvalidSseConfigurationException;
import dev.sseclient.container.SseStreamListenerFactory;
import dev.sseclient.container.SseStreamObserver;
import dev.sseclient.container.SseStreamCoordinator;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.container.SseStreamRequests;
import dev.sseclient.container.SseStreamRequestCustomizer;
import dev.sseclient.core.SseClient;
import dev.sseclient.core.SseItemObserver;
import dev.sseclient.listener.ListenerInstrumentation;
import dev.sseclient.listener.LoggingErrorHandler;
import dev.sseclient.listener.SseListenerAnnotationBeanPostProcessor;
import dev.sseclient.listener.SseListenerErrorHandler;
import dev.sseclient.listener.SseListenerObservationConvention;

/**
 * Auto-configures sse-client: an {@link SseClient} for the programmatic API, and the
 * declarative layer: streams under {@code sse.client.streams}, {@code @SseListener} discovery,
 * and the {@link SseStreamRegistry} that runs them. Streams connect through Reactor Netty
 * directly, with Boot's SSL bundles and HTTP client observations; {@code sse.client.enabled=false}
 * turns it off.
 */
@AutoConfiguration
@ConditionalOnClass({ SseClient.class, WebClient.class })
@ConditionalOnBooleanProperty(name = "sse.client.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SseClientProperties.class)
public final class SseClientAutoConfiguration {

	/**
	 * On Reactor Netty directly, from {@link SseClient#newHttpClient()}: Boot's shared, pooled
	 * connector would hold streams beyond its per-host limit waiting, and its read timeout would
	 * cut quiet streams. Connection attempts are observed as Boot observes WebClient exchanges.
	 */
	@Bean
	@ConditionalOnMissingBean
	SseClient sseClient(ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<ClientRequestObservationConvention> connectionConvention, Environment environment,
			ObjectProvider<SseItemObserver> observers, StreamEventLoops eventLoops) {
		SseClient client = observedClients(observationRegistry, connectionConvention, environment, eventLoops)
			.apply(SseClient.newHttpClient());
		List<SseItemObserver> all = observers.orderedStream().toList();
		return client.withObserver(switch (all.size()) {
			case 0 -> null;
			case 1 -> all.get(0);
			default -> (stream, item) -> all.forEach((observer) -> observer.onItem(stream, item));
		});
	}

	@Bean
	@ConditionalOnMissingBean
	static SseListenerAnnotationBeanPostProcessor sseListenerAnnotationBeanPostProcessor() {
		return new SseListenerAnnotationBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	SseListenerErrorHandler sseListenerErrorHandler() {
		return new LoggingErrorHandler();
	}

	@Bean
	@ConditionalOnMissingBean
	SseCheckpointStore sseCheckpointStore(SseClientProperties properties, ObjectProvider<DataSource> dataSource) {
		SseClientProperties.Checkpoint checkpoint = properties.getCheckpoint();
		return switch (checkpoint.getStore()) {
			case MEMORY -> new InMemoryCheckpointStore();
			case FILE -> new FileCheckpointStore(Path.of(checkpoint.getDirectory()));
			case JDBC -> jdbcStore(checkpoint, dataSource);
		};
	}

	private static SseCheckpointStore jdbcStore(SseClientProperties.Checkpoint checkpoint,
			ObjectProvider<DataSource> dataSources) {
		if (!ClassUtils.isPresent("org.springframework.jdbc.core.JdbcTemplate", null)) {
			throw new InvalidSseConfigurationException("sse.client.checkpoint.store", "is jdbc, but spring-jdbc is missing",
					"Add spring-boot-starter-jdbc (and your database's driver), or choose the memory or file store.");
		}
		DataSource dataSource = dataSources.getIfUnique();
		if (dataSource == null) {
			throw new InvalidSseConfigurationException("sse.client.checkpoint.store",
					"is jdbc, but the application has no single DataSource",
					"Configure a DataSource (spring.datasource.url), or choose the memory or file store.");
		}
		try {
			return new JdbcCheckpointStore(dataSource, checkpoint.getTable());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidSseConfigurationException("sse.client.checkpoint.table", "('" + checkpoint.getTable()
					+ "') is not a plain table name", "Use letters, digits and underscores, optionally schema.table.");
		}
	}

	@Bean
	@ConditionalOnMissingBean
	SseStreamRequests sseStreamRequests(SseStreamRegistry registry, SseListenerAnnotationBeanPostProcessor listeners) {
		return new SseStreamRequests(registry, listeners.getPayloadConverter());
	}

	@Bean
	StreamEventLoops sseStreamEventLoops(SseClientProperties properties) {
		return new StreamEventLoops(properties.getIoThreads());
	}

	@Bean
	Http2Connections sseHttp2Connections(SseClientProperties properties) {
		return new Http2Connections(properties.getHttp2());
	}

	@Bean
	@ConditionalOnMissingBean
	SseStreamRegistry sseStreamRegistry(Environment environment, SseClientProperties properties, SseClient client,
			SseListenerErrorHandler errorHandler, ObjectProvider<SseStreamRequestCustomizer> customizers,
			ObjectProvider<ClientRequestObservationConvention> connectionConvention, ObjectProvider<SslBundles> sslBundles,
			SseListenerAnnotationBeanPostProcessor listenerProcessor, ApplicationEventPublisher eventPublisher,
			ObjectProvider<SseStreamObserver> observers, ObjectProvider<SseStreamListenerFactory> listenerFactories,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<SseListenerObservationConvention> observationConvention, SseCheckpointStore checkpointStore,
			ObjectProvider<SseStreamCoordinator> coordinator, Http2Connections http2Connections,
			StreamEventLoops eventLoops, BeanFactory beanFactory) {
		SseClientProperties.Checkpoint checkpoint = properties.getCheckpoint();
		if (checkpoint.getBatchSize() < 1 || checkpoint.getInterval().isNegative() || checkpoint.getInterval().isZero()) {
			throw new InvalidSseConfigurationException("sse.client.checkpoint",
					"needs a batch-size of at least 1 and a positive interval",
					"Set sse.client.checkpoint.batch-size (such as 100) and sse.client.checkpoint.interval (such as 1s).");
		}
		ListenerInstrumentation instrumentation = listenerInstrumentation(properties.getListener(), observationRegistry,
				observationConvention, beanFactory);
		// the streams of the registry are observed through their containers, not counted twice
		StreamClients clients = new StreamClients(client.withObserver(null),
				observedClients(observationRegistry, connectionConvention, environment, eventLoops),
				sslBundles.getIfAvailable(),
				http2Connections);
		SseRequestCustomizers requestCustomizers = new SseRequestCustomizers(customizers.orderedStream().toList());
		SseStreamRegistry registry = new SseStreamRegistry(
				() -> StreamDefinitions.bind(environment, requestCustomizers, clients).asMap(),
				listenerProcessor::getEndpoints, errorHandler, eventPublisher, () -> observers.orderedStream().toList(),
				instrumentation,
				new CheckpointWriter(checkpointStore, checkpoint.getBatchSize(), checkpoint.getInterval()),
				properties.getListener().getMaxThreads(),
				properties.getListener().getShutdownTimeout(), coordinator.getIfAvailable(),
				StreamDefinitions.runtime(environment, properties, requestCustomizers, clients));
		registry.setListenerFactories(() -> listenerFactories.orderedStream().toList());
		registry.setListenerExecutor(listenerExecutor(properties.getListener().getExecutor(), beanFactory, environment));
		return registry;
	}

	/**
	 * Timers per listener, stream and outcome when the application has a meter registry, and an
	 * Observation per call for the listeners opted in.
	 */
	private static ListenerInstrumentation listenerInstrumentation(SseClientProperties.Listener listener,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<SseListenerObservationConvention> observationConvention, BeanFactory beanFactory) {
		// micrometer-core is optional: the type is touched only when it is there
		MeterRegistry meters = ClassUtils.isPresent("io.micrometer.core.instrument.MeterRegistry", null)
				? beanFactory.getBeanProvider(MeterRegistry.class).getIfUnique() : null;
		return new ListenerInstrumentation(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP),
				observationConvention.getIfAvailable(), meters, listener.isObservationEnabled());
	}

	/**
	 * Makes clients on a Reactor Netty client, run on the streams' event loops, whose connection
	 * attempts are observed in the application's registry: the convention bean, else Boot's name
	 * for HTTP client observations.
	 */
	private static Function<HttpClient, SseClient> observedClients(ObjectProvider<ObservationRegistry> registry,
			ObjectProvider<ClientRequestObservationConvention> convention, Environment environment,
			StreamEventLoops eventLoops) {
		ObservationRegistry observations = registry.getIfAvailable(() -> ObservationRegistry.NOOP);
		ClientRequestObservationConvention named = convention.getIfAvailable(() -> new DefaultClientRequestObservationConvention(
				environment.getProperty("management.observations.http.client.requests.name", "http.client.requests")));
		return (httpClient) -> SseClient.create(eventLoops.apply(httpClient), observations, named);
	}

	/** The application's executor named by the property, else virtual threads when Boot turns them on. */
	private static @Nullable Executor listenerExecutor(@Nullable String name, BeanFactory beanFactory,
			Environment environment) {
		String property = "sse.client.listener.executor";
		if (name != null && !name.isBlank()) {
			try {
				return beanFactory.getBean(name.trim(), Executor.class);
			}
			catch (BeanNotOfRequiredTypeException ex) {
				throw new InvalidSseConfigurationException(property,
						"names the bean '" + name.trim() + "', which is a " + ex.getActualType().getName()
								+ ", not a java.util.concurrent.Executor",
						"Name an Executor bean, such as a ThreadPoolTaskExecutor, or remove " + property + ".");
			}
			catch (NoSuchBeanDefinitionException ex) {
				throw new InvalidSseConfigurationException(property,
						"names the bean '" + name.trim() + "', which does not exist",
						"Declare an Executor bean of that name, such as a ThreadPoolTaskExecutor, or remove " + property
								+ ".");
			}
		}
		if (Threading.VIRTUAL.isActive(environment)) {
			SimpleAsyncTaskExecutor virtualThreads = new SimpleAsyncTaskExecutor("sse-listener-");
			virtualThreads.setVirtualThreads(true);
			return virtualThreads;
		}
		return null;
	}

}
