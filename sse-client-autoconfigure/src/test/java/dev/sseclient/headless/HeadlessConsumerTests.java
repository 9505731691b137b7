package dev.sseclient.headless;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
		return launch(Path.java(), output, arguments);
	}

	private Process launch(String java, List<String> output, String... arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of(
				java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), HeadlessConsumer.class.getName(),
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

	@Test
	void withVirtualThreadsOnListenersRunOnVirtualThreadsInOrder() throws Exception {
		String java = Path.javaWithVirtualThreads();
		assumeTrue(java != null, "no Java 21 or later beside this JVM to run the application on");
		serveTicks();
		List<String> output = new CopyOnWriteArrayList<>();
		Process process = launch(java, output, "--spring.threads.virtual.enabled=true", "--close-after=5");
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("ended after closing its context").isTrue();
		readAll();
		assertThat(output).anySatisfy((line) -> assertThat(line).startsWith("LISTENER THREAD VirtualThread[")
			.contains("sse-listener-"));
		assertThat(output.stream().filter((line) -> line.startsWith("TICK ")).toList()).startsWith("TICK 1", "TICK 2",
				"TICK 3", "TICK 4", "TICK 5");
	}

	@Test
	void listenersRunOnTheExecutorTheApplicationNames() throws Exception {
		serveTicks();
		List<String> output = new CopyOnWriteArrayList<>();
		Process process = launch(output, "--sse.client.listener.executor=workers", "--close-after=3");
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("ended after closing its context").isTrue();
		readAll();
		assertThat(output).anySatisfy((line) -> assertThat(line).startsWith("LISTENER THREAD").contains("worker-"));
		assertThat(output).contains("TICK 1", "TICK 2", "TICK 3");
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

		/** A Java 21 or later installed beside this one (such as under /usr/lib/jvm), or null. */
		static @Nullable String javaWithVirtualThreads() throws IOException {
			java.nio.file.Path installs = java.nio.file.Path.of(System.getProperty("java.home")).getParent();
			if (installs == null || !Files.isDirectory(installs)) {
				return null;
			}
			try (Stream<java.nio.file.Path> homes = Files.list(installs)) {
				return homes.filter((home) -> featureVersion(home) >= 21)
					.map((home) -> home.resolve("bin").resolve("java"))
					.filter(Files::isExecutable)
					.map(java.nio.file.Path::toString)
					.findFirst()
					.orElse(null);
			}
		}

		private static int featureVersion(java.nio.file.Path home) {
			try {
				for (String line : Files.readAllLines(home.resolve("release"))) {
					if (line.startsWith("JAVA_VERSION=")) {
						String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
						return Integer.parseInt(version.split("[.+-]")[0]);
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				// not a Java home
			}
			return 0;
		}

	}

}
