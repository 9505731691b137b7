package dev.sseclient.kafka;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * An application that forwards one stream into Kafka from properties alone, run as a process
 * of its own by the crash tests (its settings are its arguments).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ForwardingApp {

	public static void main(String[] args) {
		new SpringApplicationBuilder(ForwardingApp.class).properties("spring.main.web-application-type=none",
				"spring.main.banner-mode=off")
			.run(args);
	}

}
