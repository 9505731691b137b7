package dev.sseclient.cluster;

import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The live locks of one read of the lock store: who holds each lock asked about, and which
 * instances are alive (each holds a presence lock).
 *
 * @param holders lock key to the id of the instance holding it; free locks are absent
 * @param instances the ids of the live instances
 */
public record LockSnapshot(Map<String, String> holders, Set<String> instances) {

	/** Nothing read yet. */
	public static final LockSnapshot EMPTY = new LockSnapshot(Map.of(), Set.of());

	/** The instance holding the lock, or {@code null} if it is free. */
	public @Nullable String holderOf(String lockKey) {
		return this.holders.get(lockKey);
	}

}
