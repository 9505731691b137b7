package dev.sseclient.core;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A stream's reads (see {@link ReadItems}) item by item, each passed through a {@link Step} that
 * emits it, skips it, or ends the sequence. What {@code concatMapIterable} and {@code handle}
 * do, without an {@code Iterable} per read: at one event per read a read is the event itself and
 * passes straight through. One read is asked for at a time, and the next only once the current
 * one went out, so demand reaches the socket as the subscriber's does. Only emitted items need
 * demand: a skipped item and the end (a failure included) go through without, as Reactive
 * Streams allows, so a subscriber that has not asked for anything still learns that the stream
 * failed (rules 1.4 and 1.9).
 *
 * @param <T> the type of the items emitted
 */
final class FlattenedReads<T> extends FluxOperator<Object, T> {

	/** What {@link Step#apply} returns to end the sequence normally. */
	static final Object COMPLETE = new Object();

	private final Step<T> step;

	FlattenedReads(Flux<Object> reads, Step<T> step) {
		super(reads);
		this.step = step;
	}

	/** Ends the sequence with {@code error}, as returned by {@link Step#apply}. */
	static Object fail(Throwable error) {
		return new Failure(error);
	}

	@Override
	public void subscribe(CoreSubscriber<? super T> actual) {
		this.source.subscribe(new Flattener<>(actual, this.step));
	}

	/**
	 * What becomes of an item, in order, on the thread handing items on.
	 *
	 * @param <T> the type of the items emitted
	 */
	@FunctionalInterface
	interface Step<T> {

		/**
		 * @return the item to emit (it needs demand), {@code null} to skip it,
		 * {@link #COMPLETE}, or {@link #fail} to end the sequence
		 */
		@Nullable Object apply(SseItem item);

	}

	private record Failure(Throwable error) {
	}

	private static final class Flattener<T> implements CoreSubscriber<Object>, Subscription {

		@SuppressWarnings("rawtypes")
		private static final AtomicIntegerFieldUpdater<Flattener> WIP = AtomicIntegerFieldUpdater
			.newUpdater(Flattener.class, "wip");

		@SuppressWarnings("rawtypes")
		private static final AtomicLongFieldUpdater<Flattener> REQUESTED = AtomicLongFieldUpdater
			.newUpdater(Flattener.class, "requested");

		private final CoreSubscriber<? super T> actual;

		private final Step<T> step;

		/** An item the step let through that waits for demand; the drain loop's own. */
		private @Nullable T pending;

		/** The step ended the sequence: what to signal; the drain loop's own. */
		private @Nullable Object ending;

		private @Nullable Subscription upstream;

		/** The read being handed on; set by {@link #onNext}, cleared by the drain loop alone. */
		private volatile @Nullable Object read;

		/** The next item of {@link #read}; the drain loop's own. */
		private int next;

		private volatile long requested;

		private volatile int wip;

		private volatile boolean done;

		/** Written before {@link #done}, read after it. */
		private @Nullable Throwable error;

		private volatile boolean cancelled;

		Flattener(CoreSubscriber<? super T> actual, Step<T> step) {
			this.actual = actual;
			this.step = step;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (Operators.validate(this.upstream, subscription)) {
				this.upstream = subscription;
				this.actual.onSubscribe(this);
				subscription.request(1);
			}
		}

		@Override
		public void onNext(Object read) {
			this.read = read;
			drain();
		}

		@Override
		public void onError(Throwable error) {
			this.error = error;
			this.done = true;
			drain();
		}

		@Override
		public void onComplete() {
			this.done = true;
			drain();
		}

		@Override
		public void request(long n) {
			if (Operators.validate(n)) {
				Operators.addCap(REQUESTED, this, n);
				drain();
			}
		}

		@Override
		public void cancel() {
			if (!this.cancelled) {
				this.cancelled = true;
				Subscription subscription = this.upstream;
				if (subscription != null) {
					subscription.cancel();
				}
				drain();
			}
		}

		/**
		 * Hands on items while there is demand, on whichever thread got here first; another
		 * thread's call meanwhile makes it go round once more. A terminated loop keeps the
		 * count above zero, so it never runs again.
		 */
		private void drain() {
			if (WIP.getAndIncrement(this) != 0) {
				return;
			}
			int missed = 1;
			for (;;) {
				if (this.cancelled) {
					this.read = null;
					return;
				}
				Object current = this.read;
				if (current != null || this.pending != null) {
					emit(current);
					if (this.cancelled) {
						this.read = null;
						return;
					}
					if (this.ending != null) {
						end();
						return;
					}
					if (this.read == null && this.pending == null && !this.done) {
						Subscription subscription = this.upstream;
						if (subscription != null) {
							subscription.request(1);
						}
					}
				}
				// done first: the last read was set before it
				if (this.done && this.read == null && this.pending == null) {
					Throwable failure = this.error;
					if (failure != null) {
						this.actual.onError(failure);
					}
					else {
						this.actual.onComplete();
					}
					return;
				}
				missed = WIP.addAndGet(this, -missed);
				if (missed == 0) {
					return;
				}
			}
		}

		/**
		 * The waiting item and as many of the read's as there is demand for, each passed through
		 * the step; clears the read once all went through.
		 */
		@SuppressWarnings("unchecked")
		private void emit(@Nullable Object current) {
			long demand = this.requested;
			long emitted = 0;
			int count = (current != null) ? ReadItems.count(current) : 0;
			int index = this.next;
			while (!this.cancelled) {
				T waiting = this.pending;
				if (waiting != null) {
					if (emitted == demand) {
						break;
					}
					this.pending = null;
					this.actual.onNext(waiting);
					emitted++;
					continue;
				}
				if (index == count) {
					break;
				}
				Object outcome = this.step.apply(ReadItems.item(current, index++));
				if (outcome == COMPLETE || outcome instanceof Failure) {
					this.ending = outcome;
					break;
				}
				if (outcome != null) {
					this.pending = (T) outcome;
				}
			}
			produced(emitted, demand);
			if (index == count) {
				this.next = 0;
				this.read = null;
			}
			else {
				this.next = index;
			}
		}

		/** The step ended the sequence: the source is let go, and the end signalled without demand. */
		private void end() {
			this.read = null;
			this.cancelled = true;
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.cancel();
			}
			if (this.ending instanceof Failure failure) {
				this.actual.onError(failure.error());
			}
			else {
				this.actual.onComplete();
			}
		}

		private void produced(long emitted, long demand) {
			if (emitted != 0 && demand != Long.MAX_VALUE) {
				REQUESTED.addAndGet(this, -emitted);
			}
		}

	}

}
