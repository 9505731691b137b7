package dev.sseclient.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's retrying handlers, written as the README writes them (a lambda as recoverer
 * compiles), and what {@code maxRetries} counts: retries, so a listener that keeps failing is
 * called once more than that.
 */
class RetryingErrorHandlerTests {

	private final SseTestServer server = SseTestServer.start();

	private final List<ListenerFailure> recovered = new CopyOnWriteArrayList<>();

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	private void recover(ListenerFailure failure) {
		this.recovered.add(failure);
	}

	@Test
	void threeRetriesCallTheListenerFourTimesThenTheLambdaRecoverer() {
		this.server.enqueue(SseScript.stream().event("1", null, "poison").event("2", null, "fine").hold());
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
			.withPropertyValues("sse.client.streams.orders.url=" + this.server.url("/orders"))
			.withBean(CountingListener.class)
			.withBean(SseListenerErrorHandler.class,
					() -> new RetryingErrorHandler(3, Duration.ofMillis(10), Duration.ofMillis(20), failure -> recover(failure)))
			.run((context) -> {
				CountingListener listener = context.getBean(CountingListener.class);
				await().until(() -> listener.handled.contains("fine"));
				assertThat(listener.calls.get()).as("one call and three retries of the poison event, then the next event")
					.isEqualTo(5);
				assertThat(this.recovered).singleElement().satisfies((failure) -> {
					assertThat(failure.event().id()).isEqualTo("1");
					assertThat(failure.attempt()).isEqualTo(4);
				});
			});
	}

	@Test
	void aFallbackHandlerDecidesAfterTheRetries() {
		this.server.enqueue(SseScript.stream().event("1", null, "poison").event("2", null, "fine").hold());
		List<ListenerFailure> fallback = new CopyOnWriteArrayList<>();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
			.withPropertyValues("sse.client.streams.orders.url=" + this.server.url("/orders"))
			.withBean(CountingListener.class)
			.withBean(SseListenerErrorHandler.class,
					() -> RetryingErrorHandler.withFallback(1, Duration.ofMillis(10), Duration.ofMillis(10), (failure) -> {
						fallback.add(failure);
						return ErrorAction.proceed();
					}))
			.run((context) -> {
				CountingListener listener = context.getBean(CountingListener.class);
				await().until(() -> listener.handled.contains("fine"));
				assertThat(listener.calls.get()).isEqualTo(3);
				assertThat(fallback).singleElement().satisfies((failure) -> assertThat(failure.attempt()).isEqualTo(2));
			});
	}

	static class CountingListener {

		final AtomicInteger calls = new AtomicInteger();

		final List<String> handled = new CopyOnWriteArrayList<>();

		@SseListener(stream = "orders")
		void on(String data) {
			this.calls.incrementAndGet();
			if (data.equals("poison")) {
				throw new IllegalStateException("cannot handle " + data);
			}
			this.handled.add(data);
		}

	}

}
