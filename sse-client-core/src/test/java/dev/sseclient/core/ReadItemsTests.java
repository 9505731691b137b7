package dev.sseclient.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Spliterator;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The list of one read: a list like any other, whose first spliterator is itself.
 */
class ReadItemsTests {

	private static SseEvent event(String id) {
		return new SseEvent("s", id, "message", "data " + id, Instant.EPOCH);
	}

	@Test
	void everySpliteratorAfterTheFirstStartsAfreshAsAListsDoes() {
		SseItem[] items = { event("1"), event("2"), event("3"), null };
		ReadItems read = ReadItems.of(items, 3);
		Spliterator<SseItem> first = read.spliterator();
		List<SseItem> seen = new ArrayList<>();
		assertThat(first.tryAdvance(seen::add)).isTrue();
		assertThat(first.estimateSize()).isEqualTo(2);
		first.forEachRemaining(seen::add);
		assertThat(seen).extracting((item) -> ((SseEvent) item).id()).containsExactly("1", "2", "3");
		assertThat(read.stream().map((item) -> ((SseEvent) item).id()).toList()).containsExactly("1", "2", "3");
		assertThat((List<SseItem>) read).hasSize(3).isEqualTo(List.of(items[0], items[1], items[2]));
		assertThat(first.characteristics() & Spliterator.SIZED).isNotZero();
		assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> read.get(3));
	}

	@Test
	void reactorFlattensReadsOfOneAndOfManyInOrder() {
		List<SseItem> ids = Flux.just(ReadItems.of(event("1")), ReadItems.of(new SseItem[] { event("2"), event("3") }, 2))
			.concatMapIterable((read) -> read)
			.collectList()
			.block();
		assertThat(ids).extracting((item) -> ((SseEvent) item).id()).containsExactly("1", "2", "3");
	}

}
