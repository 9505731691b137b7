package dev.sseclient.cluster;

import org.jspecify.annotations.Nullable;

import org.springframework.integration.support.locks.LockRegistry;

/**
 * The lock registry the instances share, with what the coordinator needs besides locks.
 */
public interface StreamLocks {

	/** The shared registry; a stream's lock key is its name. */
	LockRegistry<?> registry();

	/** The holder's instance id, or {@code null} if free or unknown. */
	@Nullable String holderOf(String stream);

	/** Release whatever this instance still holds; the elections have stopped. */
	default void releaseAll() {
	}

}
