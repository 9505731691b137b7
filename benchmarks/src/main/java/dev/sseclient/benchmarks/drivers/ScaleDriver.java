package dev.sseclient.benchmarks.drivers;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.StartupStep;

import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.core.SseEvent;
import dev.sseclient.kafka.KafkaForwardingAutoConfiguration;
import dev.sseclient.listener.SseListener;

/**
 * How the declarative path scales with the number of streams, before any connects: a Boot
 * application (actuator, health, metrics) with {@code streams} streams declared in YAML, or
 * registered at run time from a YAML template, or none (the empty application every figure is
 * measured against, in its own fresh JVM). Prints the time from {@code main} until the streams
 * exist, the heap they hold after a full collection, and the slowest startup phases.
 */
final class ScaleDriver {

	private ScaleDriver() {
	}

	static String run(String mode, int streams) throws Exception {
		Path config = Files.createTempFile("sse-scale", ".yml");
		Files.writeString(config, yaml(mode, streams), StandardCharsets.UTF_8);
		long heapBefore = usedHeapAfterGc();
		long start = System.nanoTime();
		BufferingApplicationStartup startup = new BufferingApplicationStartup(100_000);
		SpringApplication application = new SpringApplication(ScaleApplication.class);
		application.setApplicationStartup(startup);
		ConfigurableApplicationContext context = application.run("--spring.main.web-application-type=none",
				"--spring.main.banner-mode=off", "--logging.level.root=warn",
				"--spring.config.additional-location=file:" + config);
		long started = System.nanoTime();
		SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
		if (mode.equals("registered")) {
			for (int i = 0; i < streams; i++) {
				registry.register("device-" + i, "device", Map.of("device", Integer.toString(i)));
			}
		}
		long ready = System.nanoTime();
		int count = registry.getStreamNames().size();
		long heapAfter = usedHeapAfterGc();
		String phases = slowestPhases(startup.getBufferedTimeline());
		context.close();
		Files.delete(config);
		return String.format(Locale.ROOT,
				"mode=%s streams=%d registered=%d startSeconds=%.3f registerSeconds=%.3f readySeconds=%.3f heapMB=%.1f"
						+ " phases=%s",
				mode, streams, count, (started - start) / 1e9, (ready - started) / 1e9, (ready - start) / 1e9,
				(heapAfter - heapBefore) / 1048576.0, phases);
	}

	/** The declared streams or the template, all idle until started (auto-startup off). */
	private static String yaml(String mode, int streams) {
		StringBuilder yaml = new StringBuilder("sse:\n  client:\n    defaults:\n      auto-startup: false\n");
		if (mode.equals("declared")) {
			yaml.append("    streams:\n");
			for (int i = 0; i < streams; i++) {
				yaml.append("      device-").append(i).append(":\n        url: http://127.0.0.1:9/devices/").append(i)
					.append('\n');
			}
		}
		else {
			yaml.append("    templates:\n      device:\n        url: http://127.0.0.1:9/devices/{device}\n");
		}
		return yaml.toString();
	}

	/** The five startup steps that took longest, own time only (children subtracted), in ms. */
	private static String slowestPhases(StartupTimeline timeline) {
		Map<Long, Long> childNanos = new HashMap<>();
		for (StartupTimeline.TimelineEvent event : timeline.getEvents()) {
			Long parent = event.getStartupStep().getParentId();
			if (parent != null) {
				childNanos.merge(parent, event.getDuration().toNanos(), Long::sum);
			}
		}
		Map<String, Long> own = new HashMap<>();
		for (StartupTimeline.TimelineEvent event : timeline.getEvents()) {
			StartupStep step = event.getStartupStep();
			long nanos = event.getDuration().toNanos() - childNanos.getOrDefault(step.getId(), 0L);
			own.merge(label(step), nanos, Long::sum);
		}
		return own.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
			.limit(5)
			.map((entry) -> entry.getKey() + ":" + entry.getValue() / 1_000_000)
			.collect(Collectors.joining(","));
	}

	private static String label(StartupStep step) {
		for (StartupStep.Tag tag : step.getTags()) {
			if (tag.getKey().equals("beanName")) {
				return step.getName() + "[" + tag.getValue() + "]";
			}
		}
		return step.getName();
	}

	private static long usedHeapAfterGc() throws InterruptedException {
		long least = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(200);
			least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return least;
	}

	@SpringBootConfiguration
	// the regimes measured here have no Kafka: forwarding has a benchmark of its own (kafka.sh)
	@EnableAutoConfiguration(exclude = { KafkaAutoConfiguration.class, KafkaForwardingAutoConfiguration.class })
	static class ScaleApplication {

		@SseListener(stream = "device-*")
		void onDevice(SseEvent event) {
		}

	}

}
