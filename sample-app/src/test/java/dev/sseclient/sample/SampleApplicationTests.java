package dev.sseclient.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.core.SseConnectionException;
import dev.sseclient.core.StreamState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "demo.feed.interval=20ms", "demo.feed.ticks-per-connection=5" })
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationTests {

	private static final String ANSWER = "Server-Sent Events stream text over one long HTTP response, and clients resume with Last-Event-ID.";

	@Autowired
	private PriceListener listener;

	@Autowired
	private SseStreamRegistry registry;

	@LocalServerPort
	private int port;

	@Autowired
	private ChatListener chat;

	@Autowired
	private MeterRegistry meters;

	@Test
	void theChatAnswerArrivesTokenByTokenWithItsSpacesAndIsLoggedOnceCompleteAlsoAfterARestart(CapturedOutput output) {
		await().atMost(Duration.ofSeconds(20)).until(() -> this.chat.completedAnswers().size() == 1);
		assertThat(this.chat.completedAnswers()).containsExactly(ANSWER);
		assertThat(this.registry.getContainer("chat").getState()).isEqualTo(StreamState.COMPLETED);
		// a second answer, asked for on purpose, is assembled afresh and logged once
		int logged = output.getOut().length();
		double completions = completions();
		this.registry.start("chat");
		await().atMost(Duration.ofSeconds(20)).until(() -> this.chat.completedAnswers().size() == 2);
		assertThat(this.chat.completedAnswers()).containsExactly(ANSWER, ANSWER);
		assertThat(output.getOut().substring(logged).lines().filter((line) -> line.contains("chat answer"))).singleElement()
			.satisfies((line) -> assertThat(line).endsWith("chat answer: " + ANSWER));
		// the ask endpoint's answers count under the same name: compare with before the restart
		assertThat(completions()).isEqualTo(completions + 1);
	}

	private double completions() {
		return this.meters.get("sse.client.stream.ends").tags("stream", "chat", "outcome", "completed").counter().count();
	}

	@Test
	void theAskEndpointRelaysOneAnswerPerQuestion() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/ask"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"What are Server-Sent Events?\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body().lines().filter((line) -> line.startsWith("data:")).map((line) -> line.substring(5))
			.reduce("", String::concat)
			.strip()).isEqualTo(ANSWER);
	}

	@Test
	void bothEventTypesAreReceivedAndCounted() {
		await().atMost(Duration.ofSeconds(20)).until(() -> this.listener.trades() >= 2);
		assertThat(this.meters.get("sse.client.events.received").tags("stream", "prices", "event", "tick").counter().count())
			.isGreaterThanOrEqualTo(8);
		assertThat(this.meters.get("sse.client.events.received").tags("stream", "prices", "event", "trade").counter().count())
			.isGreaterThanOrEqualTo(2);
	}

	@Test
	void healthAndTheSseEndpointShowTheStream() throws Exception {
		await().until(() -> this.registry.getContainer("prices").getState() == StreamState.OPEN);
		HttpClient http = HttpClient.newHttpClient();
		String health = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/health"))
			.build(), HttpResponse.BodyHandlers.ofString()).body();
		JsonNode tree = JsonMapper.builder().build().readTree(health);
		assertThat(tree.at("/status").asString()).isEqualTo("UP");
		assertThat(tree.at("/components/sse/components/prices/status").asString()).isEqualTo("UP");
		HttpResponse<String> sse = http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/sse/prices")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(sse.statusCode()).isEqualTo(200);
		assertThat(JsonMapper.builder().build().readTree(sse.body()).at("/listeners").toString())
			.isEqualTo("[\"PriceListener.onTick\",\"PriceListener.onTrade\"]");
	}

	@Test
	void ticksFlowAcrossTheFeedsReconnectionsWithNothingLostOrRepeated() {
		SseStreamContainer prices = this.registry.getContainer("prices");
		assertThat(prices).isNotNull();
		await().atMost(Duration.ofSeconds(20)).until(() -> this.listener.ticks() >= 12);
		assertThat(prices.getStream().lastFailure()).isInstanceOf(SseConnectionException.class)
			.hasMessageEndingWith("ended the stream");
		this.registry.stop("prices");
		assertThat(prices.getState()).isEqualTo(StreamState.CLOSED);
		long lastId = Long.parseLong(prices.getLastEventId());
		assertThat(lastId).as("ids run 1, 2, 3... across reconnections").isEqualTo(this.listener.ticks());
	}

}
