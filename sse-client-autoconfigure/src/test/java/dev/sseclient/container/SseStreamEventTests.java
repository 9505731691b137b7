package dev.sseclient.container;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.core.SseHttpStatusException;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Application events through a stream's life: open, drop, reconnect, fail; and stop; and
 * complete.
 */
class SseStreamEventTests {

	private final SseTestServer server = SseTestServer.start();

	private final List<SseStreamEvent> events = new CopyOnWriteArrayList<>();

	private final List<String> threads = new CopyOnWriteArrayList<>();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
		.withPropertyValues("sse.client.streams.prices.url=" + this.server.url("/prices"),
				"sse.client.defaults.reconnect.initial-delay=30ms", "sse.client.defaults.reconnect.max-delay=30ms",
				"sse.client.defaults.reconnect.jitter=0")
		.withBean("collector", ApplicationListener.class, () -> (ApplicationListener<SseStreamEvent>) (event) -> {
			this.events.add(event);
			this.threads.add(Thread.currentThread().getName());
		});

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void openedReconnectingAndFailedCarryWhatHappened() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").end());
		this.server.enqueue(SseScript.status(503).header("Retry-After", "0"));
		this.server.enqueue(SseScript.status(404));
		this.contextRunner.run((context) -> {
			await().until(() -> this.events.stream().anyMatch(SseStreamEvent.Failed.class::isInstance));
			assertThat(this.events).extracting((event) -> event.getClass().getSimpleName())
				.containsExactly("Opened", "Reconnecting", "Reconnecting", "Failed");
			assertThat(((SseStreamEvent.Opened) this.events.get(0)).getUrl()).isEqualTo(this.server.url("/prices"));
			SseStreamEvent.Reconnecting first = (SseStreamEvent.Reconnecting) this.events.get(1);
			assertThat(first.getCause()).hasMessageEndingWith("ended the stream");
			assertThat(first.getDelay()).isEqualTo(Duration.ofMillis(30));
			SseStreamEvent.Reconnecting second = (SseStreamEvent.Reconnecting) this.events.get(2);
			assertThat(second.getCause()).isInstanceOf(SseHttpStatusException.class).hasMessageContaining("503");
			assertThat(((SseStreamEvent.Failed) this.events.get(3)).getCause()).hasMessageContaining("404");
			assertThat(this.events).allMatch((event) -> event.getStream().equals("prices"));
			assertThat(this.threads).allMatch((name) -> name.startsWith("sse-listener-"));
		});
	}

	@Test
	void stopPublishesClosedAndCompletionPublishesCompleted() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").hold());
		this.server.enqueue(SseScript.status(204));
		this.contextRunner.run((context) -> {
			await().until(() -> this.events.size() == 1);
			context.getBean(SseStreamRegistry.class).stop("prices");
			await().until(() -> this.events.size() == 2);
			context.getBean(SseStreamRegistry.class).start("prices");
			await().until(() -> this.events.size() == 3);
			assertThat(this.events).extracting((event) -> event.getClass().getSimpleName())
				.containsExactly("Opened", "Closed", "Completed");
		});
	}

}
