package dev.sseclient.benchmarks.suite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.sseclient.benchmarks.ParserBenchmark;

/** The JMH parser benchmark, run by the suite in its own JVM; its scores and allocation per event. */
record ParserRun(Map<String, Double> eventsPerSecond, Map<String, Double> bytesPerEvent) {

	static ParserRun run(Path root, Path logs, boolean quick) throws Exception {
		Path json = logs.resolve("parser.json");
		List<String> command = List.of(Jvm.java(), "-cp",
				System.getProperty("java.class.path"), "org.openjdk.jmh.Main", ParserBenchmark.class.getSimpleName(), "-f",
				"1", "-wi", quick ? "2" : "3", "-i", quick ? "3" : "5", "-w", "1s", "-r", "1s", "-prof", "gc", "-rf", "json",
				"-rff", json.toString());
		System.out.println("parser (JMH)");
		Process jmh = new ProcessBuilder(command).directory(root.toFile())
			.redirectErrorStream(true)
			.redirectOutput(logs.resolve("parser.log").toFile())
			.start();
		if (!jmh.waitFor(10, TimeUnit.MINUTES) || jmh.exitValue() != 0 || !Files.exists(json)) {
			System.err.println("  JMH failed, see " + logs.resolve("parser.log"));
			return new ParserRun(Map.of(), Map.of());
		}
		Map<String, Double> scores = new HashMap<>();
		Map<String, Double> allocation = new HashMap<>();
		for (JsonNode result : JsonMapper.builder().build().readTree(json.toFile())) {
			String method = result.get("benchmark").asString().replaceAll(".*\\.", "");
			String key = method + "/" + result.get("params").get("payloadSize").asString();
			scores.put(key, result.get("primaryMetric").get("score").asDouble());
			JsonNode norm = result.get("secondaryMetrics").get("gc.alloc.rate.norm");
			if (norm == null) {
				norm = result.get("secondaryMetrics").get("·gc.alloc.rate.norm");
			}
			if (norm != null) {
				allocation.put(key, norm.get("score").asDouble());
			}
		}
		return new ParserRun(scores, allocation);
	}

	double score(String method, int payload) {
		return this.eventsPerSecond.getOrDefault(method + "/" + payload, Double.NaN);
	}

	double allocation(String method, int payload) {
		return this.bytesPerEvent.getOrDefault(method + "/" + payload, Double.NaN);
	}

}
