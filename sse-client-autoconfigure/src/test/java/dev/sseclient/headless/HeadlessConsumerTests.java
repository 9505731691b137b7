package dev.sseclient.headless;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application with declared streams and no web server, run as a real JVM process, keeps
 * running while it follows its streams and ends normally on SIGTERM or when it closes itself.
 */
class HeadlessConsumerTests {

	private final SseTestServer server = SseTestServer.start();

	private final List<Process> processes = new ArrayList<>();

	private final List<Thread> readers = new ArrayList<>();

	@AfterEach
	void stop() {
		this.processes.forEach(Process::destroyForcibly);
		this.server.close();
	}

	private void serveTicks() {
		this.server.dispatcher((request) -> {
			SseScript script = SseScript.stream();
			for (int i = 1; i <= 1000; i++) {
				script.event(String.valueOf(i), null, String.valueOf(i)).pause(Duration.ofMillis(50));
			}
			return script.hold();
		});
	}

	private Process launch(List<String> output, String... arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of(
				Path.java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), HeadlessConsumer.class.getName(),
				"--sse.client.streams.ticks.url=" + this.server.url("/ticks"), "--spring.main.banner-mode=off"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		this.processes.add(process);
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				lines.lines().forEach(output::add);
			}
			catch (Exception ex) {
				// the process ended
			}
		});
		reader.setDaemon(true);
		reader.start();
		this.readers.add(reader);
		return process;
	}

	@Test
	void keepsRunningAfterStartupAndEndsOnSigterm() throws Exception {
		serveTicks();
		List<String> output = new CopyOnWriteArrayList<>();
		Process process = launch(output);
		await().atMost(Duration.ofSeconds(60)).until(() -> output.contains("TICK 5") || !process.isAlive());
		assertThat(output).as("the application's output").contains("MAIN RETURNED", "TICK 5");
		assertThat(process.isAlive()).isTrue();
		// SIGTERM through the handle: Process.destroy() also closes our end of its output
		process.toHandle().destroy();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("ended after SIGTERM").isTrue();
		readAll();
		assertThat(output).contains("CONTEXT CLOSED");
		assertThat(String.join("\n", output)).contains("Stream 'ticks' closed");
	}

	@Test
	void endsNormallyWhenTheApplicationClosesItsContext() throws Exception {
		serveTicks();
		List<String> output = new CopyOnWriteArrayList<>();
		Process process = launch(output, "--close-after=3");
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("ended after closing its context").isTrue();
		assertThat(process.exitValue()).isZero();
		readAll();
		assertThat(output).contains("TICK 1", "TICK 2", "TICK 3", "CONTEXT CLOSED");
	}

	/** Waits until the ended processes' output is read to its end. */
	private void readAll() throws InterruptedException {
		for (Thread reader : this.readers) {
			reader.join(TimeUnit.SECONDS.toMillis(10));
		}
	}

	/** The java launcher of this JVM. */
	private static final class Path {

		static String java() {
			return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
		}

	}

}
