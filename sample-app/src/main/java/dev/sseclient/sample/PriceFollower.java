package dev.sseclient.sample;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import jakarta.annotation.PreDestroy;
import reactor.core.Disposable;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import dev.sseclient.core.ReconnectOptions;
import dev.sseclient.core.SseClient;
import dev.sseclient.core.SseEvent;
import dev.sseclient.core.SseRequest;
import dev.sseclient.core.SseStream;

/**
 * Follows the demo feed through the programmatic {@link SseClient}, one log line per tick; the
 * library logs each reconnection.
 */
@Component
class PriceFollower {

	private static final Log logger = LogFactory.getLog(PriceFollower.class);

	private final SseClient client;

	private final Environment environment;

	private final String url;

	private final AtomicLong ticks = new AtomicLong();

	private volatile SseStream stream;

	private Disposable subscription;

	PriceFollower(SseClient client, Environment environment, @Value("${demo.follow.url:}") String url) {
		this.client = client;
		this.environment = environment;
		this.url = url;
	}

	@EventListener(ApplicationReadyEvent.class)
	void follow() {
		String target = this.url.isEmpty()
				? "http://localhost:" + this.environment.getProperty("local.server.port") + "/demo/prices" : this.url;
		this.stream = this.client.stream(SseRequest.get(target)
			.name("prices")
			.reconnect(ReconnectOptions.defaults().withDelays(Duration.ofMillis(200), Duration.ofSeconds(10)))
			.build());
		this.subscription = this.stream.events().subscribe(this::onTick);
	}

	private void onTick(SseEvent event) {
		this.ticks.incrementAndGet();
		logger.info("tick #" + event.id() + " " + event.data());
	}

	/** Ticks received so far. */
	long ticks() {
		return this.ticks.get();
	}

	SseStream stream() {
		return this.stream;
	}

	@PreDestroy
	void stop() {
		if (this.stream != null) {
			this.stream.close();
		}
		if (this.subscription != null) {
			this.subscription.dispose();
		}
	}

}
