package dev.sseclient.autoconfigure;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.ClassUtils;

import dev.sseclient.checkpoint.FileCheckpointStore;
import dev.sseclient.checkpoint.InMemoryCheckpointStore;
import dev.sseclient.checkpoint.SseCheckpointStore;
import dev.sseclient.cluster.JdbcStreamLocks;
import dev.sseclient.cluster.LockRegistryStreamCoordinator;
import dev.sseclient.cluster.RedisStreamLocks;
import dev.sseclient.cluster.StreamLocks;
import dev.sseclient.container.InvalidSseConfigurationException;
import dev.sseclient.container.SseStreamCoordinator;
import dev.sseclient.container.SseStreamRegistry;

/**
 * Cluster mode ({@code sse.client.cluster.enabled=true}): a {@link SseStreamCoordinator} on a
 * Spring Integration lock registry in the application's database or Redis, so that each
 * declared stream runs on one instance at a time. What it needs and lacks fails startup by name.
 */
@AutoConfiguration(after = SseClientAutoConfiguration.class)
@ConditionalOnBean(SseStreamRegistry.class)
@ConditionalOnBooleanProperty(name = "sse.client.cluster.enabled")
public final class SseClusterAutoConfiguration {

	private static final String PREFIX = "sse.client.cluster.";

	private static final String LEADER_INITIATOR = "org.springframework.integration.support.leader.LockRegistryLeaderInitiator";

	private static final String JDBC_LOCKS = "org.springframework.integration.jdbc.lock.JdbcLockRegistry";

	private static final String REDIS_LOCKS = "org.springframework.integration.redis.util.RedisLockRegistry";

	private static final String REDIS_CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

	private static final int MAX_INSTANCE_ID = 36;

	private static final int MAX_SLOTS = 4096;

	@Bean
	@ConditionalOnMissingBean
	SseStreamCoordinator sseStreamCoordinator(Environment environment, SseClientProperties properties, SseCheckpointStore checkpointStore,
			ObjectProvider<DataSource> dataSources, ListableBeanFactory beanFactory,
			ApplicationEventPublisher eventPublisher) {
		SseClientProperties.Cluster cluster = properties.getCluster();
		if (!ClassUtils.isPresent(LEADER_INITIATOR, null)) {
			throw new InvalidSseConfigurationException(PREFIX + "enabled", "is true, but Spring Integration is missing",
					"Add org.springframework.integration:spring-integration-jdbc (locks in the application's "
							+ "database) or spring-integration-redis (locks in Redis).");
		}
		checkTimings(cluster);
		checkStreams(cluster.getStreams(), StreamDefinitions.names(environment), StreamDefinitions.templateNames(environment));
		checkSlots(cluster.getSlots());
		String instanceId = instanceId(cluster.getInstanceId());
		Supplier<StreamLocks> lockRegistry = locks(cluster, instanceId, dataSources, beanFactory);
		checkSharedCheckpoints(checkpointStore);
		StreamLocks locks = lockRegistry.get();
		Duration rebalance = cluster.getRebalanceInterval();
		return new LockRegistryStreamCoordinator(locks, instanceId, cluster.getStreams(), cluster.getSlots(), cluster.getHeartbeat(),
				cluster.getLockTtl(), cluster.getPollInterval(),
				(rebalance.isZero() || rebalance.isNegative()) ? null : rebalance, eventPublisher,
				StreamDefinitions.fingerprints(environment));
	}

	private static void checkSharedCheckpoints(SseCheckpointStore store) {
		if (store instanceof InMemoryCheckpointStore || store instanceof FileCheckpointStore) {
			throw new InvalidSseConfigurationException("sse.client.checkpoint.store",
					"is " + ((store instanceof FileCheckpointStore) ? "file" : "memory")
							+ ", but in cluster mode the instance taking a stream over resumes from the checkpoint "
							+ "store, which must be shared by the instances",
					"Set sse.client.checkpoint.store=jdbc, or declare an SseCheckpointStore bean on shared storage.");
		}
	}

	private static void checkTimings(SseClientProperties.Cluster cluster) {
		Duration ttl = cluster.getLockTtl();
		Duration heartbeat = cluster.getHeartbeat();
		if (heartbeat.isNegative() || heartbeat.isZero() || cluster.getPollInterval().isNegative()
				|| cluster.getPollInterval().isZero()) {
			throw new InvalidSseConfigurationException(PREFIX + "heartbeat",
					"and " + PREFIX + "poll-interval must be positive", "Set them to such as 500ms and 100ms.");
		}
		if (ttl.compareTo(heartbeat.multipliedBy(2)) < 0) {
			throw new InvalidSseConfigurationException(PREFIX + "lock-ttl",
					"(" + ttl.toMillis() + " ms) must be at least twice " + PREFIX + "heartbeat (" + heartbeat.toMillis()
							+ " ms), or a holder's lock expires before it is renewed",
					"Raise lock-ttl (such as 10s) or lower heartbeat (such as 500ms).");
		}
	}

	private static void checkStreams(Set<String> candidates, Set<String> declared, Set<String> templates) {
		List<String> unknown = new ArrayList<>(candidates);
		unknown.removeAll(declared);
		unknown.removeAll(templates);
		if (!unknown.isEmpty()) {
			throw new InvalidSseConfigurationException(PREFIX + "streams",
					"names streams or templates that are not declared: " + String.join(", ", unknown),
					"Use names declared under sse.client.streams (" + String.join(", ", declared)
							+ ") or sse.client.templates (" + String.join(", ", templates) + ").");
		}
	}

	private static void checkSlots(int slots) {
		if (slots < 1 || slots > MAX_SLOTS) {
			throw new InvalidSseConfigurationException(PREFIX + "slots", "(" + slots + ") must be between 1 and " + MAX_SLOTS,
					"Keep the default 64, or set a few times the number of instances you run.");
		}
	}

	static String instanceId(String configured) {
		if (!configured.isBlank()) {
			if (configured.length() > MAX_INSTANCE_ID) {
				throw new InvalidSseConfigurationException(PREFIX + "instance-id",
						"('" + configured + "') is longer than " + MAX_INSTANCE_ID + " characters",
						"Use a shorter id: the lock table keeps 36 characters.");
			}
			return configured;
		}
		String pid = Long.toString(ManagementFactory.getRuntimeMXBean().getPid());
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "host";
		}
		int room = MAX_INSTANCE_ID - pid.length() - 1;
		return ((host.length() > room) ? host.substring(0, room) : host) + "-" + pid;
	}

	/** Checks that the chosen lock registry can be built, and builds it when asked. */
	private static Supplier<StreamLocks> locks(SseClientProperties.Cluster cluster, String instanceId,
			ObjectProvider<DataSource> dataSources, ListableBeanFactory beanFactory) {
		boolean jdbcPresent = ClassUtils.isPresent(JDBC_LOCKS, null);
		boolean redisPresent = ClassUtils.isPresent(REDIS_LOCKS, null) && ClassUtils.isPresent(REDIS_CONNECTION_FACTORY, null);
		DataSource dataSource = jdbcPresent ? dataSources.getIfUnique() : null;
		Object redis = redisPresent ? redisConnectionFactory(beanFactory) : null;
		String property = PREFIX + "lock-registry";
		return switch (cluster.getLockRegistry()) {
			case JDBC -> {
				if (!jdbcPresent) {
					throw new InvalidSseConfigurationException(property, "is jdbc, but spring-integration-jdbc is missing",
							"Add org.springframework.integration:spring-integration-jdbc.");
				}
				DataSource required = requireDataSource(dataSource, property, "is jdbc");
				yield () -> jdbc(cluster, instanceId, required);
			}
			case REDIS -> {
				if (!redisPresent) {
					throw new InvalidSseConfigurationException(property,
							"is redis, but spring-integration-redis or Spring Data Redis is missing",
							"Add org.springframework.integration:spring-integration-redis and spring-boot-starter-data-redis.");
				}
				Object required = requireRedis(redis, property, "is redis");
				yield () -> redis(cluster, required);
			}
			case AUTO -> {
				if (dataSource != null) {
					yield () -> jdbc(cluster, instanceId, dataSource);
				}
				if (redis != null) {
					yield () -> redis(cluster, redis);
				}
				throw new InvalidSseConfigurationException(PREFIX + "enabled",
						"is true, but no lock registry can be built: " + missing(jdbcPresent, redisPresent),
						"Give the application a DataSource (spring.datasource.url) and spring-integration-jdbc, or a "
								+ "Redis connection (spring.data.redis.*) and spring-integration-redis.");
			}
		};
	}

	private static String missing(boolean jdbcPresent, boolean redisPresent) {
		return (jdbcPresent ? "there is no single DataSource" : "spring-integration-jdbc is missing") + ", and "
				+ (redisPresent ? "there is no RedisConnectionFactory"
						: "spring-integration-redis or Spring Data Redis is missing");
	}

	private static DataSource requireDataSource(@Nullable DataSource dataSource, String property, String setting) {
		if (dataSource == null) {
			throw new InvalidSseConfigurationException(property, setting + ", but the application has no single DataSource",
					"Configure a DataSource (spring.datasource.url).");
		}
		return dataSource;
	}

	private static Object requireRedis(@Nullable Object connectionFactory, String property, String setting) {
		if (connectionFactory == null) {
			throw new InvalidSseConfigurationException(property, setting + ", but there is no RedisConnectionFactory",
					"Configure Redis (spring.data.redis.host, or spring.data.redis.url).");
		}
		return connectionFactory;
	}

	private static @Nullable Object redisConnectionFactory(ListableBeanFactory beanFactory) {
		return beanFactory.getBeanProvider(ClassUtils.resolveClassName(REDIS_CONNECTION_FACTORY, null)).getIfUnique();
	}

	private static JdbcStreamLocks jdbc(SseClientProperties.Cluster cluster, String instanceId, DataSource dataSource) {
		SseClientProperties.Cluster.Jdbc jdbc = cluster.getJdbc();
		try {
			return new JdbcStreamLocks(dataSource, instanceId, jdbc.getTablePrefix(), jdbc.getRegion(),
					cluster.getLockTtl(), cluster.getPollInterval(), jdbc.isInitializeSchema());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidSseConfigurationException(PREFIX + "jdbc.table-prefix", "('" + jdbc.getTablePrefix()
					+ "') does not make a plain table name", "Use letters, digits and underscores, optionally schema.prefix.");
		}
	}

	private static RedisStreamLocks redis(SseClientProperties.Cluster cluster, Object connectionFactory) {
		return new RedisStreamLocks((RedisConnectionFactory) connectionFactory,
				cluster.getRedis().getRegistryKey(), cluster.getLockTtl(), cluster.getPollInterval());
	}

}
