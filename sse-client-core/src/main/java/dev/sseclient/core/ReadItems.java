package dev.sseclient.core;

import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Spliterator;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The items of one network read, handed on as one immutable list. The first spliterator asked
 * of it is the list itself: Reactor's {@code concatMapIterable} asks each list for one, and at
 * one event per read that object was a tenth of the garbage per event. A second spliterator is
 * a fresh one, as a list's always is.
 */
final class ReadItems extends AbstractList<SseItem> implements RandomAccess, Spliterator<SseItem> {

	private static final int CHARACTERISTICS = ORDERED | SIZED | SUBSIZED | NONNULL | IMMUTABLE;

	private final @Nullable SseItem only;

	private final SseItem @Nullable [] items;

	private final int size;

	/** Where the list as its own spliterator stands; -1 until it is handed out. */
	private int next = -1;

	private ReadItems(@Nullable SseItem only, SseItem @Nullable [] items, int size) {
		this.only = only;
		this.items = items;
		this.size = size;
	}

	/** One item. */
	static ReadItems of(SseItem item) {
		return new ReadItems(item, null, 1);
	}

	/** The first {@code size} items of {@code items}, which the list takes over. */
	static ReadItems of(SseItem[] items, int size) {
		return new ReadItems(null, items, size);
	}

	@Override
	public SseItem get(int index) {
		Objects.checkIndex(index, this.size);
		SseItem[] all = this.items;
		return (all != null) ? all[index] : Objects.requireNonNull(this.only);
	}

	@Override
	public int size() {
		return this.size;
	}

	@Override
	public Spliterator<SseItem> spliterator() {
		if (this.next >= 0) {
			return super.spliterator();
		}
		this.next = 0;
		return this;
	}

	@Override
	public boolean tryAdvance(Consumer<? super SseItem> action) {
		if (this.next >= this.size) {
			return false;
		}
		action.accept(get(this.next++));
		return true;
	}

	@Override
	public void forEachRemaining(Consumer<? super SseItem> action) {
		while (this.next < this.size) {
			action.accept(get(this.next++));
		}
	}

	@Override
	public @Nullable Spliterator<SseItem> trySplit() {
		return null;
	}

	@Override
	public long estimateSize() {
		return this.size - Math.max(this.next, 0);
	}

	@Override
	public int characteristics() {
		return CHARACTERISTICS;
	}

}
