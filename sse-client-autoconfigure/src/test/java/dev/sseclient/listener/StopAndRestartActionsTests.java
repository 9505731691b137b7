package dev.sseclient.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.checkpoint.InMemoryCheckpointStore;
import dev.sseclient.checkpoint.SseCheckpointStore;
import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.test.RecordedRequest;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The error actions that end a run. {@link ErrorAction#restartFrom(String)}: an error handler
 * that knows where the stream stands better than the last event processed here moves the stream
 * (and its checkpoint) there. {@link ErrorAction#stopStream()}: the stream stops, and once started
 * again it stops again without waiting for the call that stopped it, which is over.
 */
@ExtendWith(OutputCaptureExtension.class)
class StopAndRestartActionsTests {

	private final SseTestServer server = SseTestServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
		.withPropertyValues("sse.client.streams.orders.url=" + this.server.url("/orders"),
				"sse.client.listener.shutdown-timeout=20s");

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

	@Configuration(proxyBeanMethods = false)
	static class StoppedMeanwhile {

		final AtomicReference<@Nullable Thread> stopper = new AtomicReference<>();

		/** Stops the stream from another thread while the listener call is in flight, then asks for a restart. */
		@Bean(defaultCandidate = false)
		SseListenerErrorHandler jumping(ObjectProvider<SseStreamRegistry> registry) {
			return (failure) -> {
				SseStreamContainer container = registry.getObject().getContainer("orders");
				Thread stopper = new Thread(() -> container.stop(Duration.ofSeconds(30)));
				this.stopper.set(stopper);
				stopper.start();
				await().atMost(Duration.ofSeconds(30)).until(() -> !container.isRunning());
				return ErrorAction.restartFrom("7");
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Stopping {

		/** Under the name the listener gives: this time the handler stops the stream. */
		@Bean(defaultCandidate = false)
		SseListenerErrorHandler jumping() {
			return (failure) -> ErrorAction.stopStream();
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
	void aStopAskedForBeforeTheRestartWins() {
		this.server.enqueue(SseScript.stream().event("2", null, "jump to 7").hold());
		this.server.enqueue(SseScript.stream().event("8", null, "h").hold());
		this.contextRunner.withUserConfiguration(StoppedMeanwhile.class).withBean(Listeners.class).run((context) -> {
			StoppedMeanwhile handlers = context.getBean(StoppedMeanwhile.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> handlers.stopper.get() != null);
			handlers.stopper.get().join(Duration.ofSeconds(30).toMillis());
			assertThat(handlers.stopper.get().isAlive()).isFalse();
			assertThat(context.getBean(SseStreamRegistry.class).getContainer("orders").isRunning()).isFalse();
			assertThat(this.server.requestCount()).isEqualTo(1);
			assertThat(context.getBean(Listeners.class).handled).isEmpty();
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

	@Test
	void aStreamStoppedByItsListenerAndStartedAgainStopsWithoutWaitingForThatCall(CapturedOutput output) {
		this.server.enqueue(SseScript.stream().event("1", null, "jump to 7").hold());
		this.server.enqueue(SseScript.stream().hold());
		this.contextRunner.withUserConfiguration(Stopping.class).withBean(Listeners.class).run((context) -> {
			SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
			SseStreamContainer container = registry.getContainer("orders");
			await().atMost(Duration.ofSeconds(30)).until(() -> !container.isRunning());
			registry.start("orders");
			await().atMost(Duration.ofSeconds(30)).until(() -> this.server.requestCount() == 2);
			registry.stop("orders");
			assertThat(container.isRunning()).isFalse();
			assertThat(output).doesNotContain("was still running");
		});
	}

}
