package dev.sseclient.core;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Status handling against WireMock, where whole responses stubbed up front are enough.
 */
class WireMockStatusTests {

	private final WireMockServer wireMock = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	private final SseClient client = SseClient.create();

	@BeforeEach
	void start() {
		this.wireMock.start();
	}

	@AfterEach
	void stop() {
		this.wireMock.stop();
	}

	@Test
	void finiteResponseIsParsedAndCompletesWithoutReconnect() {
		this.wireMock.stubFor(post("/v1/chat").withRequestBody(equalTo("{\"stream\":true}"))
			.willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
				.withBody("data: {\"token\":\" Hi\"}\n\ndata: {\"token\":\" there\"}\n\ndata: [DONE]\n\n")));
		SseRequest request = SseRequest.post(this.wireMock.baseUrl() + "/v1/chat", "{\"stream\":true}")
			.completeOn("[DONE]")
			.build();
		StepVerifier.create(this.client.events(request).map(SseEvent::data))
			.expectNext("{\"token\":\" Hi\"}", "{\"token\":\" there\"}")
			.expectComplete()
			.verify(Duration.ofSeconds(10));
		this.wireMock.verify(1, postRequestedFor(urlEqualTo("/v1/chat")));
	}

	@Test
	void goneStopsTheStreamAfterOneRequest() {
		this.wireMock.stubFor(get("/feed").willReturn(aResponse().withStatus(410).withBody("feed retired")));
		StepVerifier.create(this.client.events(SseRequest.get(this.wireMock.baseUrl() + "/feed").build()))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(SseHttpStatusException.class)
				.hasMessageEndingWith("answered 410 instead of 200 with text/event-stream: feed retired"))
			.verify(Duration.ofSeconds(10));
		this.wireMock.verify(1, getRequestedFor(urlEqualTo("/feed")));
	}

	@Test
	void jsonInsteadOfAStreamStopsTheStream() {
		this.wireMock.stubFor(get("/feed").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"use the streaming endpoint\"}")));
		StepVerifier.create(this.client.events(SseRequest.get(this.wireMock.baseUrl() + "/feed").build()))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(SseContentTypeException.class)
				.hasMessageContaining("'application/json'")
				.hasMessageContaining("use the streaming endpoint"))
			.verify(Duration.ofSeconds(10));
	}

	@Test
	void redirectChainEndsAtTheStream() {
		this.wireMock.stubFor(get("/old").willReturn(aResponse().withStatus(301).withHeader("Location", "/mid")));
		this.wireMock.stubFor(get("/mid").willReturn(aResponse().withStatus(302).withHeader("Location", "/new")));
		this.wireMock.stubFor(get("/new").willReturn(
				aResponse().withHeader("Content-Type", "text/event-stream").withBody("data: here\n\ndata: [DONE]\n\n")));
		SseRequest request = SseRequest.get(this.wireMock.baseUrl() + "/old").completeOn("[DONE]").build();
		StepVerifier.create(this.client.events(request).map(SseEvent::data))
			.expectNext("here")
			.expectComplete()
			.verify(Duration.ofSeconds(10));
	}

}
