package dev.sseclient.listener;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ErrorAction#stopStream()} from a listener: the stream stops, and once started again it
 * stops again without waiting for the call that stopped it, which is over.
 */
@ExtendWith(OutputCaptureExtension.class)
class StopStreamActionTests {

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
		SseListenerErrorHandler stopping() {
			return (failure) -> ErrorAction.stopStream();
		}

	}

	static class Listeners {

		@SseListener(stream = "orders", errorHandler = "stopping")
		void on(String data) {
			throw new IllegalStateException("cannot take " + data);
		}

	}

	@Test
	void aStreamStoppedByItsListenerAndStartedAgainStopsWithoutWaitingForThatCall(CapturedOutput output) {
		this.server.enqueue(SseScript.stream().event("1", null, "bad").hold());
		this.server.enqueue(SseScript.stream().hold());
		this.contextRunner.withUserConfiguration(Handlers.class).withBean(Listeners.class).run((context) -> {
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
