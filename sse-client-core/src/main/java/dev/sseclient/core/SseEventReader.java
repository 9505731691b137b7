package dev.sseclient.core;

import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The events of one stream for code without Reactor types: a Spring MVC controller, a
 * scheduled job, a virtual thread. Iterate it once, in try-with-resources; {@link Iterator#next()}
 * blocks until the next event. Backpressure holds: one event is requested at a time, so while
 * the loop body runs, reading from the socket pauses (a few reads already in flight aside) and
 * TCP holds the server back. Reconnection, {@code Last-Event-ID}, completion and failure follow
 * the request as with {@link SseStream#events()}: the loop ends when the stream completes, and
 * {@code next} or {@code hasNext} throw the {@link SseException} that ended it. {@link #close()}
 * may be called from any thread; it ends a loop that is waiting.
 *
 * <pre>{@code
 * try (SseEventReader events = sseClient.open(request)) {
 *     for (SseEvent event : events) {
 *         prices.update(event.data());
 *     }
 * }
 * }</pre>
 *
 * Not for Reactor's own threads (such as Netty's event loops): waiting there would stop the
 * reading it waits for, so it fails at once with an {@code IllegalStateException}.
 */
public final class SseEventReader implements Iterable<SseEvent>, AutoCloseable {

	private final SseStream stream;

	private final Iterator<SseEvent> events;

	private final AtomicBoolean iterated = new AtomicBoolean();

	SseEventReader(SseStream stream) {
		this.stream = stream;
		// a batch of one: the next event is asked for only when this one was taken
		this.events = stream.events().toIterable(1).iterator();
	}

	/** The stream being read, for its state, last event id or a restart. */
	public SseStream stream() {
		return this.stream;
	}

	/**
	 * The events, to be iterated once. Subscribing (and connecting) happened when the reader was
	 * opened.
	 * @throws IllegalStateException when asked a second time
	 */
	@Override
	public Iterator<SseEvent> iterator() {
		if (!this.iterated.compareAndSet(false, true)) {
			throw new IllegalStateException("The events of stream '" + this.stream.request().name()
					+ "' can be iterated only once");
		}
		return this.events;
	}

	/** The events as a sequential {@code Stream}, to be used once; closing it closes the reader. */
	public Stream<SseEvent> events() {
		return StreamSupport.stream(spliterator(), false).onClose(this::close);
	}

	/** Stops the stream for good and ends the loop; events not yet taken are dropped. */
	@Override
	public void close() {
		this.stream.close();
	}

}
