package dev.sseclient.readme;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sseclient.core.SseClient;
import dev.sseclient.core.SseRequest;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's blocking loop, compiled as the README writes it (the test source is checked
 * against the README's text) and run against a loopback server.
 */
class PriceFollowerTests {

	private final SseTestServer server = SseTestServer.start()
		.dispatcher((request) -> SseScript.stream().event("1", null, "10.5").event("2", null, "10.6").event("[DONE]").end());

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void theClassIsTheReadmesWordForWord() throws IOException {
		String source = Files.readString(Path.of("src/test/java/dev/sseclient/readme/PriceFollower.java"));
		String readme = Files.readString(Path.of("../README.md"));
		int start = readme.indexOf("```java\nimport java.util.stream.Stream;");
		assertThat(start).isNotNegative();
		String snippet = readme.substring(start + "```java\n".length(), readme.indexOf("```", start + 7));
		assertThat(normalized(source.substring(source.indexOf("import ")))).isEqualTo(normalized(snippet));
	}

	@Test
	void theLoopReadsEveryEventOfAFiniteStreamAndTheStreamCountsThem() {
		SseClient client = SseClient.create();
		SseRequest request = SseRequest.get(this.server.url("/prices")).completeOn("[DONE]").build();
		List<String> prices = new CopyOnWriteArrayList<>();
		new PriceFollower().follow(client, request, prices::add);
		assertThat(prices).containsExactly("10.5", "10.6");
		assertThat(new PriceFollower().countAsAStream(client, request)).isEqualTo(2);
	}

	private static String normalized(String code) {
		return code.lines().map((line) -> line.strip().replaceAll("\\s+", " ")).filter((line) -> !line.isEmpty()).reduce("", (a, b) -> a + b + "\n");
	}

}
