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

	private static FlattenedReads<SseItem> flattened(Flux<Object> reads) {
		return new FlattenedReads<>(reads, (item) -> item);
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
		StepVerifier.create(flattened(Flux.just(read(1), many, read(4))).map(FlattenedReadsTests::id))
			.expectNext("1", "2", "3", "4")
			.verifyComplete();
	}

	@Test
	void theNextReadIsAskedForOnlyOnceTheCurrentOneWentOut() {
		List<Long> upstreamRequests = new CopyOnWriteArrayList<>();
		Flux<Object> reads = Flux.just(read(1, 2, 3), read(4)).doOnRequest(upstreamRequests::add);
		StepVerifier.create(flattened(reads).map(FlattenedReadsTests::id), 0)
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
		StepVerifier.create(flattened(reads).map(FlattenedReadsTests::id), 1)
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
		flattened(reads).map(FlattenedReadsTests::id).take(2).subscribe(seen::add);
		assertThat(seen).containsExactly("1", "2");
		assertThat(cancelled[0]).isTrue();
	}

	@Test
	void readsOnOneThreadAndDemandFromAnotherLoseAndReorderNothing() {
		int reads = 20_000;
		List<String> ids = flattened(Flux.range(0, reads)
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

	@Test
	void skippedItemsAndAFailureNeedNoDemand() {
		SseItem opened = new SseSignal.Opened("http://localhost/s", 1);
		Object signalsOnly = ReadItems.of(new SseItem[] { opened, event(1) }, 2);
		List<String> skipped = new CopyOnWriteArrayList<>();
		FlattenedReads<SseEvent> events = new FlattenedReads<>(Flux.just(signalsOnly), (item) -> {
			if (item instanceof SseEvent event) {
				return FlattenedReads.fail(new IllegalStateException("failed after " + event.id()));
			}
			skipped.add(item.getClass().getSimpleName());
			return null;
		});
		StepVerifier.create(events, 0)
			.expectSubscription()
			.expectErrorMessage("failed after 1")
			.verify(Duration.ofSeconds(5));
		assertThat(skipped).containsExactly("Opened");
	}

	@Test
	void anItemLetThroughWaitsForDemandAndTheNextStepWaitsForIt() {
		List<String> stepped = new CopyOnWriteArrayList<>();
		FlattenedReads<SseItem> items = new FlattenedReads<>(Flux.just(read(1, 2), read(3)), (item) -> {
			stepped.add(id(item));
			return item;
		});
		StepVerifier.create(items.map(FlattenedReadsTests::id), 0)
			.expectSubscription()
			.then(() -> assertThat(stepped).containsExactly("1"))
			.thenRequest(1)
			.expectNext("1")
			.then(() -> assertThat(stepped).containsExactly("1", "2"))
			.thenRequest(2)
			.expectNext("2", "3")
			.verifyComplete();
	}

}
