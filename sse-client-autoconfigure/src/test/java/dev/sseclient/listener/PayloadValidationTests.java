package dev.sseclient.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code @Valid} payload is validated with the application's validator; an invalid one goes
 * to the error handler, not retried, and the stream goes on.
 */
class PayloadValidationTests {

	private final SseTestServer server = SseTestServer.start();

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	record Order(@NotBlank String id, @Positive int quantity) {
	}

	static class Listener {

		final List<Order> orders = new CopyOnWriteArrayList<>();

		@SseListener(stream = "orders")
		void on(@Valid Order order) {
			this.orders.add(order);
		}

	}

	@Test
	void anInvalidPayloadGoesToTheErrorHandlerAndTheStreamGoesOn() {
		this.server.enqueue(SseScript.stream()
			.event("1", null, "{\"id\":\"a\",\"quantity\":2}")
			.event("2", null, "{\"id\":\" \",\"quantity\":0}")
			.event("3", null, "{\"id\":\"b\",\"quantity\":1}")
			.hold());
		List<ListenerFailure> failures = new CopyOnWriteArrayList<>();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class, SseClientAutoConfiguration.class))
			.withPropertyValues("sse.client.streams.orders.url=" + this.server.url("/orders"))
			.withBean(Listener.class)
			.withBean(SseListenerErrorHandler.class, () -> new RetryingErrorHandler(3, Duration.ZERO,
					Duration.ZERO, failures::add))
			.run((context) -> {
				Listener listener = context.getBean(Listener.class);
				await().until(() -> listener.orders.size() == 2);
				assertThat(listener.orders).extracting(Order::id).containsExactly("a", "b");
				assertThat(failures).singleElement().satisfies((failure) -> {
					assertThat(failure.event().id()).isEqualTo("2");
					assertThat(failure.attempt()).as("not retried").isEqualTo(1);
					assertThat(failure.cause()).isInstanceOf(PayloadConversionException.class)
						.cause()
						.isInstanceOf(PayloadValidationException.class)
						.hasMessageContaining("id")
						.hasMessageContaining("quantity");
				});
			});
	}

	static class BatchListener {

		final List<Order> orders = new CopyOnWriteArrayList<>();

		@SseListener(stream = "orders", batch = true)
		void on(@Valid List<Order> orders) {
			this.orders.addAll(orders);
		}

	}

	@Test
	void eachElementOfAValidBatchIsCheckedAndAnInvalidOneIsLeftOut() {
		this.server.enqueue(SseScript.stream()
			.send(SseScript.format("1", null, "{\"id\":\"a\",\"quantity\":2}")
					+ SseScript.format("2", null, "{\"id\":\"c\",\"quantity\":-1}")
					+ SseScript.format("3", null, "{\"id\":\"b\",\"quantity\":1}"))
			.hold());
		List<ListenerFailure> failures = new CopyOnWriteArrayList<>();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class, SseClientAutoConfiguration.class))
			.withPropertyValues("sse.client.streams.orders.url=" + this.server.url("/orders"))
			.withBean(BatchListener.class)
			.withBean(SseListenerErrorHandler.class, () -> new RetryingErrorHandler(3, Duration.ZERO,
					Duration.ZERO, failures::add))
			.run((context) -> {
				BatchListener listener = context.getBean(BatchListener.class);
				await().until(() -> listener.orders.size() == 2);
				assertThat(listener.orders).extracting(Order::id).containsExactly("a", "b");
				assertThat(failures).singleElement().satisfies((failure) -> {
					assertThat(failure.events()).extracting(dev.sseclient.core.SseEvent::id).containsExactly("2");
					assertThat(failure.cause()).cause().isInstanceOf(PayloadValidationException.class);
				});
			});
	}

}
