package dev.sseclient.cluster;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import dev.sseclient.core.SseEvent;
import dev.sseclient.listener.SseListener;

/**
 * One application instance of the cluster tests, run in a JVM of its own so that it can be
 * killed: it prints {@code EVENT <stream> <id> <epoch millis>} for every event its listeners get.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ClusterNode {

	static final String[] STREAMS = { "s1", "s2", "s3", "s4" };

	public static void main(String[] args) {
		SpringApplication.run(ClusterNode.class, args);
	}

	@Bean
	Listeners listeners() {
		return new Listeners();
	}

	static class Listeners {

		@SseListener(stream = "s1")
		void s1(SseEvent event) {
			print(event);
		}

		@SseListener(stream = "s2")
		void s2(SseEvent event) {
			print(event);
		}

		@SseListener(stream = "s3")
		void s3(SseEvent event) {
			print(event);
		}

		@SseListener(stream = "s4")
		void s4(SseEvent event) {
			print(event);
		}

		private static void print(SseEvent event) {
			System.out.println("EVENT " + event.stream() + " " + event.id() + " " + System.currentTimeMillis());
		}

	}

}
