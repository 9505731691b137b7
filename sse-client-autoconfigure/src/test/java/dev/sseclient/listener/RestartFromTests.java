package dev.sseclient.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.checkpoint.InMemoryCheckpointStore;
import dev.sseclient.checkpoint.SseCheckpointStore;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.test.RecordedRequest;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ErrorAction#restartFrom(String)}: an error handler that knows where the stream stands
 * better than the last event processed here moves the stream (and its checkpoint) there.
 */
class RestartFromTests {

	private final SseTestServer server = SseTestServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
		.withPropertyValues("sse.client.streams.orders.url=" + this.server.url("/orders"),
				"sse.client.streams.orders.reconnect.initial-delay=50ms");

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean(defaultCandidate = false)
		SseListenerErrorHandler jumping() {
			return (failure) -> (failure.cause() instanceof Jump jump) ? ErrorAction.restartFrom(jump.to)
					: ErrorAction.proceed();
		}

		@Bean
		SseCheckpointStore checkpointStore() {
			return new InMemoryCheckpointStore();
		}

	}

	static class Listeners {

		final List<String> handled = new CopyOnWriteArrayList<>();

		@SseListener(stream = "orders", errorHandler = "jumping")
		void on(String data) {
			if (data.startsWith("jump to ")) {
				throw new Jump(data.substring("jump to ".length()));
			}
			this.handled.add(data);
		}

	}

	static class BatchListeners {

		final List<String> handled = new CopyOnWriteArrayList<>();

		@SseListener(stream = "orders", errorHandler = "jumping", batch = true)
		void on(List<String> data) {
			for (String each : data) {
				if (each.startsWith("jump to ")) {
					throw new Jump(each.substring("jump to ".length()));
				}
			}
			this.handled.addAll(data);
		}

	}

	static class Jump extends RuntimeException {

		final String to;

		Jump(String to) {
			super("jump to " + to);
			this.to = to;
		}

	}

	@Test
	void theStreamReconnectsAskingForWhatFollowsTheGivenIdAndItsCheckpointMovesThere() {
		this.server.enqueue(SseScript.stream()
			.event("1", null, "a")
			.event("2", null, "jump to 7")
			.event("3", null, "never handled")
			.hold());
		this.server.enqueue(SseScript.stream().event("8", null, "h").hold());
		this.contextRunner.withUserConfiguration(Handlers.class).withBean(Listeners.class).run((context) -> {
			Listeners listeners = context.getBean(Listeners.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> listeners.handled.contains("h"));
			assertThat(listeners.handled).containsExactly("a", "h");
			RecordedRequest first = this.server.takeRequest();
			RecordedRequest second = this.server.takeRequest();
			assertThat(first.header("Last-Event-ID")).isNull();
			assertThat(second.header("Last-Event-ID")).isEqualTo("7");
			assertThat(context.getBean(SseStreamRegistry.class).getContainer("orders").getLastEventId()).isEqualTo("8");
			await().atMost(Duration.ofSeconds(30))
				.until(() -> context.getBean(SseCheckpointStore.class).load("orders").orElse(""), "8"::equals);
		});
	}

	@Test
	void aBatchListenersHandlerMayRestartTheStreamToo() {
		this.server.enqueue(SseScript.stream().event("2", null, "jump to 7").event("3", null, "never handled").hold());
		this.server.enqueue(SseScript.stream().event("8", null, "h").hold());
		this.contextRunner.withUserConfiguration(Handlers.class).withBean(BatchListeners.class).run((context) -> {
			BatchListeners listeners = context.getBean(BatchListeners.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> listeners.handled.contains("h"));
			assertThat(listeners.handled).containsExactly("h");
			this.server.takeRequest();
			assertThat(this.server.takeRequest().header("Last-Event-ID")).isEqualTo("7");
		});
	}

}
