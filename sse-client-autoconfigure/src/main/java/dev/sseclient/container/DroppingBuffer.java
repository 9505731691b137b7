package dev.sseclient.container;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.sseclient.core.SseEvent;
import dev.sseclient.core.SseItem;

/**
 * The buffer of a stream whose overflow policy drops events rather than pausing the socket:
 * holds up to {@code capacity} events and drops per the policy when full. Signals and comments
 * are never dropped and take no room, so a stream's end still reaches the application after the
 * events kept before it. Guarded by its own lock: the dropping policies are not the fast path.
 */
final class DroppingBuffer {

	private final ArrayDeque<SseItem> items = new ArrayDeque<>();

	private final OverflowPolicy policy;

	private final int capacity;

	private final Consumer<SseEvent> onDropped;

	private final Runnable onFirstOverflow;

	private int events;

	/** Policy {@code fail}: after the first overflow nothing more is kept, so what is kept has no gap. */
	private boolean overflowed;

	DroppingBuffer(OverflowPolicy policy, int capacity, Consumer<SseEvent> onDropped, Runnable onFirstOverflow) {
		if (policy == OverflowPolicy.BLOCK) {
			throw new IllegalArgumentException("Policy block does not drop: it pauses reading");
		}
		this.policy = policy;
		this.capacity = capacity;
		this.onDropped = onDropped;
		this.onFirstOverflow = onFirstOverflow;
	}

	/** Adds a read's items, dropping per the policy; the callbacks run after the lock is let go. */
	void offer(List<SseItem> batch) {
		List<SseEvent> dropped = null;
		boolean firstOverflow = false;
		synchronized (this) {
			for (SseItem item : batch) {
				if (!(item instanceof SseEvent event)) {
					this.items.add(item);
					continue;
				}
				SseEvent drop = null;
				if (this.overflowed) {
					drop = event;
				}
				else if (this.events < this.capacity) {
					this.items.add(event);
					this.events++;
				}
				else if (this.policy == OverflowPolicy.DROP_OLDEST) {
					drop = removeOldestEvent();
					this.items.add(event);
				}
				else {
					drop = event;
					if (this.policy == OverflowPolicy.FAIL) {
						this.overflowed = true;
						firstOverflow = true;
					}
				}
				if (drop != null) {
					dropped = (dropped != null) ? dropped : new ArrayList<>();
					dropped.add(drop);
				}
			}
		}
		if (dropped != null) {
			dropped.forEach(this.onDropped);
		}
		if (firstOverflow) {
			this.onFirstOverflow.run();
		}
	}

	private SseEvent removeOldestEvent() {
		Iterator<SseItem> iterator = this.items.iterator();
		while (iterator.hasNext()) {
			if (iterator.next() instanceof SseEvent oldest) {
				iterator.remove();
				return oldest;
			}
		}
		throw new IllegalStateException("A full buffer holds no event");
	}

	synchronized @Nullable SseItem poll() {
		SseItem item = this.items.poll();
		if (item instanceof SseEvent) {
			this.events--;
		}
		return item;
	}

	/** The next item if it is an event, else {@code null} and nothing taken. */
	synchronized @Nullable SseEvent pollEvent() {
		return (this.items.peek() instanceof SseEvent) ? (SseEvent) poll() : null;
	}

	synchronized void clear() {
		this.items.clear();
		this.events = 0;
	}

}
