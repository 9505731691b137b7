package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A peer client run inside the same kind of Boot application as ours (actuator and a Prometheus
 * registry, no stream of ours), as a user of that client in a Spring service would run it: the
 * JVM then holds what every such service holds (its classes, its heap, its threads), which
 * shapes the collector's sizing and pauses as it does for ours.
 */
final class InBootApplication implements Driver {

	private final Driver client;

	private @Nullable ConfigurableApplicationContext context;

	InBootApplication(Driver client) {
		this.client = client;
	}

	@Override
	public void prepare(URI url) throws Exception {
		if (this.context == null) {
			this.context = new SpringApplication(ListenerDriver.ListenerApplication.class).run(
					"--spring.main.web-application-type=none", "--spring.main.banner-mode=off",
					"--logging.level.root=warn");
		}
		this.client.prepare(url);
	}

	@Override
	public void consume(URI url, int count, Consumer<String> onData) throws Exception {
		this.client.consume(url, count, onData);
	}

	@Override
	public void consumeStamps(URI url, int count, LongConsumer onStamp) throws Exception {
		this.client.consumeStamps(url, count, onStamp);
	}

}
