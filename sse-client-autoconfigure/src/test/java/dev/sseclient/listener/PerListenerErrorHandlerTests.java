package dev.sseclient.listener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.container.InvalidSseConfigurationException;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener may name its own error handler; the others keep the application's.
 */
class PerListenerErrorHandlerTests {

	private final SseTestServer server = SseTestServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
		.withPropertyValues("sse.client.streams.orders.url=" + this.server.url("/orders"));

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		final List<String> seen = new CopyOnWriteArrayList<>();

		@Bean(defaultCandidate = false)
		SseListenerErrorHandler auditing() {
			return (failure) -> {
				this.seen.add(failure.listenerId() + " " + failure.event().id());
				return ErrorAction.proceed();
			};
		}

		@Bean
		Listeners listeners() {
			return new Listeners();
		}

	}

	static class Listeners {

		final List<String> handled = new CopyOnWriteArrayList<>();

		@SseListener(stream = "orders", id = "audited", errorHandler = "auditing")
		void audited(String data) {
			fail(data);
		}

		@SseListener(stream = "orders", id = "plain")
		void plain(String data) {
			fail(data);
		}

		private void fail(String data) {
			if (data.equals("bad")) {
				throw new IllegalStateException("bad order");
			}
			this.handled.add(data);
		}

	}

	@Test
	void aListenersOwnHandlerSeesOnlyItsFailuresAndTheApplicationsHandlerStaysTheDefault() {
		this.server.enqueue(SseScript.stream().event("1", null, "bad").event("2", null, "good").hold());
		this.contextRunner.withUserConfiguration(Handlers.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(SseListenerErrorHandler.class)).isInstanceOf(LoggingErrorHandler.class);
			Listeners listeners = context.getBean(Listeners.class);
			await().until(() -> listeners.handled.size() == 2);
			assertThat(context.getBean(Handlers.class).seen).containsExactly("audited 1");
		});
	}

	static class Unknown {

		@SseListener(stream = "orders", errorHandler = "nope")
		void on(String data) {
		}

	}

	@Test
	void aListenerNamingNoSuchHandlerFailsStartup() {
		this.contextRunner.withBean(Unknown.class).run((context) -> {
			assertThat(context).hasFailed();
			Throwable cause = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
			assertThat(cause).isInstanceOf(InvalidSseConfigurationException.class)
				.hasMessageContaining("Unknown.on")
				.hasMessageContaining("names the error handler 'nope', which does not exist");
		});
	}

}
