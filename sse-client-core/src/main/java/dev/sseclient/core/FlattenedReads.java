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
 * A stream's reads (see {@link ReadItems}) item by item. What {@code concatMapIterable} does,
 * without an {@code Iterable} per read: at one event per read a read is the event itself and
 * passes straight through. One read is asked for at a time, and the next only once the current
 * one went out, so demand reaches the socket as the subscriber's does.
 */
final class FlattenedReads extends FluxOperator<Object, SseItem> {

	FlattenedReads(Flux<Object> reads) {
		super(reads);
	}

	@Override
	public void subscribe(CoreSubscriber<? super SseItem> actual) {
		this.source.subscribe(new Flattener(actual));
	}

	private static final class Flattener implements CoreSubscriber<Object>, Subscription {

		private static final AtomicIntegerFieldUpdater<Flattener> WIP = AtomicIntegerFieldUpdater
			.newUpdater(Flattener.class, "wip");

		private static final AtomicLongFieldUpdater<Flattener> REQUESTED = AtomicLongFieldUpdater
			.newUpdater(Flattener.class, "requested");

		private final CoreSubscriber<? super SseItem> actual;

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

		Flattener(CoreSubscriber<? super SseItem> actual) {
			this.actual = actual;
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
				if (current != null) {
					emit(current);
					if (this.cancelled) {
						this.read = null;
						return;
					}
					if (this.read == null && !this.done) {
						Subscription subscription = this.upstream;
						if (subscription != null) {
							subscription.request(1);
						}
					}
				}
				// done first: the last read was set before it
				if (this.done && this.read == null) {
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

		/** As many items of the read as asked for; clears the read once all went out. */
		private void emit(Object current) {
			long demand = this.requested;
			if (demand == 0) {
				return;
			}
			if (!(current instanceof ReadItems items)) {
				this.actual.onNext((SseItem) current);
				produced(1, demand);
				this.read = null;
				return;
			}
			int count = items.size();
			long emitted = 0;
			int index = this.next;
			while (emitted != demand && index < count && !this.cancelled) {
				this.actual.onNext(items.get(index++));
				emitted++;
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

		private void produced(long emitted, long demand) {
			if (emitted != 0 && demand != Long.MAX_VALUE) {
				REQUESTED.addAndGet(this, -emitted);
			}
		}

	}

}
