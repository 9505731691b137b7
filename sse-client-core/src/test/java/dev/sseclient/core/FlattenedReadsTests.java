package dev.sseclient.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A stream's reads item by item: a read of one item is the item, a read of several a list, and
 * the next read is asked for only once the current one went out.
 */
class FlattenedReadsTests {

	private static SseEvent event(int id) {
		return new SseEvent("s", Integer.toString(id), "message", "data " + id, Instant.EPOCH);
	}

	private static Object read(int... ids) {
		if (ids.length == 1) {
			return event(ids[0]);
		}
		SseItem[] items = new SseItem[ids.length + 2];
		for (int i = 0; i < ids.length; i++) {
			items[i] = event(ids[i]);
		}
		return ReadItems.of(items, ids.length);
	}

	private static String id(SseItem item) {
		return ((SseEvent) item).id();
	}

	@Test
	void readsOfOneAndOfManyAreListsAndGoOutInOrder() {
		Object many = read(2, 3);
		assertThat(ReadItems.asList(many)).extracting(FlattenedReadsTests::id).containsExactly("2", "3");
		assertThat(ReadItems.asList(read(1))).extracting(FlattenedReadsTests::id).containsExactly("1");
		assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> ReadItems.asList(many).get(2));
		StepVerifier.create(new FlattenedReads(Flux.just(read(1), many, read(4))).map(FlattenedReadsTests::id))
			.expectNext("1", "2", "3", "4")
			.verifyComplete();
	}

	@Test
	void theNextReadIsAskedForOnlyOnceTheCurrentOneWentOut() {
		List<Long> upstreamRequests = new CopyOnWriteArrayList<>();
		Flux<Object> reads = Flux.just(read(1, 2, 3), read(4)).doOnRequest(upstreamRequests::add);
		StepVerifier.create(new FlattenedReads(reads).map(FlattenedReadsTests::id), 0)
			.expectSubscription()
			.then(() -> assertThat(upstreamRequests).containsExactly(1L))
			.thenRequest(2)
			.expectNext("1", "2")
			.then(() -> assertThat(upstreamRequests).containsExactly(1L))
			.thenRequest(1)
			.expectNext("3")
			.then(() -> assertThat(upstreamRequests).containsExactly(1L, 1L))
			.thenRequest(1)
			.expectNext("4")
			.verifyComplete();
	}

	@Test
	void aFailureComesAfterTheItemsBeforeIt() {
		Flux<Object> reads = Flux.just(read(1, 2)).concatWith(Flux.error(new IllegalStateException("broken")));
		StepVerifier.create(new FlattenedReads(reads).map(FlattenedReadsTests::id), 1)
			.expectNext("1")
			.thenRequest(1)
			.expectNext("2")
			.verifyErrorMessage("broken");
	}

	@Test
	void cancellingInTheMiddleOfAReadStopsItAndCancelsTheReads() {
		List<String> seen = new ArrayList<>();
		boolean[] cancelled = { false };
		Flux<Object> reads = Flux.just(read(1, 2, 3)).concatWith(Flux.never()).doOnCancel(() -> cancelled[0] = true);
		new FlattenedReads(reads).map(FlattenedReadsTests::id).take(2).subscribe(seen::add);
		assertThat(seen).containsExactly("1", "2");
		assertThat(cancelled[0]).isTrue();
	}

	@Test
	void readsOnOneThreadAndDemandFromAnotherLoseAndReorderNothing() {
		int reads = 20_000;
		List<String> ids = new FlattenedReads(Flux.range(0, reads)
			.map((i) -> (i % 3 == 0) ? read(i * 2, i * 2 + 1) : read(i * 2))
			.subscribeOn(Schedulers.parallel()))
			.publishOn(Schedulers.boundedElastic(), 1)
			.map(FlattenedReadsTests::id)
			.collectList()
			.block(Duration.ofMinutes(1));
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < reads; i++) {
			expected.add(Integer.toString(i * 2));
			if (i % 3 == 0) {
				expected.add(Integer.toString(i * 2 + 1));
			}
		}
		assertThat(ids).isEqualTo(expected);
	}

}
