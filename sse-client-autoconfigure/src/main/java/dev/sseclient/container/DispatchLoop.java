package dev.sseclient.container;

import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.util.concurrent.Queues;

import dev.sseclient.core.SseEvent;

/**
 * The hand-off between a stream's connection and its listeners: events go into a bounded queue
 * on the connection's thread and are taken out on the listener pool, one at a time, in order.
 * It does what {@code publishOn(pool).concatMap(dispatch, 1)} did, minus their cost per event:
 * no operator hop, no request and no atomic increment per event, demand toward the socket asked
 * for three quarters of the queue at a time, and a pool task only when the loop had run dry.
 *
 * <p>The dispatch function handles an event and returns {@code null} when it is done with it,
 * or a {@code Mono} (an async listener, a retry) that the loop waits for before the next event.
 */
final class DispatchLoop implements CoreSubscriber<SseEvent>, Disposable, Runnable {

	private static final Log logger = LogFactory.getLog(DispatchLoop.class);

	private final String streamName;

	private final Executor pool;

	private final Function<SseEvent, @Nullable Mono<Void>> dispatcher;

	private final Runnable onComplete;

	private final int prefetch;

	private final int limit;

	private final Queue<SseEvent> queue;

	/** Runs of the loop asked for: the one that moves it from 0 submits the loop to the pool. */
	private final AtomicInteger runsRequested = new AtomicInteger();

	private volatile @Nullable Subscription upstream;

	private volatile boolean done;

	/** Written before {@link #done}, read after it. */
	private @Nullable Throwable error;

	private volatile boolean cancelled;

	/** Set while an event's async work is pending; its end runs the loop again. */
	private volatile @Nullable Disposable pending;

	/** Events taken since demand was last renewed; touched by the loop alone. */
	private int taken;

	private boolean terminated;

	DispatchLoop(String streamName, Executor pool, int prefetch, Function<SseEvent, @Nullable Mono<Void>> dispatcher,
			Runnable onComplete) {
		this.streamName = streamName;
		this.pool = pool;
		this.dispatcher = dispatcher;
		this.onComplete = onComplete;
		this.prefetch = prefetch;
		this.limit = Math.max(1, prefetch - (prefetch >> 2));
		this.queue = Queues.<SseEvent>get(prefetch).get();
	}

	@Override
	public void onSubscribe(Subscription subscription) {
		this.upstream = subscription;
		subscription.request(this.prefetch);
	}

	@Override
	public void onNext(SseEvent event) {
		if (!this.queue.offer(event)) {
			// more than was asked for: the upstream broke the protocol
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.cancel();
			}
			onError(Exceptions.failWithOverflow("Stream '" + this.streamName + "': more events than requested"));
			return;
		}
		schedule();
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

	private void schedule() {
		if (this.runsRequested.getAndIncrement() != 0) {
			return;
		}
		try {
			this.pool.execute(this);
		}
		catch (RejectedExecutionException ex) {
			// the pool is shut down: the application is closing
			logger.debug("Stream '" + this.streamName + "': listener pool closed, " + this.queue.size()
					+ " buffered events not dispatched");
			this.queue.clear();
		}
	}

	@Override
	public void run() {
		int missed = 1;
		do {
			drain();
			missed = this.runsRequested.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private void drain() {
		while (!this.cancelled) {
			if (this.pending != null) {
				return;
			}
			boolean finished = this.done;
			SseEvent event = this.queue.poll();
			if (event == null) {
				if (finished && !this.terminated) {
					this.terminated = true;
					if (this.error == null) {
						this.onComplete.run();
					}
				}
				return;
			}
			if (++this.taken == this.limit) {
				this.taken = 0;
				Subscription subscription = this.upstream;
				if (subscription != null) {
					subscription.request(this.limit);
				}
			}
			Mono<Void> rest = dispatch(event);
			if (rest != null) {
				awaitThenResume(rest);
				return;
			}
		}
		this.queue.clear();
	}

	private @Nullable Mono<Void> dispatch(SseEvent event) {
		try {
			return this.dispatcher.apply(event);
		}
		catch (RuntimeException ex) {
			// listener failures are the error handler's; this is a fault of our own: keep going
			logger.error("Stream '" + this.streamName + "': dispatching event '" + event.id() + "' failed", ex);
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

}
