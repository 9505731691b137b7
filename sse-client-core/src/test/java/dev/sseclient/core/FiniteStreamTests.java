package dev.sseclient.core;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.http.HttpMethod;

import dev.sseclient.test.RecordedRequest;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A finite stream (one AI answer: a POST that ends on a sentinel or an event type) is an answer,
 * not a feed: a response that ends before its completion fails the stream and is never sent
 * again by itself; failures before the response opened are retried a few times.
 */
class FiniteStreamTests {

	private static final String QUESTION = "{\"stream\": true, \"messages\": [\"hi\"]}";

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final SseTestServer server = SseTestServer.start();

	private final SseClient client = SseClient.create();

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void aResponseEndingWithoutTheSentinelAndNoEventFailsWithoutASecondRequest() {
		this.server.dispatcher((request) -> SseScript.stream().end());
		StepVerifier.create(this.client.events(answer().build()))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(SseIncompleteResponseException.class)
				.hasMessageContaining("ended incomplete after 0 events")
				.satisfies((incomplete) -> assertThat(((SseException) incomplete).isRetryable()).isFalse()))
			.verify(TIMEOUT);
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void aResponseEndingAfterSomeEventsDeliversThemThenFailsWithTheirCount() {
		this.server.dispatcher((request) -> SseScript.stream().event("The").event(" answer").end());
		StepVerifier.create(this.client.events(answer().build()).map(SseEvent::data))
			.expectNext("The", " answer")
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(SseIncompleteResponseException.class)
				.hasMessageContaining("ended incomplete after 2 events")
				.satisfies((incomplete) -> assertThat(((SseIncompleteResponseException) incomplete).getEventsReceived())
					.isEqualTo(2)))
			.verify(TIMEOUT);
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void aConnectionDroppedMidAnswerFailsTheStreamAndEndsItsItemsWithTheCause() {
		this.server.dispatcher((request) -> SseScript.stream().event("The").drop());
		SseStream stream = this.client.stream(answer().build());
		List<SseItem> items = stream.items().collectList().block(TIMEOUT);
		assertThat(items).extracting(WireOrderTests::describe)
			.containsExactly("opened", "event The", "failed", "closed FAILED");
		SseSignal.Closed closed = (SseSignal.Closed) items.get(items.size() - 1);
		assertThat(closed.cause()).isInstanceOf(SseIncompleteResponseException.class);
		assertThat(stream.state()).isEqualTo(StreamState.FAILED);
		assertThat(stream.lastFailure()).isSameAs(closed.cause());
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void aServiceUnavailableBeforeTheAnswerIsRetriedAndTheAnswerCompletes() {
		this.server.enqueue(SseScript.status(503).header("Retry-After", "0"));
		this.server.enqueue(SseScript.stream().event("Hello").event("[DONE]").hold());
		StepVerifier.create(this.client.events(answer().build()).map(SseEvent::data))
			.expectNext("Hello")
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.server.requestCount()).isEqualTo(2);
		this.server.takeRequest();
		RecordedRequest second = this.server.takeRequest();
		assertThat(second.method()).isEqualTo("POST");
		assertThat(second.bodyAsString()).isEqualTo(QUESTION);
	}

	@Test
	void failuresBeforeTheAnswerAreRetriedThreeTimesByDefault() {
		this.server.dispatcher((request) -> SseScript.status(503).header("Retry-After", "0"));
		StepVerifier.create(this.client.events(answer().build()))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(SseReconnectExhaustedException.class))
			.verify(TIMEOUT);
		assertThat(this.server.requestCount()).isEqualTo(1 + ReconnectOptions.FINITE_STREAM_MAX_ATTEMPTS);
	}

	@Test
	void anEventTypeCanEndTheStreamAndIsDelivered() {
		this.server.enqueue(SseScript.stream()
			.event(null, "content_block_delta", "{\"text\":\"Hi\"}")
			.event(null, "message_stop", "{\"type\":\"message_stop\"}")
			.event(null, "content_block_delta", "{\"text\":\"never\"}")
			.hold());
		SseRequest request = answer().completeOn(null).completeOnEvent("message_stop").build();
		assertThat(request.isFinite()).isTrue();
		StepVerifier.create(this.client.events(request).map(SseEvent::type))
			.expectNext("content_block_delta", "message_stop")
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void theLastEventIdStopsAtTheCompletionThoughMoreIdsFollowInTheSameRead() {
		this.server.enqueue(SseScript.stream()
			.send(SseScript.format("1", null, "The") + SseScript.format("2", null, "[DONE]")
					+ SseScript.format("3", null, "never"))
			.hold());
		SseStream stream = this.client.stream(answer().build());
		StepVerifier.create(stream.events().map(SseEvent::data)).expectNext("The").expectComplete().verify(TIMEOUT);
		assertThat(stream.lastEventId()).isEqualTo("2");
	}

	@Test
	void aResendOfAnIncompleteAnswerIsOptInResumesFromTheLastIdAndIsBounded() {
		this.server.enqueue(SseScript.stream().event("1", null, "The").end());
		this.server.enqueue(SseScript.stream().event("2", null, " answer").event("[DONE]").hold());
		StepVerifier.create(this.client.events(answer().resendIncomplete(true).build()).map(SseEvent::data))
			.expectNext("The", " answer")
			.expectComplete()
			.verify(TIMEOUT);
		this.server.takeRequest();
		assertThat(this.server.takeRequest().header("Last-Event-ID")).isEqualTo("1");
		// an endless cycle of short answers is no progress: it fails after the attempts allowed
		this.server.dispatcher((request) -> SseScript.stream().event("x").end());
		StepVerifier.create(this.client.events(answer().resendIncomplete(true).build()))
			.expectNextCount(1 + ReconnectOptions.FINITE_STREAM_MAX_ATTEMPTS)
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(SseReconnectExhaustedException.class)
				.hasCauseInstanceOf(SseIncompleteResponseException.class))
			.verify(TIMEOUT);
		assertThat(this.server.requestCount()).isEqualTo(2 + 1 + ReconnectOptions.FINITE_STREAM_MAX_ATTEMPTS);
	}

	@Test
	void aLongLivedPostStreamWithoutACompletionRuleStillReconnectsWithItsBody() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").end());
		this.server.enqueue(SseScript.stream().event("2", null, "b").hold());
		SseRequest request = SseRequest.post(this.server.url("/subscribe"), QUESTION).reconnect(fast()).build();
		assertThat(request.isFinite()).isFalse();
		StepVerifier.create(this.client.events(request).map(SseEvent::data)).expectNext("a", "b").thenCancel().verify(TIMEOUT);
		this.server.takeRequest();
		RecordedRequest second = this.server.takeRequest();
		assertThat(second.method()).isEqualTo(HttpMethod.POST.name());
		assertThat(second.bodyAsString()).isEqualTo(QUESTION);
		assertThat(second.header("Last-Event-ID")).isEqualTo("1");
	}

	private SseRequest.Builder answer() {
		return SseRequest.post(this.server.url("/v1/chat/completions"), QUESTION).completeOn("[DONE]").reconnect(fast());
	}

	private static ReconnectOptions fast() {
		return ReconnectOptions.defaults().withDelays(Duration.ofMillis(10), Duration.ofMillis(20)).withJitter(0);
	}

}
