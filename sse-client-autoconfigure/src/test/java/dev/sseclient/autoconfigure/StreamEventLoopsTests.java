package dev.sseclient.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.core.SseEvent;
import dev.sseclient.listener.SseListener;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sse.client.io-threads}: the streams read on event loops of their own, declared and
 * registered streams alike, closed with the application. The listeners here run on the thread
 * that reads ({@code listener-thread: connection}), so their thread names the loop.
 */
class StreamEventLoopsTests {

	private final SseTestServer server = SseTestServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
		.withPropertyValues("sse.client.defaults.listener-thread=connection",
				"sse.client.streams.prices.url=" + this.server.url("/prices"),
				"sse.client.templates.device.url=" + this.server.url("/devices/{device}"));

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	static class Listeners {

		final List<String> prices = new CopyOnWriteArrayList<>();

		final List<String> devices = new CopyOnWriteArrayList<>();

		@SseListener(stream = "prices")
		void onPrice(SseEvent event) {
			this.prices.add(event.id() + " on " + Thread.currentThread().getName());
		}

		@SseListener(template = "device")
		void onDevice(SseEvent event) {
			this.devices.add(event.id() + " on " + Thread.currentThread().getName());
		}

	}

	@Test
	void withIoThreadsEveryStreamIsReadOnTheLoopsOfItsOwnWhichEndWithTheApplication() {
		this.server.dispatcher((request) -> SseScript.stream().event("1", null, "a").event("2", null, "b").hold());
		this.contextRunner.withPropertyValues("sse.client.io-threads=3").withBean(Listeners.class).run((context) -> {
			SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
			for (int i = 0; i < 6; i++) {
				registry.register("device-" + i, "device", Map.of("device", Integer.toString(i)));
			}
			Listeners listeners = context.getBean(Listeners.class);
			await().until(() -> listeners.prices.size() == 2 && listeners.devices.size() == 12);
			assertThat(listeners.prices).hasSize(2).allMatch((call) -> call.contains(" on sse-io-"));
			assertThat(listeners.prices.get(0)).startsWith("1 on ");
			assertThat(listeners.devices).allMatch((call) -> call.contains(" on sse-io-"));
			// seven streams on three loops
			assertThat(listeners.devices.stream().map((call) -> call.substring(call.indexOf(" on ") + 4)).distinct())
				.hasSizeBetween(1, 3);
			assertThat(ioThreads()).isNotEmpty().hasSizeLessThanOrEqualTo(3);
		});
		await().until(() -> ioThreads().isEmpty());
	}

	@Test
	void withoutIoThreadsStreamsAreReadOnReactorNettysSharedLoops() {
		this.server.dispatcher((request) -> SseScript.stream().event("1", null, "a").hold());
		this.contextRunner.withBean(Listeners.class).run((context) -> {
			Listeners listeners = context.getBean(Listeners.class);
			await().until(() -> listeners.prices.size() == 1);
			assertThat(listeners.prices.get(0)).startsWith("1 on reactor-http-");
		});
	}

	private static List<String> ioThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("sse-io-"))
			.toList();
	}

}
