package dev.sseclient.container;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.autoconfigure.SseMetricsAutoConfiguration;
import dev.sseclient.core.SseIncompleteResponseException;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * One answer per question, each a request made from the declared {@code chat} stream's
 * settings with its own body, read as typed chunks.
 */
class PerRequestStreamsTests {

	private final SseTestServer server = SseTestServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class, SseMetricsAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("sse.client.streams.chat.url=" + this.server.url("/v1/chat"),
				"sse.client.streams.chat.method=POST", "sse.client.streams.chat.headers.Authorization=Bearer k",
				"sse.client.streams.chat.complete-on=[DONE]", "sse.client.streams.chat.auto-startup=false");

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	record Question(int number, String text) {
	}

	record Chunk(String text) {
	}

	/** Answers each question with three chunks that carry its number, then [DONE]. */
	private void answerQuestions() {
		this.server.dispatcher((request) -> {
			String body = request.bodyAsString();
			String number = body.replaceAll(".*\"number\":(\\d+).*", "$1");
			SseScript script = SseScript.stream();
			for (int part = 1; part <= 3; part++) {
				script.event("{\"text\":\"answer " + number + " part " + part + "\"}").pause(Duration.ofMillis(5));
			}
			return script.event("[DONE]").hold();
		});
	}

	@Test
	void fiftyQuestionsInParallelEachGetTheirOwnTypedAnswer() {
		answerQuestions();
		this.contextRunner.run((context) -> {
			SseStreamRequests requests = context.getBean(SseStreamRequests.class);
			List<List<Chunk>> answers = Flux.range(1, 50)
				.flatMap((number) -> requests.payloads("chat", new Question(number, "What is SSE?"), Chunk.class)
					.collectList(), 50)
				.collectList()
				.block(Duration.ofSeconds(30));
			assertThat(answers).hasSize(50);
			for (List<Chunk> answer : answers) {
				String number = answer.get(0).text().split(" ")[1];
				assertThat(answer).extracting(Chunk::text)
					.containsExactly("answer " + number + " part 1", "answer " + number + " part 2",
							"answer " + number + " part 3");
			}
			assertThat(answers.stream().map((answer) -> answer.get(0).text().split(" ")[1]).distinct())
				.containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 50).mapToObj(String::valueOf).toList());
			assertThat(this.server.requestCount()).isEqualTo(50);
			assertThat(this.server.takeRequest().header("Authorization")).isEqualTo("Bearer k");
			assertThat(context.getBean(SseStreamRegistry.class).getContainer("chat").getState().name()).isEqualTo("NEW");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("sse.client.events.received").tags("stream", "chat", "event", "message").counter().count())
				.isEqualTo(150);
			assertThat(meters.get("sse.client.stream.ends").tags("stream", "chat", "outcome", "completed").counter().count())
				.isEqualTo(50);
			assertThat(meters.getMeters()).allMatch((meter) -> meter.getId().getTag("stream") == null
					|| meter.getId().getTag("stream").equals("chat"));
			// what AI users watch: time to first token, the answer's duration, events per answer
			assertThat(meters.get("sse.client.request.first.event").tag("stream", "chat").timer().count()).isEqualTo(50);
			assertThat(meters.get("sse.client.request.duration").tags("stream", "chat", "outcome", "completed").timer()
				.count()).isEqualTo(50);
			assertThat(meters.get("sse.client.request.events").tags("stream", "chat", "outcome", "completed").summary()
				.totalAmount()).isEqualTo(150);
		});
	}

	@Test
	void anAnswerReadWithoutReactorTypesOnAThreadOfItsOwn() throws Exception {
		answerQuestions();
		this.contextRunner.run((context) -> {
			SseStreamRequests requests = context.getBean(SseStreamRequests.class);
			CompletableFuture<List<String>> answer = CompletableFuture.supplyAsync(() -> {
				try (Stream<Chunk> chunks = requests.payloadStream("chat", new Question(7, "Why?"), Chunk.class)) {
					return chunks.map(Chunk::text).toList();
				}
			});
			assertThat(answer.get(20, TimeUnit.SECONDS)).containsExactly("answer 7 part 1", "answer 7 part 2",
					"answer 7 part 3");
		});
		this.server.dispatcher((request) -> SseScript.stream().event("{\"text\":\"half\"}").end());
		this.contextRunner.run((context) -> {
			SseStreamRequests requests = context.getBean(SseStreamRequests.class);
			CompletableFuture<List<Chunk>> answer = CompletableFuture.supplyAsync(() -> {
				try (Stream<Chunk> chunks = requests.payloadStream("chat", "{\"number\":1}", Chunk.class)) {
					return chunks.toList();
				}
			});
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> answer.get(20, TimeUnit.SECONDS))
				.withCauseInstanceOf(SseIncompleteResponseException.class);
		});
	}

	@Test
	void anAnswerEndingWithoutItsSentinelFailsAndIsNotAskedAgain() {
		this.server.dispatcher((request) -> SseScript.stream().event("{\"text\":\"half\"}").end());
		this.contextRunner.run((context) -> {
			SseStreamRequests requests = context.getBean(SseStreamRequests.class);
			StepVerifier.create(requests.payloads("chat", "{\"number\":1}", Chunk.class))
				.expectNext(new Chunk("half"))
				.expectError(SseIncompleteResponseException.class)
				.verify(Duration.ofSeconds(20));
			assertThat(this.server.requestCount()).isEqualTo(1);
			assertThatIllegalArgumentException().isThrownBy(() -> requests.events("nope", (request) -> {
			})).withMessageContaining("No stream named 'nope'");
		});
	}

}
