package dev.sseclient.sample;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code wikimedia} profile's wiring, offline: the stream's URL points at a local server that
 * sends an event shaped like Wikimedia's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("wikimedia")
@ExtendWith(OutputCaptureExtension.class)
class WikimediaProfileTests {

	static final SseTestServer server = SseTestServer.start();

	static {
		server.dispatcher((request) -> SseScript.stream()
			.event("[{\"topic\":\"x\",\"partition\":0}]", "message",
					"{\"$schema\":\"/mediawiki/recentchange/1.0.0\",\"wiki\":\"enwiki\",\"type\":\"edit\","
							+ "\"title\":\"Server-sent events\",\"user\":\"Alice\",\"bot\":false,\"length\":{\"old\":1,\"new\":2}}")
			.hold());
	}

	@DynamicPropertySource
	static void offline(DynamicPropertyRegistry registry) {
		registry.add("sse.client.streams.recentchange.url", () -> server.url("/v2/stream/recentchange"));
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void recentChangesAreDecodedAndLogged(CapturedOutput output) {
		await().atMost(Duration.ofSeconds(20)).until(() -> output.toString().contains("enwiki edit 'Server-sent events' by Alice"));
		assertThat(server.takeRequest().header("User-Agent")).startsWith("sse-client-sample/");
	}

}
