package dev.sseclient.sample;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.core.StreamState;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's way to test one listener with the kit: only the stream under test connects, to
 * a test server that closes after the streams stopped.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sse.client.defaults.auto-startup=false", "sse.client.streams.prices.auto-startup=true" })
class KitUsageTests {

	static final SseTestServer feed = SseTestServer.start();

	static {
		feed.dispatcher((request) -> SseScript.stream()
			.event("1", "tick", "{\"symbol\":\"ACME\",\"price\":10}")
			.hold());
	}

	@DynamicPropertySource
	static void streams(DynamicPropertyRegistry registry) {
		registry.add("sse.client.streams.prices.url", () -> feed.url("/prices"));
	}

	@AfterAll
	static void stop(@Autowired SseStreamRegistry registry) {
		registry.stop();
		feed.close();
	}

	@Autowired
	PriceListener listener;

	@Autowired
	SseStreamRegistry registry;

	@Test
	void onlyTheStreamUnderTestConnectsToTheTestServer() {
		await().until(() -> this.listener.ticks() == 1);
		assertThat(feed.takeRequest().header("Accept")).isEqualTo("text/event-stream");
		assertThat(this.registry.getContainer("chat").getState()).isEqualTo(StreamState.NEW);
		assertThat(feed.requestCount()).isEqualTo(1);
	}

}
