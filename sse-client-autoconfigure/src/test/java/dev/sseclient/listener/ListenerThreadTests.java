package dev.sseclient.listener;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.core.SseEvent;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code listener-thread: connection}: listeners called on the thread that reads the stream,
 * with the order, conversion and failure handling of the pool.
 */
class ListenerThreadTests {

	private final SseTestServer server = SseTestServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
		.withPropertyValues("sse.client.defaults.reconnect.initial-delay=20ms",
				"sse.client.defaults.reconnect.max-delay=100ms", "sse.client.defaults.reconnect.jitter=0",
				"sse.client.streams.direct.url=" + this.server.url("/direct"),
				"sse.client.streams.direct.listener-thread=connection",
				"sse.client.streams.pooled.url=" + this.server.url("/pooled"),
				"sse.client.templates.device.url=" + this.server.url("/devices/{device}"),
				"sse.client.templates.device.listener-thread=connection");

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	record Tick(String symbol, double price) {
	}

	/** What each listener got, and on which thread. */
	static class Calls {

		final List<Object> received = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		void add(Object value) {
			this.received.add(value);
			this.threads.add(Thread.currentThread().getName());
		}

	}

	static class Listeners {

		final Calls direct = new Calls();

		final List<Boolean> directNonBlocking = new CopyOnWriteArrayList<>();

		final Calls pooled = new Calls();

		final Calls device = new Calls();

		@SseListener(stream = "direct")
		void onDirect(Tick tick) {
			if (tick.price() < 0) {
				throw new IllegalStateException("negative price");
			}
			this.direct.add(tick);
			// an I/O thread refuses block(): a listener here must not block
			this.directNonBlocking.add(Schedulers.isInNonBlockingThread());
		}

		@SseListener(stream = "pooled")
		void onPooled(Tick tick) {
			this.pooled.add(tick);
		}

		@SseListener(template = "device")
		Mono<Void> onDevice(SseEvent event) {
			this.device.add(event.id());
			return Mono.empty();
		}

	}

	@Test
	void aStreamOnItsConnectionThreadGetsItsEventsInOrderThereAndAPooledOneOnThePool() {
		this.server.dispatcher((request) -> switch (request.target()) {
			case "/direct" -> SseScript.stream()
				.event("1", null, "{\"symbol\":\"A\",\"price\":1}")
				.event("2", null, "{\"symbol\":\"B\",\"price\":-1}")
				.event("3", null, "{\"symbol\":\"C\",\"price\":3}")
				.event("4", null, "not json")
				.event("5", null, "{\"symbol\":\"E\",\"price\":5}")
				.hold();
			case "/pooled" -> SseScript.stream().event("1", null, "{\"symbol\":\"P\",\"price\":9}").hold();
			default -> SseScript.status(404);
		});
		this.contextRunner.withBean(Listeners.class).run((context) -> {
			Listeners listeners = context.getBean(Listeners.class);
			await().until(() -> listeners.direct.received.size() == 3 && listeners.pooled.received.size() == 1);
			assertThat(listeners.direct.received).containsExactly(new Tick("A", 1), new Tick("C", 3), new Tick("E", 5));
			assertThat(listeners.direct.threads).hasSize(3).allMatch((name) -> name.startsWith("reactor-http-"));
			assertThat(listeners.directNonBlocking).containsExactly(true, true, true);
			assertThat(listeners.pooled.threads).allMatch((name) -> name.startsWith("sse-listener-"));
			SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
			// the failing listener call and the unreadable payload went to the error handler: the stream goes on
			assertThat(registry.getContainer("direct").getLastEventId()).isEqualTo("5");
			assertThat(registry.getContainer("direct").isRunning()).isTrue();
		});
	}

	@Test
	void aTemplatesStreamsTakeItsListenerThread() {
		this.server.dispatcher((request) -> SseScript.stream().event("1", null, "a").event("2", null, "b").hold());
		this.contextRunner.withBean(Listeners.class).run((context) -> {
			context.getBean(SseStreamRegistry.class).register("device-7", "device", Map.of("device", "7"));
			Listeners listeners = context.getBean(Listeners.class);
			await().until(() -> listeners.device.received.size() == 2);
			assertThat(listeners.device.received).containsExactly("1", "2");
			assertThat(listeners.device.threads).allMatch((name) -> name.startsWith("reactor-http-"));
		});
	}

	@Test
	void anUnknownListenerThreadFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("sse.client.streams.pooled.listener-thread=io").run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			while (failure != null && !(failure instanceof BindException)) {
				failure = failure.getCause();
			}
			assertThat(failure).isInstanceOf(BindException.class);
			BindException bind = (BindException) failure;
			assertThat(bind.getName()).hasToString("sse.client.streams.pooled.listener-thread");
			assertThat(bind.getProperty().getValue()).isEqualTo("io");
		});
	}

}
