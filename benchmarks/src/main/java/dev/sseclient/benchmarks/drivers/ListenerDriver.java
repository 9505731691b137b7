package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.listener.SseListener;

/**
 * This project's declarative path in a small Boot application: a stream from properties and an
 * {@code @SseListener} method. The stream is started once the context is up, so Boot's startup
 * is not timed.
 */
final class ListenerDriver implements Driver {

	@Override
	public void consume(URI url, int count, Consumer<String> onData) throws Exception {
		Target target = new Target(count, onData);
		SpringApplication application = new SpringApplication(ListenerApplication.class);
		application.addInitializers(
				(context) -> ((GenericApplicationContext) context).registerBean(Target.class, () -> target));
		try (ConfigurableApplicationContext context = application.run("--spring.main.web-application-type=none",
				"--spring.main.banner-mode=off", "--logging.level.root=warn",
				"--sse.client.streams.bench.url=" + url, "--sse.client.streams.bench.auto-startup=false")) {
			context.getBean(SseStreamRegistry.class).start("bench");
			target.done.await();
		}
	}

	/** Where the listener method hands each event's data. */
	static final class Target {

		final CountDownLatch done = new CountDownLatch(1);

		private final int count;

		private final Consumer<String> onData;

		private int received;

		Target(int count, Consumer<String> onData) {
			this.count = count;
			this.onData = onData;
		}

		@SseListener(stream = "bench")
		void on(String data) {
			this.onData.accept(data);
			if (++this.received == this.count) {
				this.done.countDown();
			}
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ListenerApplication {

	}

}
