package dev.sseclient.cluster;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.locks.Lock;

import org.springframework.integration.support.locks.RenewableLockRegistry;

/**
 * The lock registry the instances share, with what the coordinator reads besides locks: who
 * holds which lock and which instances are alive, in one read however many locks there are.
 */
public interface StreamLocks {

	/** The shared registry. */
	RenewableLockRegistry<? extends Lock> registry();

	/**
	 * One read of the lock store.
	 * @param lockKeys the locks whose holders are wanted
	 */
	LockSnapshot snapshot(Collection<String> lockKeys);

	/**
	 * Publishes this instance's definitions (a short hash per declared stream and template)
	 * and reads every instance's, so that instances defining one stream differently can say so.
	 * @return definition name to instance id to its hash
	 */
	Map<String, Map<String, String>> shareDefinitions(String instanceId, Map<String, String> fingerprints);

	/** Release whatever this instance still holds; coordination has stopped. */
	default void releaseAll() {
	}

}
