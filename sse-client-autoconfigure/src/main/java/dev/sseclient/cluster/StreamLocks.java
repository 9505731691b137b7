package dev.sseclient.cluster;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.integration.support.locks.LockRegistry;

/**
 * The lock registry the instances share, with what the coordinator reads besides locks: who
 * holds a lock, and how many each instance holds, for spreading the streams evenly.
 */
public interface StreamLocks {

	/** The shared registry. */
	LockRegistry<?> registry();

	/** The id of the instance holding a lock, or {@code null} if it is free or the holder unknown. */
	@Nullable String holderOf(String lockKey);

	/**
	 * Live locks per holding instance. Every live instance holds a presence lock, so the keys
	 * are the live instances.
	 */
	Map<String, Integer> locksPerHolder();

	/** Release whatever this instance still holds; the elections have stopped. */
	default void releaseAll() {
	}

}
