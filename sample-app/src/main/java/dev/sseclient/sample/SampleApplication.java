package dev.sseclient.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Serves a demo price feed and follows it with sse-client, declared in application.yml and
 * received by {@link PriceListener}, so it runs with no network.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
