package dev.sseclient.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import dev.sseclient.core.parse.EventStreamLimitException;
import dev.sseclient.test.RecordedRequest;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Drives {@link SseStream} against a real server on loopback that scripts bytes, pauses, drops
 * and statuses.
 */
class SseStreamTests {

	private static final ReconnectOptions FAST = StreamRecorder.FAST;

	private final SseTestServer server = SseTestServer.start();

	private final StreamRecorder recorder = new StreamRecorder();

	private final SseClient client = this.recorder.client;

	private final List<SseEvent> events = this.recorder.events;

	private final List<SseSignal> signals = this.recorder.signals;

	private final AtomicReference<Throwable> error = this.recorder.error;

	@AfterEach
	void closeAll() {
		this.recorder.close();
		this.server.close();
	}

	@Test
	void reconnectsWithLastEventIdOfTheLastDeliveredEvent() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").event("2", "tick", "b").end());
		this.server.enqueue(SseScript.stream().event("3", null, "c").hold());
		follow(request().build());

		await().until(() -> this.events.size() == 3);
		assertThat(this.events).extracting(SseEvent::id, SseEvent::type, SseEvent::data)
			.containsExactly(tuple("1", "message", "a"), tuple("2", "tick", "b"), tuple("3", "message", "c"));
		assertThat(this.server.takeRequest().header("Last-Event-ID")).isNull();
		assertThat(this.server.takeRequest().header("Last-Event-ID")).isEqualTo("2");
	}

	@Test
	void lastEventIdIsWhereTheEventsLeftItForAnyThreadAndAfterTheEnd() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").event("no id: keeps 1").event("7", null, "b").hold());
		SseStream stream = follow(request().build());
		await().until(() -> this.events.size() == 3);
		assertThat(this.events).extracting(SseEvent::id).containsExactly("1", "1", "7");
		// asked from this thread while the connection still reads
		assertThat(stream.lastEventId()).isEqualTo("7");
		stream.close();
		await().until(() -> stream.state().isFinal());
		assertThat(stream.lastEventId()).isEqualTo("7");
	}

	@Test
	void buffersOfAnotherConnectorAreParsedAlike() {
		// the JDK connector's buffers are read-only views, not Netty's heap buffers read in place
		SseClient jdkClient = SseClient.create(WebClient.builder().clientConnector(new JdkClientHttpConnector()));
		this.server.enqueue(SseScript.stream()
			.event("1", null, "caf\u00e9")
			.send("id: 2\nevent: tick\ndata: split")
			.send(" across\ndata: writes\n\n")
			.end());
		List<SseEvent> received = jdkClient.events(SseRequest.get(this.server.url("/feed")).reconnect(FAST).build())
			.take(2)
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(received).extracting(SseEvent::id, SseEvent::type, SseEvent::data)
			.containsExactly(tuple("1", "message", "caf\u00e9"), tuple("2", "tick", "split across\nwrites"));
	}

	@Test
	void sendsSseRequestHeaders() {
		this.server.enqueue(SseScript.stream().hold());
		follow(request().build());
		RecordedRequest request = this.server.takeRequest();
		assertThat(request.method()).isEqualTo("GET");
		assertThat(request.target()).isEqualTo("/feed");
		assertThat(request.header("Accept")).isEqualTo("text/event-stream");
		assertThat(request.header("Cache-Control")).isEqualTo("no-cache");
		assertThat(request.header("Last-Event-ID")).isNull();
		// a GET has no body, so nothing says how long one is
		assertThat(request.header("Transfer-Encoding")).isNull();
		assertThat(request.body()).isEmpty();
	}

	@Test
	void initialLastEventIdIsSentOnTheFirstAttempt() {
		this.server.enqueue(SseScript.stream().hold());
		follow(request().lastEventId("checkpoint-7").build());
		assertThat(this.server.takeRequest().header("Last-Event-ID")).isEqualTo("checkpoint-7");
	}

	@Test
	void emptyIdResetsSoTheNextAttemptSendsNoLastEventId() {
		this.server.enqueue(SseScript.stream().event("5", null, "a").send("id\ndata: b\n\n").end());
		this.server.enqueue(SseScript.stream().hold());
		follow(request().build());
		this.server.takeRequest();
		assertThat(this.server.takeRequest().header("Last-Event-ID")).isNull();
		assertThat(this.events).extracting(SseEvent::id).containsExactly("5", "");
	}

	@Test
	void partialEventAndItsIdAreDiscardedAtEndOfStream() {
		this.server.enqueue(SseScript.stream().event("1", null, "whole").send("id: 2\ndata: half").drop());
		this.server.enqueue(SseScript.stream().event("3", null, "next").hold());
		follow(request().build());
		await().until(() -> this.events.size() == 2);
		assertThat(this.events).extracting(SseEvent::data).containsExactly("whole", "next");
		this.server.takeRequest();
		assertThat(this.server.takeRequest().header("Last-Event-ID")).isEqualTo("1");
	}

	@Test
	void idWithoutDataMovesTheReconnectionPoint() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").send("id: 9\n\n").end());
		this.server.enqueue(SseScript.stream().hold());
		follow(request().build());
		this.server.takeRequest();
		assertThat(this.server.takeRequest().header("Last-Event-ID")).isEqualTo("9");
	}

	@Test
	void eventSplitAcrossChunksAndCommentsArriveInOrder() {
		this.server.enqueue(SseScript.stream()
			.comment(" heartbeat")
			.send("da")
			.send("ta: hé")
			.send(new byte[] { (byte) 0xC3 })
			.send(new byte[] { (byte) 0xA9, '\r' })
			.send("\n\r\n")
			.hold());
		follow(request().build());
		await().until(() -> this.events.size() == 1);
		assertThat(this.events.get(0).data()).isEqualTo("héé");
		assertThat(this.signals).contains(new SseSignal.Comment("heartbeat"));
	}

	@Test
	void noContentStopsForGoodWithoutAnotherRequest() {
		this.server.enqueue(SseScript.status(204));
		SseStream stream = follow(request().build());
		await().until(() -> stream.state() == StreamState.COMPLETED);
		assertThat(this.signals).last().isEqualTo(new SseSignal.Closed(StreamState.COMPLETED, null));
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void postBodyAndCustomHeadersAreSentAgainOnEveryAttempt() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").end());
		this.server.enqueue(SseScript.stream().hold());
		follow(SseRequest.post(this.server.url("/chat"), "{\"stream\":true}")
			.header("X-Api-Key", "k1")
			.reconnect(FAST)
			.build());
		for (int i = 0; i < 2; i++) {
			RecordedRequest request = this.server.takeRequest();
			assertThat(request.method()).isEqualTo("POST");
			assertThat(request.bodyAsString()).isEqualTo("{\"stream\":true}");
			assertThat(request.header("Content-Type")).isEqualTo("application/json");
			assertThat(request.header("X-Api-Key")).isEqualTo("k1");
		}
	}

	@Test
	void customizerRunsBeforeEveryAttempt() {
		AtomicInteger calls = new AtomicInteger();
		this.server.enqueue(SseScript.stream().event("1", null, "a").end());
		this.server.enqueue(SseScript.stream().hold());
		follow(request().customizer((attempt, headers) -> {
			calls.incrementAndGet();
			headers.set("X-Attempt", attempt.number() + "/" + attempt.lastEventId());
		}).build());
		assertThat(this.server.takeRequest().header("X-Attempt")).isEqualTo("1/");
		assertThat(this.server.takeRequest().header("X-Attempt")).isEqualTo("2/1");
		assertThat(calls).hasValue(2);
	}

	@Test
	void failingCustomizerIsARetryableFailureNamingIt() {
		AtomicInteger calls = new AtomicInteger();
		this.server.enqueue(SseScript.stream().event("1", null, "a").hold());
		follow(request().customizer((attempt, headers) -> {
			if (calls.incrementAndGet() == 1) {
				throw new IllegalStateException("token endpoint down");
			}
		}).build());
		await().until(() -> this.events.size() == 1);
		assertThat(failures()).singleElement()
			.satisfies((ex) -> assertThat(ex.isRetryable()).isTrue())
			.extracting(Throwable::getMessage)
			.isEqualTo("The request customizer of stream '127.0.0.1/feed' failed before attempt 1: "
					+ "java.lang.IllegalStateException: token endpoint down");
	}

	@Test
	void nonAsciiLastEventIdTravelsAsUtf8() {
		this.server.enqueue(SseScript.stream().event("ü-1", null, "a").end());
		this.server.enqueue(SseScript.stream().hold());
		follow(request().build());
		this.server.takeRequest();
		String raw = this.server.takeRequest().header("Last-Event-ID");
		assertThat(raw).isNotNull();
		assertThat(new String(raw.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
				java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("ü-1");
	}

	@Test
	void idleTimeoutClosesASilentConnectionAndReconnects() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").hold());
		this.server.enqueue(SseScript.stream().event("2", null, "b").hold());
		follow(request().idleTimeout(Duration.ofMillis(300)).build());
		await().until(() -> this.events.size() == 2);
		assertThat(failures()).singleElement()
			.isInstanceOfSatisfying(SseTimeoutException.class, (ex) -> assertThat(ex.isIdle()).isTrue());
		this.server.takeRequest();
		assertThat(this.server.takeRequest().header("Last-Event-ID")).isEqualTo("1");
	}

	@Test
	void commentsKeepAConnectionAliveAgainstTheIdleTimeout() {
		SseScript script = SseScript.stream();
		for (int i = 0; i < 8; i++) {
			script.pause(Duration.ofMillis(100)).comment("ping");
		}
		this.server.enqueue(script.event("1", null, "done").hold());
		follow(request().idleTimeout(Duration.ofMillis(300)).build());
		await().until(() -> this.events.size() == 1);
		assertThat(failures()).isEmpty();
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void anIdleTimeoutOfZeroKeepsASilentConnectionOpen() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").hold());
		SseStream stream = follow(request().idleTimeout(Duration.ZERO).connectTimeout(Duration.ofMillis(200)).build());
		await().until(() -> this.events.size() == 1);
		// longer than the connect timeout, whose timer the opened response cancelled
		await().during(Duration.ofMillis(600)).until(() -> stream.state() == StreamState.OPEN);
		assertThat(failures()).isEmpty();
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void connectTimeoutWhenTheServerNeverAnswers() {
		this.server.enqueue(SseScript.noResponse());
		this.server.enqueue(SseScript.stream().event("1", null, "a").hold());
		follow(request().connectTimeout(Duration.ofMillis(300)).build());
		await().until(() -> this.events.size() == 1);
		assertThat(failures()).singleElement()
			.isInstanceOfSatisfying(SseTimeoutException.class, (ex) -> assertThat(ex.isIdle()).isFalse());
	}

	@Test
	void serverRetryFieldSetsTheReconnectionDelay() {
		this.server.enqueue(SseScript.stream().send("retry: 1234\n").event("1", null, "a").end());
		this.server.enqueue(SseScript.stream().hold());
		follow(request().reconnect(FAST.withDelays(Duration.ofMillis(10), Duration.ofSeconds(5))).build());
		await().until(() -> retryDelays().size() == 1);
		assertThat(retryDelays()).containsExactly(Duration.ofMillis(1234));
	}

	@Test
	void serverRetryIsClampedToTheConfiguredRange() {
		this.server.enqueue(SseScript.stream().send("retry: 999999999\n").event("1", null, "a").end());
		follow(request().reconnect(FAST.withServerDelayRange(Duration.ZERO, Duration.ofMillis(200))).build());
		await().until(() -> retryDelays().size() == 1);
		assertThat(retryDelays()).containsExactly(Duration.ofMillis(200));
	}

	@Test
	void connectionsThatDeliverEventsReconnectAtTheBaseDelay() {
		for (int i = 1; i <= 3; i++) {
			this.server.enqueue(SseScript.stream().event(String.valueOf(i), null, "e").end());
		}
		this.server.enqueue(SseScript.stream().hold());
		follow(request().reconnect(FAST.withDelays(Duration.ofMillis(10), Duration.ofSeconds(1))).build());
		await().until(() -> retryDelays().size() == 3);
		assertThat(retryDelays()).containsOnly(Duration.ofMillis(10));
	}

	@Test
	void connectionsEndingWithoutEventsBackOffExponentially() {
		for (int i = 1; i <= 3; i++) {
			this.server.enqueue(SseScript.stream().comment("nothing").end());
		}
		this.server.enqueue(SseScript.stream().hold());
		follow(request().reconnect(FAST.withDelays(Duration.ofMillis(10), Duration.ofSeconds(1))).build());
		await().until(() -> retryDelays().size() == 3);
		assertThat(retryDelays()).containsExactly(Duration.ofMillis(10), Duration.ofMillis(200), Duration.ofMillis(400));
	}

	@Test
	void retryAfterOnServiceUnavailableIsHonoured() {
		this.server.enqueue(SseScript.status(503).header("Retry-After", "1").body("overloaded"));
		this.server.enqueue(SseScript.stream().event("1", null, "a").hold());
		follow(request().build());
		await().until(() -> this.events.size() == 1);
		assertThat(retryDelays()).containsExactly(Duration.ofSeconds(1));
		assertThat(failures()).singleElement().isInstanceOfSatisfying(SseHttpStatusException.class, (ex) -> {
			assertThat(ex.getStatus()).isEqualTo(503);
			assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofSeconds(1));
			assertThat(ex.getMessage()).contains("503").contains("overloaded");
		});
	}

	@Test
	void tooManyRequestsAndRequestTimeoutAreRetried() {
		this.server.enqueue(SseScript.status(429));
		this.server.enqueue(SseScript.status(408));
		this.server.enqueue(SseScript.status(502));
		this.server.enqueue(SseScript.stream().event("1", null, "a").hold());
		follow(request().build());
		await().until(() -> this.events.size() == 1);
		assertThat(failures()).extracting((ex) -> ((SseHttpStatusException) ex).getStatus())
			.containsExactly(429, 408, 502);
	}

	@Test
	void clientErrorStopsTheStreamWithWhatArrived() {
		this.server.enqueue(SseScript.status(404).body("no such feed"));
		SseStream stream = follow(request().build());
		await().until(() -> stream.state() == StreamState.FAILED);
		assertThat(this.error.get()).isInstanceOf(SseHttpStatusException.class)
			.hasMessage("The server at " + this.server.url("/feed")
					+ " answered 404 instead of 200 with text/event-stream: no such feed");
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void wrongContentTypeStopsTheStreamNamingWhatArrived() {
		this.server.enqueue(SseScript.status(200).header("Content-Type", "text/html").body("<html>login</html>"));
		SseStream stream = follow(request().build());
		await().until(() -> stream.state() == StreamState.FAILED);
		assertThat(this.error.get()).isInstanceOf(SseContentTypeException.class)
			.hasMessageContaining("content type 'text/html'")
			.hasMessageContaining("<html>login</html>");
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void contentTypeParametersAreAllowed() {
		this.server.enqueue(SseScript.stream().header("Content-Type", "Text/Event-Stream; charset=ISO-8859-1")
			.event("1", null, "ü")
			.hold());
		follow(request().build());
		await().until(() -> this.events.size() == 1);
		assertThat(this.events.get(0).data()).isEqualTo("ü");
	}

	@Test
	void unauthorizedStopsWhenCredentialsCannotChange() {
		this.server.enqueue(SseScript.status(401));
		SseStream stream = follow(request().header("Authorization", "Bearer expired").build());
		await().until(() -> stream.state() == StreamState.FAILED);
		assertThat(((SseHttpStatusException) this.error.get()).getStatus()).isEqualTo(401);
		assertThat(this.error.get().getMessage()).doesNotContain("expired");
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void unauthorizedRetriesWhenTheCustomizerRefreshedTheToken() {
		AtomicInteger tokens = new AtomicInteger();
		this.server.enqueue(SseScript.status(401));
		this.server.enqueue(SseScript.stream().event("1", null, "a").hold());
		follow(request().customizer((attempt, headers) -> {
			if (attempt.number() == 1 || attempt.previousFailure() instanceof SseHttpStatusException) {
				headers.setBearerAuth("token-" + tokens.incrementAndGet());
			}
		}).build());
		await().until(() -> this.events.size() == 1);
		assertThat(this.server.takeRequest().header("Authorization")).isEqualTo("Bearer token-1");
		assertThat(this.server.takeRequest().header("Authorization")).isEqualTo("Bearer token-2");
	}

	@Test
	void forbiddenStopsWhenTheCustomizerLeavesHeadersAlone() {
		this.server.enqueue(SseScript.status(403));
		SseStream stream = follow(request().customizer((attempt, headers) -> headers.setBearerAuth("same")).build());
		await().until(() -> stream.state() == StreamState.FAILED);
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void redirectIsFollowed() {
		this.server.enqueue(SseScript.redirect(307, "/moved"));
		this.server.enqueue(SseScript.stream().event("1", null, "a").hold());
		follow(request().build());
		await().until(() -> this.events.size() == 1);
		assertThat(this.server.takeRequest().target()).isEqualTo("/feed");
		assertThat(this.server.takeRequest().target()).isEqualTo("/moved");
	}

	@Test
	void seeOtherTurnsAPostIntoAGetWithoutBody() {
		this.server.enqueue(SseScript.redirect(303, "/result"));
		this.server.enqueue(SseScript.stream().hold());
		follow(SseRequest.post(this.server.url("/chat"), "{}").reconnect(FAST).build());
		assertThat(this.server.takeRequest().method()).isEqualTo("POST");
		RecordedRequest redirected = this.server.takeRequest();
		assertThat(redirected.method()).isEqualTo("GET");
		assertThat(redirected.body()).isEmpty();
		assertThat(redirected.header("Content-Type")).isNull();
	}

	@Test
	void permanentRedirectKeepsMethodAndBody() {
		this.server.enqueue(SseScript.redirect(308, "/v2/chat"));
		this.server.enqueue(SseScript.stream().hold());
		follow(SseRequest.post(this.server.url("/chat"), "{\"q\":1}").reconnect(FAST).build());
		this.server.takeRequest();
		RecordedRequest redirected = this.server.takeRequest();
		assertThat(redirected.method()).isEqualTo("POST");
		assertThat(redirected.bodyAsString()).isEqualTo("{\"q\":1}");
	}

	@Test
	void credentialsAreNotSentToAnotherOrigin() {
		String otherOrigin = "http://localhost:" + this.server.port() + "/elsewhere";
		this.server.enqueue(SseScript.redirect(302, otherOrigin));
		this.server.enqueue(SseScript.stream().hold());
		follow(request().header("Authorization", "Bearer secret")
			.header("Cookie", "session=1")
			.header("X-Token", "t")
			.sensitiveHeader("X-Token")
			.header("X-Api-Key", "k")
			.header("X-Trace", "keep")
			.build());
		assertThat(this.server.takeRequest().header("Authorization")).isEqualTo("Bearer secret");
		RecordedRequest redirected = this.server.takeRequest();
		assertThat(redirected.header("Host")).startsWith("localhost");
		assertThat(redirected.header("Authorization")).isNull();
		assertThat(redirected.header("Cookie")).isNull();
		assertThat(redirected.header("X-Token")).isNull();
		assertThat(redirected.header("X-Api-Key")).as("looks like a credential").isNull();
		assertThat(redirected.header("X-Trace")).isEqualTo("keep");
	}

	@Test
	void aFailureAfterARedirectNamesWhereTheRedirectLed() throws Exception {
		int closedPort;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		this.server.enqueue(SseScript.redirect(307, "http://127.0.0.1:" + closedPort + "/moved?token=abc"));
		follow(request().reconnect(ReconnectOptions.disabled()).build());
		await().until(() -> !failures().isEmpty());
		assertThat(failures().get(0)).hasMessageContaining("http://127.0.0.1:" + closedPort + "/moved?token=******")
			.hasMessageNotContaining("abc");
	}

	@Test
	void credentialsStayOnASameOriginRedirect() {
		this.server.enqueue(SseScript.redirect(301, this.server.url("/moved")));
		this.server.enqueue(SseScript.stream().hold());
		follow(request().header("Authorization", "Bearer secret").build());
		this.server.takeRequest();
		assertThat(this.server.takeRequest().header("Authorization")).isEqualTo("Bearer secret");
	}

	@Test
	void redirectWithoutLocationIsAnErrorNotALoop() {
		this.server.enqueue(SseScript.status(302));
		SseStream stream = follow(request().build());
		await().until(() -> stream.state() == StreamState.FAILED);
		assertThat(this.error.get()).isInstanceOf(SseRedirectException.class)
			.hasMessageContaining("302 without a Location header");
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void redirectLoopIsBounded() {
		this.server.dispatcher((request) -> SseScript.redirect(302, "/loop"));
		SseStream stream = follow(request().maxRedirects(5).build());
		await().until(() -> stream.state() == StreamState.FAILED);
		assertThat(this.error.get()).isInstanceOf(SseRedirectException.class).hasMessageContaining("5 redirects");
		assertThat(this.server.requestCount()).isEqualTo(6);
	}

	@Test
	void restartReconnectsAtOnceWithoutAFailure() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").hold());
		this.server.enqueue(SseScript.stream().event("2", null, "b").hold());
		SseStream stream = follow(request().reconnect(FAST.withDelays(Duration.ofMinutes(1), Duration.ofMinutes(1))).build());
		await().until(() -> this.events.size() == 1);
		stream.restart();
		await().until(() -> this.events.size() == 2);
		assertThat(failures()).isEmpty();
		assertThat(this.signals).noneMatch(SseSignal.Retrying.class::isInstance);
		this.server.takeRequest();
		assertThat(this.server.takeRequest().header("Last-Event-ID")).isEqualTo("1");
	}

	@Test
	void restartCutsABackOffWaitShort() {
		this.server.enqueue(SseScript.status(503));
		this.server.enqueue(SseScript.stream().event("1", null, "a").hold());
		SseStream stream = follow(request().reconnect(ReconnectOptions.defaults()
			.withDelays(Duration.ofMinutes(1), Duration.ofMinutes(1))).build());
		await().until(() -> stream.state() == StreamState.RECONNECTING);
		stream.restart();
		await().until(() -> this.events.size() == 1);
	}

	@Test
	void closeStopsAllTraffic() {
		this.server.dispatcher((request) -> SseScript.stream().event("1", null, "a").hold());
		SseStream stream = follow(request().build());
		await().until(() -> this.events.size() == 1 && this.server.openConnections() == 1);
		stream.close();
		await().until(() -> this.server.openConnections() == 0);
		assertThat(stream.state()).isEqualTo(StreamState.CLOSED);
		assertThat(this.signals).last().isEqualTo(new SseSignal.Closed(StreamState.CLOSED, null));
		await().during(Duration.ofMillis(300)).until(() -> this.server.requestCount() == 1);
	}

	@Test
	void closeStopsDeliveryAtOnceEvenInTheMiddleOfOneReadsEvents() {
		StringBuilder oneChunk = new StringBuilder();
		for (int id = 1; id <= 500; id++) {
			oneChunk.append(SseScript.format(String.valueOf(id), null, "e" + id));
		}
		this.server.enqueue(SseScript.stream().send(oneChunk.toString()).hold());
		SseStream stream = this.client.stream(request().build());
		List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
		AtomicReference<String> ending = new AtomicReference<>();
		stream.events().subscribe((event) -> {
			received.add(event.id());
			if (received.size() == 5) {
				stream.close();
			}
		}, (error) -> ending.set("error " + error), () -> ending.set("complete"));
		await().until(() -> ending.get() != null);
		assertThat(ending.get()).isEqualTo("complete");
		assertThat(received).containsExactly("1", "2", "3", "4", "5");
	}

	@Test
	void closeDuringBackOffMakesNoFurtherRequest() {
		this.server.dispatcher((request) -> SseScript.status(503));
		SseStream stream = follow(request().reconnect(FAST.withDelays(Duration.ofMillis(200), Duration.ofMillis(200))).build());
		await().until(() -> stream.state() == StreamState.RECONNECTING);
		stream.close();
		int requests = this.server.requestCount();
		await().during(Duration.ofMillis(500)).until(() -> this.server.requestCount() == requests);
		assertThat(stream.state()).isEqualTo(StreamState.CLOSED);
	}

	@Test
	void closeWhileWaitingForTheResponseEndsTheAttemptAtOnce() {
		this.server.enqueue(SseScript.noResponse());
		SseStream stream = follow(request().connectTimeout(Duration.ofMinutes(5)).build());
		await().until(() -> this.server.requestCount() == 1 && stream.state() == StreamState.CONNECTING);
		stream.close();
		await().until(() -> this.server.openConnections() == 0);
		assertThat(stream.state()).isEqualTo(StreamState.CLOSED);
		assertThat(this.signals).containsExactly(new SseSignal.Closed(StreamState.CLOSED, null));
		await().during(Duration.ofMillis(300)).until(() -> this.server.requestCount() == 1);
	}

	@Test
	void restartWhileWaitingForTheResponseAsksAgainWithoutAFailure() {
		this.server.enqueue(SseScript.noResponse());
		this.server.enqueue(SseScript.stream().event("1", null, "a").hold());
		SseStream stream = follow(request().connectTimeout(Duration.ofMinutes(5)).build());
		await().until(() -> this.server.requestCount() == 1 && stream.state() == StreamState.CONNECTING);
		stream.restart();
		await().until(() -> this.events.size() == 1);
		assertThat(failures()).isEmpty();
		assertThat(this.server.requestCount()).isEqualTo(2);
	}

	@Test
	void closeBeforeSubscribingMakesNoRequest() {
		SseStream stream = this.client.stream(request().build());
		stream.close();
		StepVerifier.create(stream.events()).expectComplete().verify(Duration.ofSeconds(10));
		assertThat(stream.state()).isEqualTo(StreamState.CLOSED);
		assertThat(this.server.requestCount()).isZero();
	}

	@Test
	void eventsCanBeSubscribedOnlyOnce() {
		this.server.enqueue(SseScript.stream().hold());
		SseStream stream = follow(request().build());
		StepVerifier.create(stream.events()).expectError(IllegalStateException.class).verify(Duration.ofSeconds(10));
	}

	@Test
	void tenMegabyteEventWithARaisedLimit() {
		String big = "x".repeat(10 * 1024 * 1024);
		SseScript script = SseScript.stream().send("id: big\ndata: ");
		for (int offset = 0; offset < big.length(); offset += 64 * 1024) {
			script.send(big.substring(offset, Math.min(big.length(), offset + 64 * 1024)));
		}
		this.server.enqueue(script.send("\n\n").hold());
		follow(request().maxEventSize(11 * 1024 * 1024).build());
		await().atMost(Duration.ofSeconds(30)).until(() -> this.events.size() == 1);
		assertThat(this.events.get(0).data()).hasSize(big.length());
		assertThat(this.events.get(0).id()).isEqualTo("big");
	}

	@Test
	void oversizedEventWithTheDefaultLimitFailsTheConnectionAndReconnects() {
		String big = "x".repeat(1024 * 1024 + 1);
		this.server.enqueue(SseScript.stream().event("1", null, "small").send("data: " + big + "\n\n").hold());
		this.server.enqueue(SseScript.stream().event("2", null, "after").hold());
		follow(request().build());
		await().until(() -> this.events.size() == 2);
		assertThat(this.events).extracting(SseEvent::data).containsExactly("small", "after");
		assertThat(failures()).singleElement().isInstanceOf(EventStreamLimitException.class);
		this.server.takeRequest();
		assertThat(this.server.takeRequest().header("Last-Event-ID")).isEqualTo("1");
	}

	@Test
	void aReadThatFailsOnALimitLeavesTheIdWhereItsEventsWereNotDelivered() {
		// event 2 and an oversized event in one write: the read fails, and event 2 with it; the
		// reconnection must ask for it again, whether event 1 came in a read of its own or not
		AtomicInteger requests = new AtomicInteger();
		this.server.dispatcher((request) -> {
			if (requests.incrementAndGet() == 1) {
				return SseScript.stream()
					.event("1", null, "first")
					.pause(Duration.ofMillis(300))
					.send(SseScript.format("2", null, "second") + "data: " + "x".repeat(600) + "\n\n")
					.hold();
			}
			// as a server would: the events after the id asked for
			String lastEventId = request.header("Last-Event-ID");
			SseScript resumed = SseScript.stream();
			if (lastEventId == null) {
				resumed.event("1", null, "first");
			}
			if (lastEventId == null || lastEventId.equals("1")) {
				resumed.event("2", null, "second");
			}
			return resumed.hold();
		});
		follow(request().maxEventSize(256).build());
		await().until(() -> this.events.size() >= 2);
		assertThat(this.events).extracting(SseEvent::data).containsExactly("first", "second");
		assertThat(failures()).singleElement().isInstanceOf(EventStreamLimitException.class);
	}

	@Test
	void connectionRefusedIsRetried() {
		int port = this.server.port();
		this.server.close();
		SseStream stream = follow(SseRequest.get("http://127.0.0.1:" + port + "/feed").reconnect(FAST).build());
		await().until(() -> failures().size() >= 2);
		assertThat(failures().get(0)).isInstanceOf(SseConnectionException.class).hasMessageContaining("refused");
		assertThat(stream.state()).isIn(StreamState.CONNECTING, StreamState.RECONNECTING);
	}

	@Test
	void warningsAreRateLimitedDuringAReconnectStorm() {
		ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
			.getLogger(SseStream.class);
		ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ch.qos.logback.core.read.ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			this.server.dispatcher((request) -> SseScript.status(503));
			follow(request().reconnect(FAST.withDelays(Duration.ofMillis(1), Duration.ofMillis(5))).build());
			await().until(() -> failures().size() >= 12);
			List<String> warnings = appender.list.stream()
				.filter((event) -> event.getLevel() == ch.qos.logback.classic.Level.WARN)
				.map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
				.toList();
			assertThat(warnings).hasSize(3).allMatch((message) -> message.contains("answered 503"));
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void maxAttemptsEndsTheStream() {
		this.server.dispatcher((request) -> SseScript.status(500));
		SseStream stream = follow(request().reconnect(FAST.withMaxAttempts(2)).build());
		await().until(() -> stream.state() == StreamState.FAILED);
		assertThat(this.error.get()).isInstanceOf(SseReconnectExhaustedException.class)
			.hasMessageStartingWith("Gave up after 3 failed attempts in a row");
		assertThat(this.server.requestCount()).isEqualTo(3);
	}

	@Test
	void withoutReconnectTheEndOfTheResponseCompletesTheStream() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").end());
		SseStream stream = this.client.stream(request().reconnect(ReconnectOptions.disabled()).build());
		StepVerifier.create(stream.events()).expectNextMatches((event) -> event.data().equals("a")).expectComplete().verify(Duration.ofSeconds(10));
		assertThat(stream.state()).isEqualTo(StreamState.COMPLETED);
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void completionDataEndsTheStreamWithoutDeliveringIt() {
		this.server.enqueue(SseScript.stream().event(" Hello").event(" world").event("[DONE]").hold());
		SseStream stream = this.client.stream(SseRequest.post(this.server.url("/chat"), "{}").completeOn("[DONE]").build());
		StepVerifier.create(stream.events().map(SseEvent::data))
			.expectNext(" Hello", " world")
			.expectComplete().verify(Duration.ofSeconds(10));
		assertThat(stream.state()).isEqualTo(StreamState.COMPLETED);
		await().until(() -> this.server.openConnections() == 0);
	}

	@Test
	void slowSubscriberGetsEverythingInOrder() {
		SseScript script = SseScript.stream();
		for (int i = 0; i < 200; i++) {
			script.event(String.valueOf(i), null, "event " + i);
		}
		this.server.enqueue(script.hold());
		SseStream stream = this.client.stream(request().build());
		this.recorder.track(stream);
		StepVerifier.create(stream.events().map(SseEvent::id), 0)
			.thenRequest(1)
			.expectNext("0")
			.thenAwait(Duration.ofMillis(200))
			.thenRequest(199)
			.expectNextSequence(java.util.stream.IntStream.range(1, 200).mapToObj(String::valueOf).toList())
			.thenCancel()
			.verify(Duration.ofSeconds(10));
		assertThat(failures()).isEmpty();
	}

	@Test
	void aSubscriberOnAnotherThreadTakingOneEventAtATimeGetsReadsOfOneAndOfManyInOrder() {
		int chunks = 3_000;
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < chunks; i++) {
			for (int j = 0; j < eventsInChunk(i); j++) {
				expected.add(i + "-" + j);
			}
		}
		this.server.enqueue(SseScript.stream().generate(chunks, (i) -> {
			StringBuilder chunk = new StringBuilder();
			for (int j = 0; j < eventsInChunk(i); j++) {
				chunk.append("id: ").append(i).append('-').append(j).append("\ndata: ").append(j).append("\n\n");
			}
			return chunk.toString();
		}).hold());
		SseStream stream = this.client.stream(request().build());
		this.recorder.track(stream);
		List<String> ids = stream.events()
			.publishOn(Schedulers.boundedElastic(), 1)
			.map(SseEvent::id)
			.take(expected.size())
			.collectList()
			.block(Duration.ofMinutes(1));
		assertThat(ids).isEqualTo(expected);
		assertThat(failures()).isEmpty();
	}

	/** A read of one event, of two, or of fifty. */
	private static int eventsInChunk(int chunk) {
		return switch (chunk % 3) {
			case 0 -> 1;
			case 1 -> 2;
			default -> 50;
		};
	}

	@Test
	void manyStreamsToOneHostOpenTogether() {
		this.server.dispatcher((request) -> SseScript.stream().event("1", null, request.target()).hold());
		for (int i = 0; i < 40; i++) {
			follow(SseRequest.get(this.server.url("/feed/" + i)).build());
		}
		await().until(() -> this.events.size() == 40);
		assertThat(this.server.openConnections()).isEqualTo(40);
	}

	@Test
	void secretsInTheUrlAreMaskedInErrors() {
		this.server.enqueue(SseScript.status(404));
		SseStream stream = follow(SseRequest
			.get("http://user:hunter2@127.0.0.1:" + this.server.port() + "/feed?access_token=abc&page=2")
			.build());
		await().until(() -> stream.state() == StreamState.FAILED);
		assertThat(this.error.get().getMessage()).doesNotContain("hunter2")
			.doesNotContain("abc")
			.contains("http://******@127.0.0.1:" + this.server.port() + "/feed?access_token=******&page=2");
	}

	@Test
	void itemBatchesCarryAReadTogetherAndEveryConnectionsLifeInOrder() {
		this.server.enqueue(SseScript.stream()
			.send(SseScript.format("1", null, "a") + SseScript.format("2", null, "b") + SseScript.format("3", null, "c"))
			.pause(Duration.ofMillis(100))
			.event("4", null, "d")
			.end());
		this.server.enqueue(SseScript.stream().event("5", null, "e").hold());
		SseStream stream = this.client.stream(request().build());
		List<List<SseItem>> batches = new CopyOnWriteArrayList<>();
		Disposable subscription = stream.itemBatches().subscribe(batches::add);
		try {
			await().until(() -> batches.stream().flatMap(List::stream).filter(SseEvent.class::isInstance).count() == 5);
			assertThat(batches).allSatisfy((batch) -> assertThat(batch).isNotEmpty());
			assertThat(batches.get(1)).extracting((item) -> ((SseEvent) item).id()).containsExactly("1", "2", "3");
			assertThat(batches.stream().flatMap(List::stream).map(SseStreamTests::describe)).containsExactly("opened",
					"1", "2", "3", "4", "failed", "retrying", "opened", "5");
			assertThat(this.server.takeRequest().header("Last-Event-ID")).isNull();
			assertThat(this.server.takeRequest().header("Last-Event-ID")).isEqualTo("4");
			assertThatIllegalStateException().isThrownBy(() -> stream.events().blockFirst())
				.withMessageContaining("can be subscribed only once");
		}
		finally {
			subscription.dispose();
			stream.close();
		}
	}

	static String describe(SseItem item) {
		if (item instanceof SseEvent event) {
			return event.id();
		}
		return item.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
	}

	@Test
	void closingWhileAnotherThreadEmitsASignalStillEndsTheSignals() throws InterruptedException {
		this.server.enqueue(SseScript.stream().event("1", null, "a").hold());
		SseStream stream = this.client.stream(request().build());
		CountDownLatch opening = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<SseSignal> seen = new CopyOnWriteArrayList<>();
		AtomicBoolean completed = new AtomicBoolean();
		stream.signals().subscribe((signal) -> {
			seen.add(signal);
			if (signal instanceof SseSignal.Opened) {
				// the I/O thread stays inside the signal sink while the test thread closes
				opening.countDown();
				awaitQuietly(release);
			}
		}, (failure) -> {
		}, () -> completed.set(true));
		Disposable subscription = stream.events().subscribe();
		try {
			assertThat(opening.await(5, TimeUnit.SECONDS)).isTrue();
			// well over a second after the stream's class was loaded: a retry deadline fixed
			// then would have passed
			Thread.sleep(1200);
			Thread releaser = new Thread(() -> {
				sleepQuietly(300);
				release.countDown();
			});
			releaser.start();
			stream.close();
			await().untilTrue(completed);
			assertThat(seen).last().isInstanceOf(SseSignal.Closed.class);
			assertThat(stream.state()).isEqualTo(StreamState.CLOSED);
		}
		finally {
			release.countDown();
			subscription.dispose();
		}
	}

	@Test
	void aStreamClosedWhileItsConnectionThreadHandlesAFailureStaysClosed() throws InterruptedException {
		this.server.enqueue(SseScript.stream().event("1", null, "a").end());
		this.server.enqueue(SseScript.stream().event("2", null, "b").hold());
		SseStream stream = this.client.stream(request().build());
		CountDownLatch failing = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		stream.signals().subscribe((signal) -> {
			if (signal instanceof SseSignal.Failed) {
				// the I/O thread is between the failure and its move to reconnecting
				failing.countDown();
				awaitQuietly(release);
			}
		});
		Disposable subscription = stream.events().subscribe();
		try {
			assertThat(failing.await(5, TimeUnit.SECONDS)).isTrue();
			Thread releaser = new Thread(() -> {
				sleepQuietly(200);
				release.countDown();
			});
			releaser.start();
			stream.close();
			releaser.join();
			Thread.sleep(200);
			assertThat(stream.state()).isEqualTo(StreamState.CLOSED);
			assertThat(this.server.requestCount()).isEqualTo(1);
		}
		finally {
			release.countDown();
			subscription.dispose();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void sleepQuietly(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private SseRequest.Builder request() {
		return SseRequest.get(this.server.url("/feed")).reconnect(FAST);
	}

	private SseStream follow(SseRequest request) {
		return this.recorder.follow(request);
	}

	private List<SseException> failures() {
		return this.recorder.failures();
	}

	private List<Duration> retryDelays() {
		return this.recorder.retryDelays();
	}

	private static org.assertj.core.groups.Tuple tuple(Object... values) {
		return org.assertj.core.groups.Tuple.tuple(values);
	}

}
