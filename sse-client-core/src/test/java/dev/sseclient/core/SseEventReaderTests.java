package dev.sseclient.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The blocking face: a loop over a stream's events, held back by TCP while its body runs,
 * ended by completion, failure or a close from another thread.
 */
class SseEventReaderTests {

	private final SseTestServer server = SseTestServer.start();

	private final SseClient client = SseClient.create();

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void aLoopGetsTheEventsInOrderAndEndsWhenTheStreamCompletes() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").event("2", "tick", "b").event("[DONE]").hold());
		List<String> seen = new ArrayList<>();
		try (SseEventReader events = this.client
			.open(SseRequest.get(this.server.url("/answer")).completeOn("[DONE]").build())) {
			for (SseEvent event : events) {
				seen.add(event.id() + ":" + event.type() + ":" + event.data());
			}
			assertThat(events.stream().state()).isEqualTo(StreamState.COMPLETED);
			assertThatIllegalStateException().isThrownBy(events::iterator).withMessageContaining("only once");
		}
		assertThat(seen).containsExactly("1:message:a", "2:tick:b");
	}

	@Test
	void aSlowLoopBodyHoldsTheServerBackThroughTcp() throws Exception {
		int events = 200_000;
		String data = "x".repeat(1000);
		this.server.enqueue(SseScript.stream().generate(events, (i) -> SseScript.format(String.valueOf(i), null, data)));
		long total = (long) events * SseScript.format("199999", null, data).length();
		try (SseEventReader reader = this.client.open(SseRequest.get(this.server.url("/feed")).build())) {
			var loop = reader.iterator();
			assertThat(loop.next().id()).isEqualTo("0");
			// the loop body is busy: the server gets only as far as the socket buffers let it
			long[] last = { -1 };
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
				long sent = this.server.bytesSent();
				boolean still = sent == last[0];
				last[0] = sent;
				return still;
			});
			assertThat(this.server.bytesSent()).isLessThan(total / 4);
			assertThat(loop.next().id()).isEqualTo("1");
		}
	}

	@Test
	void closingFromAnotherThreadEndsAWaitingLoop() throws Exception {
		this.server.enqueue(SseScript.stream().event("1", null, "only").hold());
		SseEventReader reader = this.client.open(SseRequest.get(this.server.url("/quiet")).build());
		CountDownLatch first = new CountDownLatch(1);
		CompletableFuture<List<String>> loop = CompletableFuture.supplyAsync(() -> {
			List<String> seen = new ArrayList<>();
			for (SseEvent event : reader) {
				seen.add(event.data());
				first.countDown();
			}
			return seen;
		});
		assertThat(first.await(20, TimeUnit.SECONDS)).isTrue();
		reader.close();
		assertThat(loop.get(20, TimeUnit.SECONDS)).containsExactly("only");
		assertThat(reader.stream().state()).isEqualTo(StreamState.CLOSED);
	}

	@Test
	void theFailureThatEndsTheStreamIsThrownFromTheLoop() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").drop());
		this.server.enqueue(SseScript.status(404));
		List<String> seen = new ArrayList<>();
		try (SseEventReader events = this.client.open(SseRequest.get(this.server.url("/gone"))
			.reconnect(ReconnectOptions.defaults().withDelays(Duration.ofMillis(10), Duration.ofMillis(10)))
			.build())) {
			assertThatExceptionOfType(SseHttpStatusException.class).isThrownBy(() -> {
				for (SseEvent event : events) {
					seen.add(event.data());
				}
			}).satisfies((failure) -> assertThat(failure.getStatus()).isEqualTo(404));
		}
		assertThat(seen).containsExactly("a");
	}

	@Test
	void waitingOnAReactorThreadFailsAtOnce() {
		this.server.enqueue(SseScript.stream().hold());
		try (SseEventReader events = this.client.open(SseRequest.get(this.server.url("/x")).build())) {
			assertThatIllegalStateException()
				.isThrownBy(() -> Mono.fromCallable(() -> events.iterator().hasNext())
					.subscribeOn(Schedulers.parallel())
					.block(Duration.ofSeconds(20)))
				.withMessageContaining("block");
		}
	}

	@Test
	void theEventsAsAJavaStreamCloseTheReaderWithThem() {
		this.server.enqueue(SseScript.stream().event("a").event("b").event("c").hold());
		SseEventReader reader = this.client.open(SseRequest.get(this.server.url("/s")).build());
		try (var events = reader.events()) {
			assertThat(events.limit(2).map(SseEvent::data).toList()).containsExactly("a", "b");
		}
		await().until(() -> reader.stream().state() == StreamState.CLOSED);
	}

}
