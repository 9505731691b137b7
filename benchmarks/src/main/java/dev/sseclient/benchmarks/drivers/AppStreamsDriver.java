package dev.sseclient.benchmarks.drivers;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.core.SseEvent;
import dev.sseclient.core.StreamState;
import dev.sseclient.kafka.KafkaForwardingAutoConfiguration;
import dev.sseclient.listener.SseListener;

/**
 * Many streams in the application users run: a Boot application with actuator and a Prometheus
 * registry, {@code streams} streams registered at run time from a template (shared meters and
 * one health component, the defaults), each receiving numbered ticks. Measured in the middle of
 * the run, against the same application before its streams: heap per stream after a full
 * collection, threads, the size of a Prometheus scrape, the health endpoint's answer (size and
 * time); at the end, ticks lost (a stream reconnecting after the server ends its ticks may get
 * some twice: those are not counted as lost).
 */
final class AppStreamsDriver {

	private AppStreamsDriver() {
	}

	/**
	 * @param perStreamMeters whether the template asks for meters per stream (the figure before
	 * shared meters, for comparison)
	 * @param listenerThread the template's {@code listener-thread} setting
	 * @param ioThreads {@code sse.client.io-threads}, or {@code null} for Reactor Netty's shared loops
	 */
	static String run(URI url, String protocol, int streams, int ticks, boolean perStreamMeters, String listenerThread,
			@Nullable String ioThreads) throws Exception {
		Path config = Files.createTempFile("sse-app-streams", ".yml");
		Files.writeString(config, "sse:\n  client:\n" + ((ioThreads != null) ? "    io-threads: " + ioThreads + "\n" : "")
				+ "    templates:\n      device:\n        url: " + url
				+ "&device={device}\n" + (protocol.equals("h2c") ? "        protocols: h2c\n" : "")
				+ "        per-stream-meters: " + perStreamMeters
				+ "\n        listener-thread: " + listenerThread
				+ "\nmanagement.endpoints.web.exposure.include: health,prometheus\n", StandardCharsets.UTF_8);
		long start = System.nanoTime();
		ConfigurableApplicationContext context = new SpringApplication(AppStreamsApplication.class).run(
				"--spring.main.web-application-type=none", "--spring.main.banner-mode=off", "--logging.level.root=warn",
				"--spring.config.additional-location=file:" + config);
		double startSeconds = (System.nanoTime() - start) / 1e9;
		long heapBefore = ManyStreams.usedHeapAfterGc();
		int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
		Ticks ticksReceived = context.getBean(Ticks.class);
		SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
		long registering = System.nanoTime();
		long registeringCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
		long registeringProcessCpu = ProcessCpu.nanos();
		for (int i = 0; i < streams; i++) {
			registry.register("device-" + i, "device", Map.of("device", Integer.toString(i)));
		}
		double registerSeconds = (System.nanoTime() - registering) / 1e9;
		double registerCpuSeconds = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - registeringCpu) / 1e9;
		double registerProcessCpuSeconds = (ProcessCpu.nanos() - registeringProcessCpu) / 1e9;
		List<SseStreamContainer> containers = List.copyOf(registry.getContainers());
		while (containers.stream().anyMatch((container) -> container.getState() != StreamState.OPEN)
				&& System.nanoTime() - registering < 120_000_000_000L) {
			Thread.sleep(100);
		}
		double allOpenSeconds = (System.nanoTime() - registering) / 1e9;
		ManyStreams.Bursts bursts = ManyStreams.measureBursts(ticksReceived.latency, ticksReceived.count::get, ticks);
		// the middle of the run: every stream open and receiving
		int threads = ManagementFactory.getThreadMXBean().getThreadCount();
		long heapDuring = ManyStreams.usedHeapAfterGc();
		long rss = ManyStreams.residentSetBytes();
		int scrapeBytes = context.getBean(PrometheusMeterRegistry.class).scrape().getBytes(StandardCharsets.UTF_8).length;
		HealthEndpoint health = context.getBean(HealthEndpoint.class);
		long healthStart = System.nanoTime();
		String healthJson = JsonMapper.builder().build().writeValueAsString(health.health());
		double healthMillis = (System.nanoTime() - healthStart) / 1e6;
		long expected = (long) streams * ticks;
		long deadline = System.nanoTime() + (ticks + 60L) * 1_000_000_000L;
		while (ticksReceived.count.get() < expected && System.nanoTime() < deadline) {
			Thread.sleep(200);
		}
		long received = ticksReceived.count.get();
		context.close();
		Files.delete(config);
		return String.format(Locale.ROOT,
				"protocol=%s perStreamMeters=%s listenerThread=%s ioThreads=%s streams=%d startSeconds=%.2f"
						+ " registerSeconds=%.2f allOpenSeconds=%.2f registerCpuSeconds=%.2f registerProcessCpuSeconds=%.2f"
						+ " threadsBefore=%d threads=%d heapPerStreamKB=%.2f rssMB=%.0f scrapeKB=%.1f healthKB=%.1f"
						+ " healthMillis=%.1f received=%d lost=%d %s",
				protocol, perStreamMeters, listenerThread, (ioThreads != null) ? ioThreads : "shared", streams,
				startSeconds, registerSeconds, allOpenSeconds, registerCpuSeconds, registerProcessCpuSeconds,
				threadsBefore, threads, (heapDuring - heapBefore) / 1024.0 / streams, rss / 1048576.0,
				scrapeBytes / 1024.0, healthJson.length() / 1024.0, healthMillis, received,
				Math.max(0, expected - received), bursts.fields());
	}

	@SpringBootConfiguration
	// the regimes measured here have no Kafka: forwarding has a benchmark of its own (kafka.sh)
	@EnableAutoConfiguration(exclude = { KafkaAutoConfiguration.class, KafkaForwardingAutoConfiguration.class })
	static class AppStreamsApplication {

		@Bean
		Ticks ticks() {
			return new Ticks();
		}

	}

	static class Ticks {

		final AtomicLong count = new AtomicLong();

		/** From the tick's due moment and from the server's write to the listener call. */
		final ManyStreams.BurstLatency latency = new ManyStreams.BurstLatency();

		@SseListener(template = "device")
		void onTick(SseEvent event) {
			long now = System.nanoTime();
			this.count.incrementAndGet();
			this.latency.record(event.data(), now);
		}

	}

}
