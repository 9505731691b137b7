package dev.sseclient.core;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The items of one network read as they travel a stream's path: a read of one item is that
 * item itself, a read of several is an immutable {@code ReadItems} list of them. At one event
 * per read (a quiet feed, a latency-bound one) a list per read was an eighth of the garbage per
 * event; the static methods read either form.
 */
final class ReadItems extends AbstractList<SseItem> implements RandomAccess {

	/** A read that completed no item. */
	static final ReadItems NONE = new ReadItems(new SseItem[0], 0);

	private final SseItem[] items;

	private final int size;

	private ReadItems(SseItem[] items, int size) {
		this.items = items;
		this.size = size;
	}

	/** The first {@code size} items of {@code items}, which the list takes over. */
	static ReadItems of(SseItem[] items, int size) {
		return new ReadItems(items, size);
	}

	/** How many items a read holds. */
	static int count(Object read) {
		return (read instanceof ReadItems items) ? items.size : 1;
	}

	/** The item at {@code index} of a read. */
	static SseItem item(Object read, int index) {
		return (read instanceof ReadItems items) ? items.get(index) : (SseItem) read;
	}

	/** A read as a list. */
	static List<SseItem> asList(Object read) {
		return (read instanceof ReadItems items) ? items : List.of((SseItem) read);
	}

	@Override
	public SseItem get(int index) {
		Objects.checkIndex(index, this.size);
		return this.items[index];
	}

	@Override
	public int size() {
		return this.size;
	}

}
