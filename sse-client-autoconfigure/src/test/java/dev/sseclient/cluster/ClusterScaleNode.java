package dev.sseclient.cluster;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.sseclient.actuate.SseEndpoint;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.core.SseEvent;
import dev.sseclient.listener.SseListener;

/**
 * One instance of the cluster scale tests, in a JVM of its own: it registers {@code streams}
 * streams at run time from the {@code device} template, prints {@code EVENT <stream> <id>
 * <epoch millis>} for every event, and every second {@code STATUS <epoch millis> <threads>
 * <coordination threads> <sse endpoint millis> <active streams>}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ClusterScaleNode {

	public static void main(String[] args) {
		SpringApplication.run(ClusterScaleNode.class, args);
	}

	@Bean
	ApplicationRunner registerDevices(SseStreamRegistry registry, SseEndpoint endpoint, @Value("${streams}") int streams) {
		return (args) -> {
			for (int i = 1; i <= streams; i++) {
				registry.register("device-" + i, "device", Map.of("device", String.valueOf(i)));
			}
			ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "status");
				thread.setDaemon(true);
				return thread;
			});
			status.scheduleWithFixedDelay(() -> printStatus(endpoint), 1, 1, TimeUnit.SECONDS);
		};
	}

	@SuppressWarnings("unchecked")
	private static void printStatus(SseEndpoint endpoint) {
		long started = System.nanoTime();
		Map<String, Object> streams = (Map<String, Object>) endpoint.streams().get("streams");
		long endpointMillis = (System.nanoTime() - started) / 1_000_000;
		long active = streams.values()
			.stream()
			.filter((stream) -> "ACTIVE".equals(((Map<String, Object>) stream).get("role")))
			.count();
		long coordination = Thread.getAllStackTraces().keySet().stream().filter((thread) -> thread.getName().startsWith("sse-cluster-")).count();
		System.out.println("STATUS " + System.currentTimeMillis() + " " + Thread.activeCount() + " " + coordination + " "
				+ endpointMillis + " " + active);
	}

	@Bean
	@ConditionalOnProperty("redis.port")
	LettuceConnectionFactory redisConnectionFactory(@Value("${redis.port}") int port) {
		return new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port));
	}

	@Bean
	Devices devices() {
		return new Devices();
	}

	static class Devices {

		@SseListener(template = "device")
		void onEvent(SseEvent event) {
			System.out.println("EVENT " + event.stream() + " " + event.id() + " " + System.currentTimeMillis());
		}

	}

}
