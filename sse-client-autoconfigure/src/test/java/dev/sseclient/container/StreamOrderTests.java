package dev.sseclient.container;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.autoconfigure.SseHealthContributorAutoConfiguration;
import dev.sseclient.autoconfigure.SseMetricsAutoConfiguration;
import dev.sseclient.core.SseException;
import dev.sseclient.health.SseHealthContributor;
import dev.sseclient.core.SseIncompleteResponseException;
import dev.sseclient.core.StreamState;
import dev.sseclient.listener.ErrorAction;
import dev.sseclient.listener.ListenerFailure;
import dev.sseclient.listener.SseListener;
import dev.sseclient.listener.SseListenerErrorHandler;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A declared stream's lifecycle application events travel the same ordered path as its events:
 * {@code Opened} before the first event of the connection reaches a listener, and
 * {@code Completed} or {@code Failed} after the listeners handled the last event before it.
 */
class StreamOrderTests {

	private static final List<String> TOKENS = List.of("Server", "-Sent", " Events", " stream", " text", ".");

	private final SseTestServer server = SseTestServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class, SseMetricsAutoConfiguration.class,
				SseHealthContributorAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("sse.client.streams.chat.url=" + this.server.url("/v1/chat"),
				"sse.client.streams.chat.method=POST", "sse.client.streams.chat.body={\"stream\":true}",
				"sse.client.streams.chat.complete-on=[DONE]", "sse.client.streams.chat.auto-startup=false",
				"sse.client.defaults.reconnect.initial-delay=10ms", "sse.client.defaults.reconnect.max-delay=10ms");

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	/** Records tokens and lifecycle events into one list, as the application sees them. */
	static class AnswerRecorder {

		final List<String> seen = new CopyOnWriteArrayList<>();

		final AtomicInteger ends = new AtomicInteger();

		final Semaphore ended = new Semaphore(0);

		volatile long tokenDelayMillis;

		@SseListener(stream = "chat")
		void onToken(String token) throws InterruptedException {
			if (this.tokenDelayMillis > 0) {
				Thread.sleep(this.tokenDelayMillis);
			}
			this.seen.add(token);
		}

		@EventListener
		void on(SseStreamEvent event) {
			this.seen.add(event.getClass().getSimpleName());
			if (event instanceof SseStreamEvent.Completed || event instanceof SseStreamEvent.Failed) {
				this.ends.incrementAndGet();
				this.ended.release();
			}
		}

		List<String> takeAll() {
			List<String> all = List.copyOf(this.seen);
			this.seen.clear();
			return all;
		}

	}

	/** Records what the error handler is told about the stream's end. */
	static class RecordingErrorHandler implements SseListenerErrorHandler {

		final List<String> streamFailures = new CopyOnWriteArrayList<>();

		@Override
		public ErrorAction handleError(ListenerFailure failure) {
			return ErrorAction.proceed();
		}

		@Override
		public void handleStreamFailure(String stream, SseException cause) {
			this.streamFailures.add(stream + ": " + cause.getClass().getSimpleName());
		}

	}

	private static SseScript answer() {
		SseScript script = SseScript.stream();
		TOKENS.forEach(script::event);
		return script.event("[DONE]").hold();
	}

	@Test
	void completedComesAfterTheLastTokenEveryTimeOverFiveHundredAnswers() {
		this.server.dispatcher((request) -> answer());
		AnswerRecorder recorder = new AnswerRecorder();
		this.contextRunner.withBean(AnswerRecorder.class, () -> recorder).run((context) -> {
			SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
			for (int answer = 1; answer <= 500; answer++) {
				registry.start("chat");
				assertThat(recorder.ended.tryAcquire(20, TimeUnit.SECONDS)).as("answer %d ended", answer).isTrue();
				assertThat(recorder.takeAll()).as("answer %d", answer).containsExactlyElementsOf(completeAnswer());
			}
			assertThat(this.server.requestCount()).isEqualTo(500);
		});
	}

	@Test
	void openedAndCompletedWaitForASlowListener() {
		this.server.dispatcher((request) -> answer());
		AnswerRecorder recorder = new AnswerRecorder();
		recorder.tokenDelayMillis = 30;
		this.contextRunner.withBean(AnswerRecorder.class, () -> recorder).run((context) -> {
			context.getBean(SseStreamRegistry.class).start("chat");
			assertThat(recorder.ended.tryAcquire(20, TimeUnit.SECONDS)).isTrue();
			assertThat(recorder.takeAll()).containsExactlyElementsOf(completeAnswer());
		});
	}

	private static List<String> completeAnswer() {
		List<String> expected = new ArrayList<>();
		expected.add("Opened");
		expected.addAll(TOKENS);
		expected.add("Completed");
		return expected;
	}

	@Test
	void anAnswerEndingWithoutItsSentinelFailsTheStreamOnceAfterItsTokens() {
		this.server.dispatcher((request) -> SseScript.stream().event("The").event(" answer").end());
		AnswerRecorder recorder = new AnswerRecorder();
		RecordingErrorHandler errorHandler = new RecordingErrorHandler();
		this.contextRunner.withBean(AnswerRecorder.class, () -> recorder)
			.withBean(SseListenerErrorHandler.class, () -> errorHandler)
			.run((context) -> {
				SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
				registry.start("chat");
				await().atMost(Duration.ofSeconds(20)).until(() -> recorder.ends.get() == 1);
				assertThat(recorder.takeAll()).containsExactly("Opened", "The", " answer", "Failed");
				SseStreamContainer chat = registry.getContainer("chat");
				assertThat(chat.getState()).isEqualTo(StreamState.FAILED);
				assertThat(chat.getStream().lastFailure()).isInstanceOf(SseIncompleteResponseException.class)
					.hasMessageContaining("after 2 events");
				assertThat(errorHandler.streamFailures).containsExactly("chat: SseIncompleteResponseException");
				HealthIndicator health = (HealthIndicator) context.getBean(SseHealthContributor.class)
					.getContributor("chat");
				assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
				assertThat(context.getBean(MeterRegistry.class)
					.get("sse.client.stream.ends")
					.tags("stream", "chat", "outcome", "incomplete")
					.counter()
					.count()).isEqualTo(1);
				// the answer is not asked for again by itself
				await().during(Duration.ofMillis(300)).until(() -> this.server.requestCount() == 1);
			});
	}

}
