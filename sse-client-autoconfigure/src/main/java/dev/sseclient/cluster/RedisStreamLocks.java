package dev.sseclient.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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

	private static final char FIELD_SEPARATOR = '|';

	private final RedisLockRegistry registry;

	private final StringRedisTemplate redis;

	private final String keyPrefix;

	/** A hash of each instance's hash of each stream's definition, field {@code <name>|<instance id>}. */
	private final String definitionsKey;

	private volatile Set<String> published = Set.of();


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
		this.definitionsKey = registryKey + ":definitions";
	}

	@Override
	public RedisLockRegistry registry() {
		return this.registry;
	}

	@Override
	public LockSnapshot snapshot(Collection<String> lockKeys) {
		Map<String, String> instances = instances();
		List<String> keys = lockKeys.stream().map((key) -> this.keyPrefix + key).toList();
		List<String> clientIds = keys.isEmpty() ? List.of() : this.redis.opsForValue().multiGet(keys);
		Map<String, String> holders = new HashMap<>();
		Set<String> live = new TreeSet<>(instances.values());
		int i = 0;
		for (String key : lockKeys) {
			String clientId = (clientIds != null) ? clientIds.get(i) : null;
			i++;
			if (clientId != null) {
				String holder = instances.getOrDefault(clientId, clientId);
				holders.put(key, holder);
				live.add(holder);
			}
		}
		return new LockSnapshot(holders, live);
	}

	/** Client id to instance id, from the presence locks, whose keys carry the instance id. */
	private Map<String, String> instances() {
		String presence = this.keyPrefix + LockRegistryStreamCoordinator.PRESENCE_PREFIX;
		List<String> keys = new ArrayList<>();
		try (Cursor<String> cursor = this.redis.scan(ScanOptions.scanOptions().match(presence + "*").count(1000).build())) {
			cursor.forEachRemaining(keys::add);
		}
		List<String> clientIds = keys.isEmpty() ? List.of() : this.redis.opsForValue().multiGet(keys);
		Map<String, String> instances = new HashMap<>();
		for (int i = 0; i < keys.size(); i++) {
			String clientId = (clientIds != null) ? clientIds.get(i) : null;
			if (clientId != null) {
				instances.put(clientId, keys.get(i).substring(presence.length()));
			}
		}
		return instances;
	}

	@Override
	public Map<String, Map<String, String>> shareDefinitions(String instanceId, Map<String, String> fingerprints) {
		Map<String, String> fields = new HashMap<>();
		fingerprints.forEach((name, hash) -> fields.put(name + FIELD_SEPARATOR + instanceId, hash));
		if (!fields.isEmpty()) {
			this.redis.opsForHash().putAll(this.definitionsKey, fields);
		}
		Map<String, Map<String, String>> all = new TreeMap<>();
		this.redis.<String, String>opsForHash().entries(this.definitionsKey).forEach((field, hash) -> {
			int separator = field.lastIndexOf(FIELD_SEPARATOR);
			if (separator > 0) {
				all.computeIfAbsent(field.substring(0, separator), (name) -> new TreeMap<>())
					.put(field.substring(separator + 1), hash);
			}
		});
		this.published = Set.copyOf(fields.keySet());
		return all;
	}

	@Override
	public void releaseAll() {
		try {
			if (!this.published.isEmpty()) {
				this.redis.opsForHash().delete(this.definitionsKey, this.published.toArray());
			}
		}
		catch (RuntimeException ex) {
			// the live instances are read from the presence locks: a stale hash is never compared
		}
		this.registry.destroy();
	}

}
