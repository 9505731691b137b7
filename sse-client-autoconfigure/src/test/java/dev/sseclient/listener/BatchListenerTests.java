package dev.sseclient.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;
import org.springframework.core.NestedExceptionUtils;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.container.InvalidSseConfigurationException;
import dev.sseclient.container.SseStreamEvent;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.core.SseEvent;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Batch listeners: a {@code List} of the events that wait in a row, up to the batch size; the
 * checkpoint after the batch; failures of a batch handed on whole.
 */
class BatchListenerTests {

	private final SseTestServer server = SseTestServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
		.withPropertyValues("sse.client.streams.ticks.url=" + this.server.url("/ticks"),
				"sse.client.streams.ticks.buffer-size=1000");

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	/** 1000 events with ids 1..1000 and data {"n":id}, in one write. */
	private static SseScript thousandEvents() {
		StringBuilder text = new StringBuilder();
		for (int i = 1; i <= 1000; i++) {
			text.append(SseScript.format(Integer.toString(i), "tick", "{\"n\":" + i + "}"));
		}
		return SseScript.stream().send(text.toString()).hold();
	}

	/**
	 * {@code first} as one write, then {@code second} as another once {@code gate} opened: two
	 * reads, and two batches, however late the client runs on a loaded machine.
	 */
	static SseScript twoWrites(String first, CountDownLatch gate, String second) {
		return SseScript.stream().generate(2, (i) -> {
			if (i == 0) {
				return first;
			}
			try {
				assertThat(gate.await(30, TimeUnit.SECONDS)).as("the test opened the gate").isTrue();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return second;
		}).hold();
	}

	record Tick(int n) {
	}

	static class GatedListener {

		final CountDownLatch gate = new CountDownLatch(1);

		final List<List<Tick>> batches = new CopyOnWriteArrayList<>();

		final List<Integer> oneByOne = new CopyOnWriteArrayList<>();

		@SseListener(stream = "ticks", batch = true, maxBatchSize = "${batch.size:50}")
		void onTicks(List<Tick> ticks) throws InterruptedException {
			this.batches.add(List.copyOf(ticks));
			// the first call waits until the rest has arrived, so the next ones come in full batches
			this.gate.await(10, TimeUnit.SECONDS);
		}

		@SseListener(stream = "ticks")
		void onTick(Tick tick) {
			this.oneByOne.add(tick.n());
		}

	}

	@Test
	void eventsThatWaitInARowArriveTogetherInOrderUpToTheBatchSize() {
		this.server.enqueue(thousandEvents());
		this.contextRunner.withBean(GatedListener.class).run((context) -> {
			GatedListener listener = context.getBean(GatedListener.class);
			SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
			await().until(() -> !listener.batches.isEmpty());
			int first = listener.batches.get(0).size();
			await().until(() -> registry.getContainer("ticks").getBufferedEvents() == 1000 - first);
			listener.gate.countDown();
			await().until(() -> listener.batches.stream().mapToInt(List::size).sum() == 1000);
			List<Integer> all = listener.batches.stream().flatMap(List::stream).map(Tick::n).toList();
			assertThat(all).isEqualTo(IntStream.rangeClosed(1, 1000).boxed().toList());
			assertThat(listener.batches).allSatisfy((batch) -> assertThat(batch).hasSizeLessThanOrEqualTo(50));
			assertThat(listener.batches.subList(1, listener.batches.size() - 1))
				.allSatisfy((batch) -> assertThat(batch).hasSize(50));
			// a per-event listener of the same stream gets every event, one at a time, in order
			assertThat(listener.oneByOne).isEqualTo(all);
		});
	}

	static class CheckpointListener {

		final CountDownLatch gate = new CountDownLatch(1);

		final List<List<String>> batches = new CopyOnWriteArrayList<>();

		@SseListener(stream = "ticks", batch = true)
		void onEvents(List<SseEvent> events) throws InterruptedException {
			this.batches.add(events.stream().map(SseEvent::id).toList());
			if (this.batches.size() == 2) {
				this.gate.await(10, TimeUnit.SECONDS);
			}
		}

	}

	@Test
	void theCheckpointMovesPastABatchOnlyWhenTheListenerReturnedFromIt() {
		CountDownLatch firstHandled = new CountDownLatch(1);
		this.server.enqueue(twoWrites(SseScript.format("1", null, "a"), firstHandled,
				SseScript.format("2", null, "b") + SseScript.format("3", null, "c")));
		this.contextRunner.withBean(CheckpointListener.class).run((context) -> {
			CheckpointListener listener = context.getBean(CheckpointListener.class);
			SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
			await().until(() -> listener.batches.size() == 1);
			firstHandled.countDown();
			await().until(() -> listener.batches.size() == 2);
			assertThat(listener.batches).containsExactly(List.of("1"), List.of("2", "3"));
			// the second batch is in the listener: the stream would resume after event 1
			assertThat(registry.getContainer("ticks").getLastEventId()).isEqualTo("1");
			listener.gate.countDown();
			await().until(() -> registry.getContainer("ticks").getLastEventId().equals("3"));
		});
	}

	static class FailingListener {

		final List<List<String>> calls = new CopyOnWriteArrayList<>();

		@SseListener(stream = "ticks", batch = true)
		void onData(List<String> data) {
			this.calls.add(List.copyOf(data));
			if (data.contains("poison")) {
				throw new IllegalStateException("cannot take " + data);
			}
		}

	}

	@Test
	void aFailedBatchIsRetriedWholeThenHandedToTheRecovererAndTheStreamGoesOn() {
		List<ListenerFailure> recovered = new CopyOnWriteArrayList<>();
		CountDownLatch firstHandled = new CountDownLatch(1);
		this.server.enqueue(twoWrites(SseScript.format("1", null, "a") + SseScript.format("2", null, "poison")
				+ SseScript.format("3", null, "c"), firstHandled, SseScript.format("4", null, "d")));
		this.contextRunner.withBean(FailingListener.class)
			.withBean(SseListenerErrorHandler.class,
					() -> new RetryingErrorHandler(1, Duration.ofMillis(10), Duration.ofMillis(10), recovered::add))
			.run((context) -> {
				FailingListener listener = context.getBean(FailingListener.class);
				await().until(() -> recovered.size() == 1);
				firstHandled.countDown();
				await().until(() -> listener.calls.contains(List.of("d")));
				List<String> failed = listener.calls.get(0);
				assertThat(failed).contains("poison");
				// the batch twice (the call and its retry), then the next read's events
				assertThat(listener.calls).containsExactly(failed, failed, List.of("d"));
				assertThat(recovered).singleElement().satisfies((failure) -> {
					assertThat(failure.events()).extracting(SseEvent::data).isEqualTo(failed);
					assertThat(failure.attempt()).isEqualTo(2);
					assertThat(failure.listenerId()).isEqualTo("FailingListener.onData");
					assertThat(failure.describe()).contains("a batch of " + failed.size() + " events");
				});
			});
	}

	@Test
	void anErrorHandlerThatProceedsSkipsTheBatch() {
		List<ListenerFailure> seen = new CopyOnWriteArrayList<>();
		CountDownLatch firstHandled = new CountDownLatch(1);
		this.server.enqueue(twoWrites(SseScript.format("1", null, "poison") + SseScript.format("2", null, "b"),
				firstHandled, SseScript.format("3", null, "c")));
		this.contextRunner.withBean(FailingListener.class).withBean(SseListenerErrorHandler.class, () -> (failure) -> {
			seen.add(failure);
			return ErrorAction.proceed();
		}).run((context) -> {
			FailingListener listener = context.getBean(FailingListener.class);
			SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
			await().until(() -> seen.size() == 1);
			firstHandled.countDown();
			await().until(() -> listener.calls.contains(List.of("c")));
			assertThat(listener.calls).hasSize(2);
			assertThat(seen).singleElement().satisfies((failure) -> assertThat(failure.attempt()).isEqualTo(1));
			assertThat(registry.getContainer("ticks").getLastEventId()).isEqualTo("3");
		});
	}

	static class TypedListener {

		final List<List<Integer>> batches = new CopyOnWriteArrayList<>();

		@SseListener(stream = "ticks", events = "tick", batch = true)
		Mono<Void> onTicks(List<Tick> ticks) {
			return Mono.fromRunnable(() -> this.batches.add(ticks.stream().map(Tick::n).toList()));
		}

	}

	@Test
	void anUnreadablePayloadGoesToTheErrorHandlerAloneAndTheRestOfTheBatchIsDelivered() {
		List<ListenerFailure> seen = new CopyOnWriteArrayList<>();
		this.server.enqueue(SseScript.stream()
			.send(SseScript.format("1", "tick", "{\"n\":1}") + SseScript.format("2", "tick", "not json")
					+ SseScript.format("3", "other", "{\"n\":99}") + SseScript.format("4", "tick", "{\"n\":4}"))
			.hold());
		this.contextRunner.withBean(TypedListener.class)
			.withBean(SseListenerErrorHandler.class, () -> RetryingErrorHandler.withFallback(3, Duration.ofMillis(10),
					Duration.ofMillis(10), (failure) -> {
						seen.add(failure);
						return ErrorAction.proceed();
					}))
			.run((context) -> {
				TypedListener listener = context.getBean(TypedListener.class);
				await().until(() -> listener.batches.stream().mapToInt(List::size).sum() == 2);
				// another type is not this listener's; the unreadable one is left out, not retried
				assertThat(listener.batches.stream().flatMap(List::stream)).containsExactly(1, 4);
				assertThat(seen).singleElement().satisfies((failure) -> {
					assertThat(failure.event().id()).isEqualTo("2");
					assertThat(failure.events()).hasSize(1);
					assertThat(failure.cause()).isInstanceOf(PayloadConversionException.class);
				});
			});
	}

	static class OrderListener {

		final List<String> seen = new CopyOnWriteArrayList<>();

		@SseListener(stream = "ticks", batch = true)
		void onEvents(List<SseEvent> events) {
			this.seen.add(events.stream().map(SseEvent::id).toList().toString());
		}

		@EventListener
		void on(SseStreamEvent.Opened opened) {
			this.seen.add("opened");
		}

	}

	@Test
	void aBatchNeverSpansTwoConnections() {
		this.server.enqueue(SseScript.stream().send(SseScript.format("1", null, "a") + SseScript.format("2", null, "b")).drop());
		this.server.enqueue(SseScript.stream().send(SseScript.format("3", null, "c") + SseScript.format("4", null, "d")).hold());
		this.contextRunner.withBean(OrderListener.class)
			.withPropertyValues("sse.client.streams.ticks.reconnect.initial-delay=10ms")
			.run((context) -> {
				OrderListener listener = context.getBean(OrderListener.class);
				await().until(() -> listener.seen.stream().filter((entry) -> entry.startsWith("[")).count() >= 2
						&& listener.seen.get(listener.seen.size() - 1).contains("4"));
				List<String> joined = new ArrayList<>(listener.seen);
				int reopened = joined.lastIndexOf("opened");
				assertThat(joined.indexOf("opened")).isZero();
				assertThat(reopened).isPositive();
				assertThat(String.join(" ", joined.subList(0, reopened))).contains("1", "2").doesNotContain("3");
				assertThat(String.join(" ", joined.subList(reopened, joined.size()))).contains("3", "4")
					.doesNotContain("1", "2");
			});
	}

	static class TwoParameters {

		@SseListener(stream = "ticks", batch = true)
		void on(List<Tick> ticks, SseEvent event) {
		}

	}

	static class EventListWithoutBatch {

		@SseListener(stream = "ticks")
		void on(List<SseEvent> events) {
		}

	}

	static class ZeroBatchSize {

		@SseListener(stream = "ticks", batch = true, maxBatchSize = "0")
		void on(List<SseEvent> events) {
		}

	}

	@Test
	void aBatchListenerWithAWrongSignatureOrSizeFailsStartupNamingIt() {
		assertStartupFailure(TwoParameters.class, "TwoParameters.on(List, SseEvent)",
				"takes exactly one parameter: a List");
		assertStartupFailure(EventListWithoutBatch.class, "EventListWithoutBatch.on(List)", "set batch = true");
		assertStartupFailure(ZeroBatchSize.class, "ZeroBatchSize.on(List)", "maxBatchSize '0'");
		this.contextRunner.withBean(CheckpointListener.class)
			.withPropertyValues("sse.client.listener.max-batch-size=0")
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(InvalidSseConfigurationException.class)
				.hasMessageContaining("sse.client.listener.max-batch-size")
				.hasMessageContaining("at least one event"));
	}

	private void assertStartupFailure(Class<?> listener, String method, String problem) {
		this.contextRunner.withBean(listener)
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(InvalidSseConfigurationException.class)
				.hasMessageContaining(method)
				.hasMessageContaining(problem));
	}

}
