package dev.sseclient.benchmarks.drivers;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * The young collections' pauses in a measured window, from the JVM's own notifications: their
 * count, median and longest, to stand beside a latency tail that one of them may explain.
 */
final class YoungPauses {

	private final List<Long> millis = new ArrayList<>();

	private volatile boolean recording;

	private YoungPauses() {
	}

	/** Listens from now on; counts only between {@link #start()} and {@link #summary()}. */
	static YoungPauses listen() {
		YoungPauses pauses = new YoungPauses();
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (collector instanceof NotificationEmitter emitter) {
				emitter.addNotificationListener((notification, handback) -> {
					if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
						pauses.collected(GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()));
					}
				}, null, null);
			}
		}
		return pauses;
	}

	void start() {
		this.recording = true;
	}

	private void collected(GarbageCollectionNotificationInfo info) {
		if (this.recording && info.getGcAction().contains("minor")) {
			synchronized (this.millis) {
				this.millis.add(info.getGcInfo().getDuration());
			}
		}
	}

	/** {@code youngCount youngMedianMs youngMaxMs}, and stops counting. */
	String summary() {
		this.recording = false;
		List<Long> sorted;
		synchronized (this.millis) {
			sorted = new ArrayList<>(this.millis);
		}
		sorted.sort(null);
		long median = sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
		long max = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1);
		return String.format(Locale.ROOT, "youngCount=%d youngMedianMs=%d youngMaxMs=%d", sorted.size(), median, max);
	}

}
