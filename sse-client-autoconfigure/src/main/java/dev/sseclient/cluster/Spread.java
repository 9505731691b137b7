package dev.sseclient.cluster;

import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * Spreads streams evenly over the live instances, from one snapshot of the lock store. Each
 * instance decides for itself, yet the instances agree, as they read the same snapshot: a free
 * lock goes to the least loaded instance (ties to the smallest id), and an instance past its
 * fair share gives up a lock only when that leaves the two ends closer than before, so
 * nothing moves back and forth. A load counts streams: a lock weighs as many streams as it
 * guards. Each decision is counted in, so one round decides many locks at once.
 */
final class Spread {

	private final String self;

	private final Map<String, Integer> loads = new TreeMap<>();

	private final double fairShare;

	/**
	 * @param self this instance's id
	 * @param instances the live instances (this one among them or not)
	 * @param loads streams per instance, from the locks each holds
	 * @param total streams over every lock this instance knows, held or free
	 */
	Spread(String self, Set<String> instances, Map<String, Integer> loads, int total) {
		this.self = self;
		this.loads.put(self, 0);
		instances.forEach((instance) -> this.loads.put(instance, 0));
		this.loads.putAll(loads);
		this.fairShare = (double) total / this.loads.size();
	}

	/** Whether this instance takes a free lock guarding {@code weight} streams; counted for whichever should. */
	boolean take(int weight) {
		String target = leastLoaded(null);
		this.loads.merge(target, weight, Integer::sum);
		return target.equals(this.self);
	}

	/** This instance took a lock regardless (it stayed free too long). */
	void took(int weight) {
		this.loads.merge(this.self, weight, Integer::sum);
	}

	/** Whether this instance gives up a lock it holds guarding {@code weight} streams; counted if so. */
	boolean release(int weight) {
		String other = leastLoaded(this.self);
		if (other == null) {
			return false;
		}
		int mine = this.loads.get(this.self);
		int least = this.loads.get(other);
		if (mine <= this.fairShare || mine - least <= weight) {
			return false;
		}
		this.loads.merge(this.self, -weight, Integer::sum);
		this.loads.merge(other, weight, Integer::sum);
		return true;
	}

	/** Streams per instance as decided so far. */
	Map<String, Integer> loads() {
		return Map.copyOf(this.loads);
	}

	private @Nullable String leastLoaded(@Nullable String except) {
		return this.loads.entrySet()
			.stream()
			.filter((entry) -> !entry.getKey().equals(except))
			.min(Comparator.comparingInt((Map.Entry<String, Integer> entry) -> entry.getValue())
				.thenComparing(Map.Entry::getKey))
			.map(Map.Entry::getKey)
			.orElse(null);
	}

}
