package dev.sseclient.readme;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's run-time registration class, compiled as the README writes it (the test source
 * is checked against the README's text) and run against a loopback server.
 */
class ReadmeSnippetsTests {

	private final SseTestServer server = SseTestServer.start()
		.dispatcher((request) -> SseScript.stream().event("1", null, "{\"value\":21.5}").hold());

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void theDevicesClassIsTheReadmesWordForWord() throws IOException {
		String snippet = readmeSnippet("import java.util.Map;\n\nimport org.springframework.stereotype.Component;");
		assertThat(normalized(javaFile("Devices.java"))).isEqualTo(normalized(snippet));
	}

	@Test
	void aDeviceRegisteredFromTheTemplateDeliversReadingsUntilItGoesAway() {
		List<String> saved = new CopyOnWriteArrayList<>();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
			.withPropertyValues("sse.client.templates.device.url=" + this.server.url("/devices/{device}/events"))
			.withBean(ReadingStore.class, () -> (stream, reading) -> saved.add(stream + "=" + reading.value()))
			.withBean(Devices.class)
			.run((context) -> {
				Devices devices = context.getBean(Devices.class);
				devices.appearedFromTemplate("7");
				await().until(() -> saved.contains("device-7=21.5"));
				devices.wentAway("7");
				assertThat(context.getBean(SseStreamRegistry.class).getContainer("device-7")).isNull();
			});
	}

	static String javaFile(String name) throws IOException {
		String source = Files.readString(Path.of("src/test/java/dev/sseclient/readme", name));
		// the package line and the comment naming the README's section are the test's own
		return source.substring(source.indexOf("import "));
	}

	static String readmeSnippet(String firstLine) throws IOException {
		String readme = Files.readString(Path.of("../README.md"));
		int start = readme.indexOf("```java\n" + firstLine);
		assertThat(start).as("the README's snippet starting with " + firstLine).isNotNegative();
		int end = readme.indexOf("```", start + 7);
		return readme.substring(start + "```java\n".length(), end);
	}

	/** Indentation and line ends aside. */
	static String normalized(String code) {
		return code.lines().map((line) -> line.strip().replaceAll("\\s+", " ")).filter((line) -> !line.isEmpty()).reduce("", (a, b) -> a + b + "\n");
	}

}
