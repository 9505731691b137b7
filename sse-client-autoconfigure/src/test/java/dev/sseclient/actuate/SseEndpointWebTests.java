package dev.sseclient.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.core.StreamState;
import dev.sseclient.listener.SseListener;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code sse} endpoint and the {@code sse} health component over HTTP, in a running
 * application with actuator, on a random port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,sse",
				"management.endpoint.health.show-details=always",
				"sse.client.streams.prices.headers.Authorization=Bearer " + SseEndpointWebTests.TOKEN })
@ExtendWith(OutputCaptureExtension.class)
class SseEndpointWebTests {

	static final String TOKEN = "s3cr3t-token-value";

	static final SseTestServer feed = SseTestServer.start();

	static {
		feed.dispatcher((request) -> SseScript.stream().event("7", "tick", "{\"p\":1}").hold());
	}

	@DynamicPropertySource
	static void streams(DynamicPropertyRegistry registry) {
		registry.add("sse.client.streams.prices.url", () -> feed.url("/prices"));
	}

	@AfterAll
	static void stopFeed() {
		feed.close();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		Listener listener() {
			return new Listener();
		}

	}

	static class Listener {

		@SseListener(stream = "prices", events = "tick")
		void onTick(String data) {
		}

	}

	@LocalServerPort
	private int port;

	@Autowired
	private SseStreamRegistry registry;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void readsControlsAndShowsHealthWithoutSecrets(CapturedOutput output) throws Exception {
		await().until(() -> this.registry.getContainer("prices").getLastEventId().equals("7"));

		HttpResponse<String> all = get("/actuator/sse");
		assertThat(all.statusCode()).isEqualTo(200);
		JsonNode prices = json(all).at("/streams/prices");
		assertThat(prices.at("/state").asString()).isEqualTo("OPEN");
		assertThat(prices.at("/lastEventId").asString()).isEqualTo("7");
		assertThat(prices.at("/url").asString()).isEqualTo(feed.url("/prices"));
		assertThat(prices.at("/listeners/0").asString()).isEqualTo("Listener.onTick");

		assertThat(json(get("/actuator/sse/prices")).at("/state").asString()).isEqualTo("OPEN");
		assertThat(get("/actuator/sse/nope").statusCode()).isEqualTo(404);

		HttpResponse<String> health = get("/actuator/health");
		assertThat(json(health).at("/components/sse/status").asString()).isEqualTo("UP");
		assertThat(json(health).at("/components/sse/components/prices/details/state").asString()).isEqualTo("OPEN");

		assertThat(post("/actuator/sse/prices", "{\"action\":\"dance\"}").statusCode()).isEqualTo(400);
		assertThat(post("/actuator/sse/nope", "{\"action\":\"stop\"}").statusCode()).isEqualTo(404);
		HttpResponse<String> stopped = post("/actuator/sse/prices", "{\"action\":\"stop\"}");
		assertThat(stopped.statusCode()).isEqualTo(200);
		assertThat(json(stopped).at("/state").asString()).isEqualTo("CLOSED");
		HttpResponse<String> healthWhenStopped = get("/actuator/health");
		assertThat(healthWhenStopped.statusCode()).as("an operator's stop keeps the instance in service").isEqualTo(200);
		assertThat(json(healthWhenStopped).at("/components/sse/components/prices/status").asString()).isEqualTo("UP");
		assertThat(json(healthWhenStopped).at("/components/sse/components/prices/details/state").asString())
			.isEqualTo("CLOSED");

		assertThat(post("/actuator/sse/prices", "{\"action\":\"start\"}").statusCode()).isEqualTo(200);
		await().until(() -> this.registry.getContainer("prices").getState() == StreamState.OPEN);
		assertThat(feed.takeRequest().header("Authorization")).isEqualTo("Bearer " + TOKEN);

		assertThat(all.body() + health.body() + stopped.body() + output).doesNotContain(TOKEN);
	}

	private static JsonNode json(HttpResponse<String> response) {
		return JsonMapper.builder().build().readTree(response.body());
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String json) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
