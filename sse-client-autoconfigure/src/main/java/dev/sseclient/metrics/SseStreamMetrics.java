package dev.sseclient.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamObserver;
import dev.sseclient.container.StreamDefinition;
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
 * through the auto-configured {@code SseClient}, all tagged {@code stream} and {@code template}.
 * A declared stream has meters of its own ({@code template} is {@code none}). Streams registered
 * at run time share their template's ({@code stream} and {@code template} both its name;
 * {@code stream} is {@code registered} for bare requests) unless the template asks for meters per
 * stream, so ten thousand devices are a handful of series: counters add up, and the gauges become
 * aggregates over the streams (connections open, events buffered, the longest time since a last
 * event, streams run here).
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

	/** By the value of their {@code stream} tag: a stream's own, or a template's shared by its streams. */
	private final Map<String, StreamMeters> groups = new ConcurrentHashMap<>();

	/** By stream name: the meters each container counts into, found with one lookup per event. */
	private final Map<String, Member> streams = new ConcurrentHashMap<>();

	/** Streams removed: a signal of theirs still on its way must not make their meters anew. */
	private final Set<SseStreamContainer> removed = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	/** Named streams opened by hand through the auto-configured {@code SseClient}, by name. */
	private final Map<String, Member> openedByHand = new ConcurrentHashMap<>();

	public SseStreamMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void onSignal(SseStreamContainer container, SseSignal signal) {
		Member member = member(container);
		if (member != null) {
			member.meters.signal(signal, member);
		}
	}

	/**
	 * A named stream opened by hand, through the auto-configured {@code SseClient}: its events,
	 * connection attempts, drops and ends are counted as a declared stream's are (the gauges,
	 * which read a container, are left out).
	 */
	@Override
	public void onItem(SseStream stream, SseItem item) {
		Member member = this.openedByHand.computeIfAbsent(stream.request().name(), (name) -> new Member(
				this.groups.computeIfAbsent(name, (group) -> new StreamMeters(group, StreamDefinition.NO_TEMPLATE))));
		if (item instanceof SseEvent event) {
			member.meters.received(event.type());
		}
		else if (item instanceof SseSignal signal) {
			member.meters.signal(signal, member);
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
		Member member = member(container);
		if (member != null) {
			member.meters.dropped(reason);
		}
	}

	@Override
	public void onEvent(SseStreamContainer container, SseEvent event) {
		Member member = member(container);
		if (member != null) {
			member.meters.received(event.type());
		}
	}

	/**
	 * A removed stream leaves its group's aggregates; its meters go with the last stream of the
	 * group, so streams registered and removed at run time leave none behind.
	 */
	@Override
	public void onRemoved(SseStreamContainer container) {
		this.removed.add(container);
		Member member = this.streams.remove(container.getName());
		if (member == null || !member.meters.leave(container)) {
			return;
		}
		StreamMeters meters = member.meters;
		this.groups.remove(meters.stream, meters);
		this.registry.getMeters()
			.stream()
			.filter((meter) -> meter.getId().getName().startsWith("sse.client.")
					&& meters.stream.equals(meter.getId().getTag("stream")))
			.forEach(this.registry::remove);
	}

	/**
	 * One request made from a declared stream's settings (one AI answer):
	 * {@code sse.client.request.first.event} (time to first event, "time to first token"),
	 * {@code sse.client.request.duration} and {@code sse.client.request.events} (events per
	 * request), the last two by {@code outcome}; tagged with the declared stream.
	 */
	@Override
	public void onRequestEnded(SseStreamContainer container, @Nullable Duration firstEvent, Duration duration, int events,
			String outcome) {
		StreamDefinition definition = container.getDefinition();
		Tags tags = Tags.of("stream", definition.meterStream(), "template", definition.meterTemplate());
		if (firstEvent != null) {
			Timer.builder("sse.client.request.first.event")
				.description("Time from a request going out to its first event")
				.tags(tags)
				.register(this.registry)
				.record(firstEvent);
		}
		Timer.builder("sse.client.request.duration")
			.description("Time from a request going out to its end")
			.tags(tags.and("outcome", outcome))
			.register(this.registry)
			.record(duration);
		DistributionSummary.builder("sse.client.request.events")
			.description("Events a request delivered")
			.tags(tags.and("outcome", outcome))
			.register(this.registry)
			.record(events);
	}

	@Override
	public void onRoleChanged(SseStreamContainer container, StreamRole.Role role) {
		Member member = member(container);
		if (member != null) {
			member.meters.roleChanged(container, role);
		}
	}

	/** The stream's place in its meters; {@code null} once it was removed. */
	private @Nullable Member member(SseStreamContainer container) {
		// looked up before computed: a capturing lambda per event would be garbage per event
		Member member = this.streams.get(container.getName());
		if (member != null) {
			return member;
		}
		if (this.removed.contains(container)) {
			return null;
		}
		return this.streams.computeIfAbsent(container.getName(), (name) -> join(container));
	}

	private Member join(SseStreamContainer container) {
		StreamDefinition definition = container.getDefinition();
		return new Member(this.groups.compute(definition.meterStream(), (stream, existing) -> {
			StreamMeters meters = (existing != null) ? existing
					: new StreamMeters(stream, definition.meterTemplate()).withGauges();
			meters.members.add(container);
			return meters;
		}));
	}

	/** A stream's place in its meters, with what its own signals track. */
	private static final class Member {

		final StreamMeters meters;

		/** Whether its current attempt opened; its signals arrive one at a time. */
		boolean opened;

		Member(StreamMeters meters) {
			this.meters = meters;
		}

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

		private final String template;

		/** The containers counting into these meters: one, or a template's streams. */
		final Set<SseStreamContainer> members = ConcurrentHashMap.newKeySet();

		/** Members running here (cluster mode). */
		private final Set<SseStreamContainer> active = ConcurrentHashMap.newKeySet();

		/** Bytes of members removed, so the byte counter never goes back. */
		private final DoubleAdder bytesOfRemoved = new DoubleAdder();

		private final Map<String, Counter> eventCounters = new ConcurrentHashMap<>();

		private final Map<String, Counter> attemptCounters = new ConcurrentHashMap<>();

		private @Nullable Counter otherTypes;

		private @Nullable Counter takeovers;

		StreamMeters(String stream, String template) {
			this.stream = stream;
			this.template = template;
		}

		/** The meters that read the members' state: sums, counts and the longest silence. */
		StreamMeters withGauges() {
			FunctionCounter.builder("sse.client.bytes.received", this, StreamMeters::bytesReceived)
				.baseUnit("bytes")
				.description("Bytes of event stream received")
				.tags("stream", this.stream, "template", this.template)
				.register(SseStreamMetrics.this.registry);
			Gauge.builder("sse.client.connections.open", this, StreamMeters::connectionsOpen)
				.description("Connections open: 0 or 1 for a stream, how many for a template's streams")
				.tags("stream", this.stream, "template", this.template)
				.register(SseStreamMetrics.this.registry);
			Gauge.builder("sse.client.events.buffered", this, StreamMeters::eventsBuffered)
				.description("Events received but not yet handed to the listeners")
				.tags("stream", this.stream, "template", this.template)
				.register(SseStreamMetrics.this.registry);
			TimeGauge.builder("sse.client.time.since.last.event", this, TimeUnit.MILLISECONDS, StreamMeters::millisSinceLastEvent)
				.description("Time since the stream's last event; for a template's streams, the longest")
				.tags("stream", this.stream, "template", this.template)
				.register(SseStreamMetrics.this.registry);
			return this;
		}

		/** Whether the member was the last. */
		boolean leave(SseStreamContainer container) {
			this.bytesOfRemoved.add(container.getBytesReceived());
			this.active.remove(container);
			this.members.remove(container);
			return this.members.isEmpty();
		}

		private double bytesReceived() {
			double bytes = this.bytesOfRemoved.sum();
			for (SseStreamContainer member : this.members) {
				bytes += member.getBytesReceived();
			}
			return bytes;
		}

		private double connectionsOpen() {
			int open = 0;
			for (SseStreamContainer member : this.members) {
				if (member.getState() == StreamState.OPEN) {
					open++;
				}
			}
			return open;
		}

		private double eventsBuffered() {
			long buffered = 0;
			for (SseStreamContainer member : this.members) {
				buffered += member.getBufferedEvents();
			}
			return buffered;
		}

		private double millisSinceLastEvent() {
			Instant now = Instant.now();
			double longest = Double.NaN;
			for (SseStreamContainer member : this.members) {
				SseStream current = member.getStream();
				Instant last = (current != null) ? current.lastEventAt() : null;
				if (last != null) {
					double millis = Duration.between(last, now).toMillis();
					longest = Double.isNaN(longest) ? millis : Math.max(longest, millis);
				}
			}
			return longest;
		}

		/** Signals of a stream arrive one at a time. */
		void signal(SseSignal signal, Member member) {
			if (signal instanceof SseSignal.Opened) {
				member.opened = true;
				attempt("opened");
			}
			else if (signal instanceof SseSignal.Failed failed) {
				if (!member.opened) {
					attempt(outcome(failed.cause()));
				}
				if (failed.cause() instanceof EventStreamLimitException) {
					dropped("too_large");
				}
				member.opened = false;
			}
			else if (signal instanceof SseSignal.Closed closed) {
				ended(endOutcome(closed));
			}
		}

		/** The cap on event types is checked without a lock: a template's streams may pass it by a few. */
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
				.tags("stream", this.stream, "template", this.template, "event", tag)
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
				.tags("stream", this.stream, "template", this.template, tag, value)
				.register(SseStreamMetrics.this.registry)
				.increment();
		}

		void attempt(String outcome) {
			this.attemptCounters
				.computeIfAbsent(outcome, (key) -> Counter.builder("sse.client.connection.attempts")
					.description("Connection attempts by outcome")
					.tags("stream", this.stream, "template", this.template, "outcome", key)
					.register(SseStreamMetrics.this.registry))
				.increment();
		}

		/**
		 * Role changes come from the registry joining the stream and then from a coordination
		 * thread; registering a meter twice gives back the same meter, so a race costs nothing.
		 */
		void roleChanged(SseStreamContainer container, StreamRole.Role role) {
			Counter counter = this.takeovers;
			if (counter == null) {
				Gauge.builder("sse.client.cluster.active", this.active, Set::size)
					.description("Streams this instance runs (cluster mode): 0 or 1 for a stream")
					.tags("stream", this.stream, "template", this.template)
					.register(SseStreamMetrics.this.registry);
				counter = Counter.builder("sse.client.cluster.takeovers")
					.description("Times this instance took the stream's lock (cluster mode)")
					.tags("stream", this.stream, "template", this.template)
					.register(SseStreamMetrics.this.registry);
				this.takeovers = counter;
			}
			if (role == StreamRole.Role.ACTIVE) {
				this.active.add(container);
				counter.increment();
			}
			else {
				this.active.remove(container);
			}
		}

	}

}
