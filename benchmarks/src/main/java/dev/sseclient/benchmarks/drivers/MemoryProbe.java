package dev.sseclient.benchmarks.drivers;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Bytes allocated by each live thread, and the collections so far: taken at the start and end
 * of a measured window, the allocation per event and the collections that could explain a
 * latency tail. A thread's allocation counts from the start (or its birth) to the end; threads
 * that ended inside the window are left out, so the figure can only be low. The drivers'
 * reading threads live for the whole connection.
 */
record MemoryProbe(Map<Long, Long> allocatedByThread, long collections, long collectionMillis) {

	static MemoryProbe now() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long[] ids = threads.getAllThreadIds();
		long[] allocated = threads.getThreadAllocatedBytes(ids);
		Map<Long, Long> byThread = new HashMap<>();
		for (int i = 0; i < ids.length; i++) {
			if (allocated[i] >= 0) {
				byThread.put(ids[i], allocated[i]);
			}
		}
		long collections = 0;
		long millis = 0;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			collections += Math.max(0, collector.getCollectionCount());
			millis += Math.max(0, collector.getCollectionTime());
		}
		return new MemoryProbe(byThread, collections, millis);
	}

	/** {@code allocPerEvent gcCount gcMillis} from {@code start} to this probe. */
	String since(MemoryProbe start, long events) {
		long allocated = 0;
		for (Map.Entry<Long, Long> thread : this.allocatedByThread.entrySet()) {
			allocated += thread.getValue() - start.allocatedByThread.getOrDefault(thread.getKey(), 0L);
		}
		return String.format(Locale.ROOT, "allocPerEvent=%.0f gcCount=%d gcMillis=%d",
				allocated / (double) Math.max(1, events), this.collections - start.collections,
				this.collectionMillis - start.collectionMillis);
	}

}
