package dev.sseclient.container;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.util.concurrent.Queues;

import dev.sseclient.core.SseEvent;
import dev.sseclient.core.SseItem;

/**
 * The hand-off between a stream's connection and its listeners: the one ordered path on which
 * a stream's events and signals (opened, failed, retrying, closed) reach the application. The
 * connection's thread puts the items of each network read, as one list, into a queue; the
 * listener pool (or, with {@link ListenerThread#CONNECTION}, the connection's thread itself,
 * through an executor that runs the loop where it is given) takes them out and hands them on
 * one at a time, in order, so a signal is handled after every event before it. One queue
 * operation and at most one pool task per read, not per event: what {@code concatMapIterable},
 * {@code publishOn} and {@code concatMap} cost per event was most of the listener path's
 * overhead.
 *
 * <p>The buffer is counted in items, not reads: one list is asked for at a time, and only while
 * fewer than {@code capacity} items wait, so a slow listener stops reading from the socket; at
 * most the rest of the read that filled the buffer waits beyond it. With a dropping overflow
 * policy the loop reads without pause into a {@link DroppingBuffer} instead.
 *
 * <p>The dispatch function handles an item and returns {@code null} when it is done with it,
 * or a {@code Mono} (an async listener, a retry) that the loop waits for before the next item.
 * When a stream has batch listeners, the events that wait in a row (no signal between them) are
 * handed on together instead, up to the batch size.
 */
final class DispatchLoop implements CoreSubscriber<List<SseItem>>, Disposable, Runnable {

	private static final Log logger = LogFactory.getLog(DispatchLoop.class);

	// fields with handles rather than Atomic* objects: 10,000 streams hold 10,000 loops
	private static final VarHandle RUNS_REQUESTED;

	private static final VarHandle RECEIVED;

	private static final VarHandle TAKEN;

	private static final VarHandle LIST_REQUESTED;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			RUNS_REQUESTED = lookup.findVarHandle(DispatchLoop.class, "runsRequested", int.class);
			RECEIVED = lookup.findVarHandle(DispatchLoop.class, "received", long.class);
			TAKEN = lookup.findVarHandle(DispatchLoop.class, "taken", long.class);
			LIST_REQUESTED = lookup.findVarHandle(DispatchLoop.class, "listRequested", boolean.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final String streamName;

	private final Executor pool;

	private final int capacity;

	private final Function<SseItem, @Nullable Mono<Void>> dispatcher;

	/** For streams with batch listeners: hands on events in a row, else {@code null}. */
	private final @Nullable Function<List<SseEvent>, @Nullable Mono<Void>> batchDispatcher;

	private final int batchSize;

	private final Runnable onComplete;

	/** Reads waiting: one is asked for at a time, so a few at most; the smallest link keeps an idle stream light. */
	private final Queue<List<SseItem>> queue = Queues.<List<SseItem>>unbounded(8).get();

	/** Instead of the queue and its bounded demand, with a dropping overflow policy. */
	private final @Nullable DroppingBuffer dropping;

	/** Runs of the loop asked for: the one that moves it from 0 submits the loop to the pool. */
	private volatile int runsRequested;

	/*
	 * Waiting events = received - taken. Each count has one writer (the connection's thread,
	 * the loop) and is written with an ordered store: no atomic instruction per event.
	 */
	private volatile long received;

	private volatile long taken;

	/** Whether a list is asked for and not yet delivered. */
	private volatile boolean listRequested;

	private volatile @Nullable Subscription upstream;

	private volatile boolean done;

	/** Written before {@link #done}, read after it. */
	private @Nullable Throwable error;

	private volatile boolean cancelled;

	/** Set while an event's async work is pending; its end runs the loop again. */
	private volatile @Nullable Disposable pending;

	// The loop's own: the read being dispatched and the next item in it.
	private @Nullable List<SseItem> current;

	private int next;

	/**
	 * The loop's own: a read of one item was taken whole, and the next is to be asked for at the
	 * next take, as when {@link #current} runs out. Reads of one item (the common case) are not
	 * kept in {@code current}: a reference written into 10,000 old loops at every read is
	 * 10,000 cards for G1 to refine, a flag is none.
	 */
	private boolean takenWhole;

	private boolean terminated;

	DispatchLoop(String streamName, Executor pool, int capacity, @Nullable DroppingBuffer dropping,
			Function<SseItem, @Nullable Mono<Void>> dispatcher, Runnable onComplete) {
		this(streamName, pool, capacity, dropping, dispatcher, null, 1, onComplete);
	}

	/**
	 * A loop that hands events in a row to {@code batchDispatcher}, up to {@code batchSize} at
	 * once, and everything else to {@code dispatcher}.
	 */
	DispatchLoop(String streamName, Executor pool, int capacity, @Nullable DroppingBuffer dropping,
			Function<SseItem, @Nullable Mono<Void>> dispatcher,
			@Nullable Function<List<SseEvent>, @Nullable Mono<Void>> batchDispatcher, int batchSize,
			Runnable onComplete) {
		this.streamName = streamName;
		this.pool = pool;
		this.capacity = capacity;
		this.dropping = dropping;
		this.dispatcher = dispatcher;
		this.batchDispatcher = batchDispatcher;
		this.batchSize = batchSize;
		this.onComplete = onComplete;
	}

	/** Items that arrived so far, dropped ones included. */
	long received() {
		return this.received;
	}

	/** Items taken out to be dispatched so far. */
	long taken() {
		return this.taken;
	}

	/** Items received and not yet taken out. */
	private long waiting() {
		return this.received - this.taken;
	}

	@Override
	public void onSubscribe(Subscription subscription) {
		this.upstream = subscription;
		if (this.dropping != null) {
			subscription.request(Long.MAX_VALUE);
		}
		else {
			requestList();
		}
	}

	@Override
	public void onNext(List<SseItem> items) {
		RECEIVED.setRelease(this, this.received + items.size());
		DroppingBuffer buffer = this.dropping;
		if (buffer != null) {
			buffer.offer(items);
			schedule();
			return;
		}
		this.queue.offer(items);
		// cleared first, then the count read: the loop, after a list, does the reverse
		this.listRequested = false;
		schedule();
		if (waiting() < this.capacity) {
			requestList();
		}
	}

	@Override
	public void onError(Throwable error) {
		this.error = error;
		this.done = true;
		schedule();
	}

	@Override
	public void onComplete() {
		this.done = true;
		schedule();
	}

	@Override
	public void dispose() {
		if (this.cancelled) {
			return;
		}
		this.cancelled = true;
		Subscription subscription = this.upstream;
		if (subscription != null) {
			subscription.cancel();
		}
		Disposable waiting = this.pending;
		if (waiting != null) {
			waiting.dispose();
		}
		schedule();
	}

	@Override
	public boolean isDisposed() {
		return this.cancelled;
	}

	private void requestList() {
		Subscription subscription = this.upstream;
		if (subscription != null && LIST_REQUESTED.compareAndSet(this, false, true)) {
			subscription.request(1);
		}
	}

	private void schedule() {
		if ((int) RUNS_REQUESTED.getAndAdd(this, 1) != 0) {
			return;
		}
		try {
			this.pool.execute(this);
		}
		catch (RejectedExecutionException ex) {
			// the pool is shut down: the application is closing
			logger.debug("Stream '" + this.streamName + "': listener pool closed, buffered events not dispatched");
			clear();
		}
	}

	@Override
	public void run() {
		int missed = 1;
		do {
			drain();
			missed = (int) RUNS_REQUESTED.getAndAdd(this, -missed) - missed;
		}
		while (missed != 0);
	}

	private void drain() {
		while (!this.cancelled && this.pending == null) {
			// read before taking: done and nothing left to take means everything was dispatched
			boolean finished = this.done;
			SseItem item = take();
			if (item == null) {
				if (finished) {
					terminate();
				}
				return;
			}
			addTaken(1);
			Mono<Void> rest = (this.batchDispatcher != null && item instanceof SseEvent event)
					? dispatch(this.batchDispatcher, inARow(event)) : dispatch(this.dispatcher, item);
			if (rest != null) {
				awaitThenResume(rest);
				return;
			}
		}
		if (this.cancelled) {
			clear();
		}
	}

	/** The next item: from the read being dispatched, else the next read (asking for more when there is room). */
	private @Nullable SseItem take() {
		DroppingBuffer buffer = this.dropping;
		if (buffer != null) {
			return buffer.poll();
		}
		List<SseItem> items = this.current;
		if (items != null) {
			if (this.next < items.size()) {
				return items.get(this.next++);
			}
			this.current = null;
			requestMoreIfRoom();
		}
		else if (this.takenWhole) {
			this.takenWhole = false;
			requestMoreIfRoom();
		}
		items = this.queue.poll();
		if (items == null) {
			return null;
		}
		if (items.size() == 1) {
			this.takenWhole = true;
			return items.get(0);
		}
		this.current = items;
		this.next = 1;
		return items.get(0);
	}

	/** The next item if it is an event, taken; else {@code null} and nothing taken. */
	private @Nullable SseEvent takeIfEvent() {
		DroppingBuffer buffer = this.dropping;
		if (buffer != null) {
			return buffer.pollEvent();
		}
		List<SseItem> items = this.current;
		SseItem next = (items != null && this.next < items.size()) ? items.get(this.next) : null;
		if (next == null) {
			List<SseItem> queued = this.queue.peek();
			next = (queued != null) ? queued.get(0) : null;
		}
		return (next instanceof SseEvent) ? (SseEvent) take() : null;
	}

	/** {@code first} and the events that wait right after it, up to the batch size. */
	private List<SseEvent> inARow(SseEvent first) {
		SseEvent event = (this.batchSize > 1) ? takeIfEvent() : null;
		if (event == null) {
			return List.of(first);
		}
		List<SseEvent> events = new ArrayList<>(Math.min(this.batchSize, 64));
		events.add(first);
		do {
			addTaken(1);
			events.add(event);
		}
		while (events.size() < this.batchSize && (event = takeIfEvent()) != null);
		return events;
	}

	private void clear() {
		this.current = null;
		this.queue.clear();
		DroppingBuffer buffer = this.dropping;
		if (buffer != null) {
			buffer.clear();
		}
	}

	/**
	 * After a list is dispatched: ask for the next one if there is room and none is asked for.
	 * The fence pairs with the connection's thread clearing the flag before it counts: one of
	 * the two sees the other's write, so a list is never left unasked for.
	 */
	private void requestMoreIfRoom() {
		VarHandle.fullFence();
		if (!this.listRequested && waiting() < this.capacity) {
			requestList();
		}
	}

	private void terminate() {
		if (this.terminated) {
			return;
		}
		this.terminated = true;
		if (this.error == null) {
			this.onComplete.run();
		}
	}

	private <T> @Nullable Mono<Void> dispatch(Function<T, @Nullable Mono<Void>> dispatcher, T items) {
		try {
			return dispatcher.apply(items);
		}
		catch (RuntimeException ex) {
			// listener failures are the error handler's; this is a fault of our own: keep going
			logger.error("Stream '" + this.streamName + "': dispatching " + items + " failed", ex);
			return null;
		}
	}

	private void awaitThenResume(Mono<Void> rest) {
		BaseSubscriber<Void> resume = new BaseSubscriber<>() {

			@Override
			protected void hookOnError(Throwable failure) {
				logger.error("Stream '" + DispatchLoop.this.streamName + "': dispatching an event failed", failure);
			}

			@Override
			protected void hookFinally(SignalType type) {
				DispatchLoop.this.pending = null;
				schedule();
			}

		};
		this.pending = resume;
		rest.subscribe(resume);
	}

	/** Counts items taken out: only the loop writes it, with an ordered store, no atomic instruction. */
	private void addTaken(long n) {
		TAKEN.setRelease(this, this.taken + n);
	}

}
