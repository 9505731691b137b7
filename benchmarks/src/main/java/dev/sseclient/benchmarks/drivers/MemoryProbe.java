package dev.sseclient.benchmarks.drivers;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Bytes allocated by every live thread, and the collections so far: taken at the start and end
 * of a measured window, the allocation per event and the collections that could explain a
 * latency tail. Threads that end inside the window are not counted; the drivers' reading
 * threads live for the whole connection.
 */
record MemoryProbe(long allocatedBytes, long collections, long collectionMillis) {

	static MemoryProbe now() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long allocated = 0;
		for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
			allocated += Math.max(0, bytes);
		}
		long collections = 0;
		long millis = 0;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			collections += Math.max(0, collector.getCollectionCount());
			millis += Math.max(0, collector.getCollectionTime());
		}
		return new MemoryProbe(allocated, collections, millis);
	}

	/** {@code allocPerEvent gcCount gcMillis} from {@code start} to this probe. */
	String since(MemoryProbe start, long events) {
		return String.format(Locale.ROOT, "allocPerEvent=%.0f gcCount=%d gcMillis=%d",
				(this.allocatedBytes - start.allocatedBytes) / (double) Math.max(1, events),
				this.collections - start.collections, this.collectionMillis - start.collectionMillis);
	}

}
