package dev.sseclient.aot;

import java.util.Map;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

import dev.sseclient.container.SseStreamRegistry;

/**
 * Every kind of stream and listener the starter has, following the application's own feed:
 * declared streams, streams registered at run time from a template, record, POJO, list and
 * Kotlin data class payloads, batch and suspend listeners. The build processes it ahead of time;
 * {@code AotModeIT} runs it with {@code -Dspring.aot.enabled=true}.
 */
@SpringBootApplication
public class AotApplication {

	public static void main(String[] args) {
		SpringApplication.run(AotApplication.class, args);
	}

	@Bean
	ApplicationRunner registerDevices(SseStreamRegistry registry) {
		return (args) -> {
			registry.register("device-1", "device", Map.of("id", "1"));
			registry.register("device-2", "device", Map.of("id", "2"));
		};
	}

}
