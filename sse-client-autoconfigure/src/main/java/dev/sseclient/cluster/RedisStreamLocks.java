package dev.sseclient.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.integration.redis.util.RedisLockRegistry;

/**
 * Stream locks in Redis, through Spring Integration's {@link RedisLockRegistry}: a lock is the
 * key {@code <registry-key>:<lock key>} holding the registry's client id. Which instance a client
 * id is comes from the instances' presence locks, whose keys carry the instance id.
 */
public final class RedisStreamLocks implements StreamLocks {

	private static final Log logger = LogFactory.getLog(RedisStreamLocks.class);

	private final RedisLockRegistry registry;

	private final StringRedisTemplate redis;

	private final String keyPrefix;

	/**
	 * @param connectionFactory the Redis shared by the instances
	 * @param registryKey prefix of the lock keys
	 * @param lockTtl how long a lock outlives its last renewal
	 * @param pollInterval how long a standby waits between tries
	 */
	public RedisStreamLocks(RedisConnectionFactory connectionFactory, String registryKey, Duration lockTtl,
			Duration pollInterval) {
		this.registry = new RedisLockRegistry(connectionFactory, registryKey, lockTtl);
		this.registry.setIdleBetweenTries(pollInterval);
		this.redis = new StringRedisTemplate(connectionFactory);
		this.keyPrefix = registryKey + ":";
	}

	@Override
	public RedisLockRegistry registry() {
		return this.registry;
	}

	@Override
	public @Nullable String holderOf(String lockKey) {
		try {
			String clientId = this.redis.opsForValue().get(this.keyPrefix + lockKey);
			return (clientId != null) ? instances(locks()).get(clientId) : null;
		}
		catch (DataAccessException ex) {
			logger.debug("Could not read the holder of lock '" + lockKey + "'", ex);
			return null;
		}
	}

	@Override
	public Map<String, Integer> locksPerHolder() {
		Map<String, String> locks = locks();
		Map<String, String> instances = instances(locks);
		Map<String, Integer> counts = new TreeMap<>();
		locks.values().forEach((clientId) -> counts.merge(instances.getOrDefault(clientId, clientId), 1, Integer::sum));
		return counts;
	}

	/** Every live lock: key without the prefix, to the client id holding it. */
	private Map<String, String> locks() {
		List<String> keys = new ArrayList<>();
		try (Cursor<String> cursor = this.redis.scan(ScanOptions.scanOptions().match(this.keyPrefix + "*").count(1000).build())) {
			cursor.forEachRemaining(keys::add);
		}
		List<String> clientIds = keys.isEmpty() ? List.of() : this.redis.opsForValue().multiGet(keys);
		Map<String, String> locks = new HashMap<>();
		for (int i = 0; i < keys.size(); i++) {
			String clientId = (clientIds != null) ? clientIds.get(i) : null;
			if (clientId != null) {
				locks.put(keys.get(i).substring(this.keyPrefix.length()), clientId);
			}
		}
		return locks;
	}

	/** Client id to instance id, from the presence locks. */
	private static Map<String, String> instances(Map<String, String> locks) {
		Map<String, String> instances = new HashMap<>();
		locks.forEach((key, clientId) -> {
			if (key.startsWith(LockRegistryStreamCoordinator.PRESENCE_PREFIX)) {
				instances.put(clientId, key.substring(LockRegistryStreamCoordinator.PRESENCE_PREFIX.length()));
			}
		});
		return instances;
	}

	@Override
	public void releaseAll() {
		this.registry.destroy();
	}

}
