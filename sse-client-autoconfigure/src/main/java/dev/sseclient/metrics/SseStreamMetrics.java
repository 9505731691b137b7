package dev.sseclient.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import org.jspecify.annotations.Nullable;

import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamObserver;
import dev.sseclient.container.StreamRole;
import dev.sseclient.core.SseContentTypeException;
import dev.sseclient.core.SseEvent;
import dev.sseclient.core.SseException;
import dev.sseclient.core.SseHttpStatusException;
import dev.sseclient.core.SseIncompleteResponseException;
import dev.sseclient.core.SseItem;
import dev.sseclient.core.SseItemObserver;
import dev.sseclient.core.SseRedirectException;
import dev.sseclient.core.SseSignal;
import dev.sseclient.core.SseStream;
import dev.sseclient.core.SseTimeoutException;
import dev.sseclient.core.StreamState;
import dev.sseclient.core.parse.EventStreamLimitException;

/**
 * Micrometer meters of every declared or registered stream, and of every named stream opened
 * through the auto-configured {@code SseClient}, all tagged {@code stream}:
 * <ul>
 * <li>{@code sse.client.events.received} (counter, tag {@code event}: the type; at most
 * {@value #MAX_EVENT_TYPES} types per stream, the rest counted as {@code other})</li>
 * <li>{@code sse.client.bytes.received} (counter, bytes)</li>
 * <li>{@code sse.client.connection.attempts} (counter, tag {@code outcome}: {@code opened},
 * {@code http_4xx}, {@code http_5xx}, {@code io_error}, {@code timeout},
 * {@code content_type}, {@code redirect_error}, {@code error})</li>
 * <li>{@code sse.client.connections.open} (gauge, 0 or 1)</li>
 * <li>{@code sse.client.events.buffered} (gauge: received, not yet handed to listeners)</li>
 * <li>{@code sse.client.time.since.last.event} (time gauge, seconds)</li>
 * <li>{@code sse.client.events.dropped} (counter, tag {@code reason}: {@code too_large} for an
 * event over {@code max-event-size}, {@code overflow} for one dropped by a drop policy)</li>
 * <li>{@code sse.client.stream.ends} (counter, tag {@code outcome}: {@code completed},
 * {@code incomplete} for a finite stream whose response ended before completing,
 * {@code failed}, {@code closed})</li>
 * <li>cluster mode: {@code sse.client.cluster.active} (gauge: 1 while this instance runs the
 * stream, 0 on standby) and {@code sse.client.cluster.takeovers} (counter: times this instance
 * took the stream)</li>
 * </ul>
 * Meters of a stream are registered when it first connects, or, in cluster mode, joins, and
 * removed with the stream.
 */
public class SseStreamMetrics implements SseStreamObserver, SseItemObserver {

	static final int MAX_EVENT_TYPES = 20;

	private final MeterRegistry registry;

	private final Map<String, StreamMeters> streams = new ConcurrentHashMap<>();

	public SseStreamMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void onSignal(SseStreamContainer container, SseSignal signal) {
		meters(container).signal(signal);
	}

	/**
	 * A named stream opened by hand, through the auto-configured {@code SseClient}: its events,
	 * connection attempts, drops and ends are counted as a declared stream's are (the gauges,
	 * which read a container, are left out).
	 */
	@Override
	public void onItem(SseStream stream, SseItem item) {
		StreamMeters meters = this.streams.computeIfAbsent(stream.request().name(), StreamMeters::new);
		if (item instanceof SseEvent event) {
			meters.received(event.type());
		}
		else if (item instanceof SseSignal signal) {
			meters.signal(signal);
		}
	}

	static String endOutcome(SseSignal.Closed closed) {
		return switch (closed.state()) {
			case COMPLETED -> "completed";
			case FAILED -> (closed.cause() instanceof SseIncompleteResponseException) ? "incomplete" : "failed";
			default -> "closed";
		};
	}

	@Override
	public void onDropped(SseStreamContainer container, SseEvent event, String reason) {
		meters(container).dropped(reason);
	}

	@Override
	public void onEvent(SseStreamContainer container, SseEvent event) {
		meters(container).received(event.type());
	}

	/** A removed stream's meters go with it, so streams registered and removed at run time leave none behind. */
	@Override
	public void onRemoved(SseStreamContainer container) {
		this.streams.remove(container.getName());
		this.registry.getMeters()
			.stream()
			.filter((meter) -> meter.getId().getName().startsWith("sse.client.")
					&& container.getName().equals(meter.getId().getTag("stream")))
			.forEach(this.registry::remove);
	}

	@Override
	public void onRoleChanged(SseStreamContainer container, StreamRole.Role role) {
		meters(container).roleChanged(role);
	}

	private StreamMeters meters(SseStreamContainer container) {
		// looked up before computed: a capturing lambda per event would be garbage per event
		StreamMeters meters = this.streams.get(container.getName());
		if (meters != null) {
			return meters;
		}
		return this.streams.computeIfAbsent(container.getName(), (name) -> new StreamMeters(name).withGauges(container));
	}

	static String outcome(SseException failure) {
		if (failure instanceof SseHttpStatusException status) {
			return "http_" + (status.getStatus() / 100) + "xx";
		}
		if (failure instanceof SseTimeoutException) {
			return "timeout";
		}
		if (failure instanceof SseContentTypeException) {
			return "content_type";
		}
		if (failure instanceof SseRedirectException) {
			return "redirect_error";
		}
		return failure.isRetryable() ? "io_error" : "error";
	}

	private final class StreamMeters {

		private final String stream;

		private final Map<String, Counter> eventCounters = new ConcurrentHashMap<>();

		private final Map<String, Counter> attemptCounters = new ConcurrentHashMap<>();

		private @Nullable Counter otherTypes;

		// touched only by signals, which arrive one at a time
		private boolean opened;

		private volatile boolean active;

		private @Nullable Counter takeovers;

		StreamMeters(String stream) {
			this.stream = stream;
		}

		/** The meters that read the container's state. */
		StreamMeters withGauges(SseStreamContainer container) {
			FunctionCounter.builder("sse.client.bytes.received", container, SseStreamContainer::getBytesReceived)
				.baseUnit("bytes")
				.description("Bytes of event stream received")
				.tag("stream", this.stream)
				.register(SseStreamMetrics.this.registry);
			Gauge.builder("sse.client.connections.open", container, (c) -> (c.getState() == StreamState.OPEN) ? 1 : 0)
				.description("Whether the stream's connection is open")
				.tag("stream", this.stream)
				.register(SseStreamMetrics.this.registry);
			Gauge.builder("sse.client.events.buffered", container, SseStreamContainer::getBufferedEvents)
				.description("Events received but not yet handed to the listeners")
				.tag("stream", this.stream)
				.register(SseStreamMetrics.this.registry);
			TimeGauge.builder("sse.client.time.since.last.event", container, TimeUnit.MILLISECONDS, StreamMeters::millisSinceLastEvent)
				.description("Time since the stream's last event")
				.tag("stream", this.stream)
				.register(SseStreamMetrics.this.registry);
			return this;
		}

		/** Signals of a stream arrive one at a time. */
		void signal(SseSignal signal) {
			if (signal instanceof SseSignal.Opened) {
				this.opened = true;
				attempt("opened");
			}
			else if (signal instanceof SseSignal.Failed failed) {
				if (!this.opened) {
					attempt(outcome(failed.cause()));
				}
				if (failed.cause() instanceof EventStreamLimitException) {
					dropped("too_large");
				}
				this.opened = false;
			}
			else if (signal instanceof SseSignal.Closed closed) {
				ended(endOutcome(closed));
			}
		}

		/** Called for one event at a time per stream, so the cap check needs no lock. */
		void received(String type) {
			Counter counter = this.eventCounters.get(type);
			if (counter == null) {
				counter = (this.eventCounters.size() < MAX_EVENT_TYPES)
						? this.eventCounters.computeIfAbsent(type, this::eventCounter) : otherTypes();
			}
			counter.increment();
		}

		private Counter otherTypes() {
			Counter other = this.otherTypes;
			if (other == null) {
				other = eventCounter("other");
				this.otherTypes = other;
			}
			return other;
		}

		private Counter eventCounter(String tag) {
			return Counter.builder("sse.client.events.received")
				.description("Events received")
				.tags("stream", this.stream, "event", tag)
				.register(SseStreamMetrics.this.registry);
		}

		void dropped(String reason) {
			increment("sse.client.events.dropped", "Events that did not reach the listeners", "reason", reason);
		}

		void ended(String outcome) {
			increment("sse.client.stream.ends", "Ends of the stream by outcome", "outcome", outcome);
		}

		/** For rare counts: the registry hands back the meter it already has. */
		private void increment(String name, String description, String tag, String value) {
			Counter.builder(name)
				.description(description)
				.tags("stream", this.stream, tag, value)
				.register(SseStreamMetrics.this.registry)
				.increment();
		}

		void attempt(String outcome) {
			this.attemptCounters
				.computeIfAbsent(outcome, (key) -> Counter.builder("sse.client.connection.attempts")
					.description("Connection attempts by outcome")
					.tags("stream", this.stream, "outcome", key)
					.register(SseStreamMetrics.this.registry))
				.increment();
		}

		/**
		 * Role changes come from the registry joining the stream and then from its election's
		 * thread; registering a meter twice gives back the same meter, so a race costs nothing.
		 */
		void roleChanged(StreamRole.Role role) {
			Counter counter = this.takeovers;
			if (counter == null) {
				Gauge.builder("sse.client.cluster.active", this, (meters) -> meters.active ? 1 : 0)
					.description("Whether this instance runs the stream (cluster mode)")
					.tag("stream", this.stream)
					.register(SseStreamMetrics.this.registry);
				counter = Counter.builder("sse.client.cluster.takeovers")
					.description("Times this instance took the stream's lock (cluster mode)")
					.tag("stream", this.stream)
					.register(SseStreamMetrics.this.registry);
				this.takeovers = counter;
			}
			this.active = role == StreamRole.Role.ACTIVE;
			if (this.active) {
				counter.increment();
			}
		}

		private static double millisSinceLastEvent(SseStreamContainer container) {
			Instant last = (container.getStream() != null) ? container.getStream().lastEventAt() : null;
			return (last != null) ? Duration.between(last, Instant.now()).toMillis() : Double.NaN;
		}

	}

}
