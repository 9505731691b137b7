package dev.sseclient.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.scheduler.Schedulers;

/**
 * One WARN per lost HTTP/2 connection rather than one per stream on it: the first stream to
 * report the loss starts a short window, the others count in it, and at its end one line says
 * how many streams the connection carried. Each stream's own line goes to DEBUG.
 */
final class SharedConnectionLosses {

	private static final Log logger = LogFactory.getLog(SseStream.class);

	/** Long enough for every stream of a connection to learn of its loss. */
	static final Duration WINDOW = Duration.ofMillis(500);

	private static final Map<String, Loss> losses = new ConcurrentHashMap<>();

	private SharedConnectionLosses() {
	}

	/** A stream learned that its connection was lost. */
	static void report(String connectionId, String origin, String reason) {
		Loss loss = losses.computeIfAbsent(connectionId, (id) -> {
			Loss first = new Loss(origin, reason);
			Schedulers.parallel().schedule(() -> summarize(id), WINDOW.toMillis(), TimeUnit.MILLISECONDS);
			return first;
		});
		loss.streams.incrementAndGet();
	}

	private static void summarize(String connectionId) {
		Loss loss = losses.remove(connectionId);
		if (loss != null) {
			logger.warn("HTTP/2 connection " + connectionId + " to " + loss.origin + " was lost (" + loss.reason + "): "
					+ loss.streams.get() + " stream(s) on it reconnect, each on its own back-off (their lines at DEBUG)");
		}
	}

	private record Loss(String origin, String reason, AtomicInteger streams) {

		Loss(String origin, String reason) {
			this(origin, reason, new AtomicInteger());
		}

	}

}
