package dev.sseclient.cluster;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;

/**
 * Stream locks in Redis, through Spring Integration's {@link RedisLockRegistry}. Redis keeps a
 * lock's holder as a random client id of the registry, so the holder of a stream held
 * elsewhere is not shown.
 */
public final class RedisStreamLocks implements StreamLocks {

	private final RedisLockRegistry registry;

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
	}

	@Override
	public RedisLockRegistry registry() {
		return this.registry;
	}

	@Override
	public @Nullable String holderOf(String stream) {
		return null;
	}

	@Override
	public void releaseAll() {
		this.registry.destroy();
	}

}
