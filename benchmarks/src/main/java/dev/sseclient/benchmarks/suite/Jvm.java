package dev.sseclient.benchmarks.suite;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Starts fresh JVMs on the suite's classpath and reads their {@code RESULT} line. */
final class Jvm {

	private final String classpath;

	private final Path logs;

	Jvm(String classpath, Path logs) {
		this.classpath = classpath;
		this.logs = logs;
	}

	/** The {@code java} launcher of the JVM running the suite, so every run uses the same one. */
	static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/**
	 * A Java 21 or later installed beside this one (such as under /usr/lib/jvm), for the drivers
	 * that need virtual threads, or this JVM's own launcher when there is none.
	 */
	static String javaWithVirtualThreads() throws IOException {
		Path installs = Path.of(System.getProperty("java.home")).getParent();
		if (installs != null && Files.isDirectory(installs)) {
			try (Stream<Path> homes = Files.list(installs)) {
				Optional<Path> found = homes.filter((home) -> featureVersion(home) >= 21)
					.map((home) -> home.resolve("bin").resolve("java"))
					.filter(Files::isExecutable)
					.findFirst();
				if (found.isPresent()) {
					return found.get().toString();
				}
			}
		}
		return java();
	}

	private static int featureVersion(Path home) {
		try {
			for (String line : Files.readAllLines(home.resolve("release"))) {
				if (line.startsWith("JAVA_VERSION=")) {
					return Integer.parseInt(line.substring("JAVA_VERSION=".length()).replace("\"", "").split("[.+-]")[0]);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not a Java home
		}
		return 0;
	}

	Process start(String heap, String mainClass, List<String> arguments, Path log) throws IOException {
		String java = (!arguments.isEmpty() && arguments.get(0).endsWith("-vt")) ? javaWithVirtualThreads() : java();
		List<String> command = new ArrayList<>(List.of(java, "-Xms" + heap, "-Xmx" + heap, "-cp", this.classpath, mainClass));
		command.addAll(arguments);
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	/**
	 * Runs {@code mainClass} to its end and returns the pairs of its {@code RESULT} line, or an
	 * empty map (the log kept for a look) when it failed or ran out of time.
	 */
	Map<String, String> run(String name, String heap, String mainClass, List<String> arguments, long timeoutSeconds)
			throws IOException, InterruptedException {
		Path log = this.logs.resolve(name + ".log");
		Process process = start(heap, mainClass, arguments, log);
		if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor();
			System.err.println("  " + name + ": timed out after " + timeoutSeconds + " s, see " + log);
			return Map.of();
		}
		for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
			if (line.startsWith("RESULT ")) {
				return pairs(line.substring("RESULT ".length()));
			}
		}
		System.err.println("  " + name + ": no result (exit " + process.exitValue() + "), see " + log);
		return Map.of();
	}

	/** Reads the first line of a process's output that starts with {@code prefix}. */
	static String awaitLine(Process process, String prefix) throws IOException {
		BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String line;
		while ((line = reader.readLine()) != null) {
			if (line.startsWith(prefix)) {
				return line.substring(prefix.length());
			}
		}
		throw new IOException("Process ended before printing '" + prefix + "'");
	}

	private static Map<String, String> pairs(String text) {
		Map<String, String> pairs = new LinkedHashMap<>();
		for (String pair : text.trim().split("\\s+")) {
			String[] nameValue = pair.split("=", 2);
			if (nameValue.length == 2) {
				pairs.put(nameValue[0], nameValue[1]);
			}
		}
		return pairs;
	}

}
