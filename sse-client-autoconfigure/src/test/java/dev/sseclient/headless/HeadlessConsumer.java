package dev.sseclient.headless;

import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.listener.SseListener;

/**
 * An application without a web server that follows one stream and prints each event; with
 * {@code --close-after=N} it closes its own context after N events. Run as a process by
 * {@link HeadlessConsumerTests}.
 */
@SpringBootConfiguration
@ImportAutoConfiguration(SseClientAutoConfiguration.class)
public class HeadlessConsumer {

	private static volatile ConfigurableApplicationContext context;

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(HeadlessConsumer.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		context = application.run(args);
		System.out.println("MAIN RETURNED");
	}

	@Bean
	ApplicationListener<ContextClosedEvent> closedPrinter(SseStreamRegistry registry) {
		return (event) -> System.out.println("CONTEXT CLOSED");
	}

	/** Named by {@code --sse.client.listener.executor=workers} in a test. */
	@Bean
	ThreadPoolTaskExecutor workers() {
		ThreadPoolTaskExecutor workers = new ThreadPoolTaskExecutor();
		workers.setThreadNamePrefix("worker-");
		workers.setCorePoolSize(2);
		return workers;
	}

	@Bean
	Printer printer(org.springframework.core.env.Environment environment) {
		return new Printer(environment.getProperty("close-after", Integer.class, -1));
	}

	static class Printer {

		private final AtomicInteger received = new AtomicInteger();

		private final int closeAfter;

		Printer(int closeAfter) {
			this.closeAfter = closeAfter;
		}

		@SseListener(stream = "ticks")
		void onTick(String data) {
			int count = this.received.incrementAndGet();
			if (count == 1) {
				System.out.println("LISTENER THREAD " + Thread.currentThread());
			}
			System.out.println("TICK " + data);
			if (count == this.closeAfter) {
				// as an application that is done would: close from another thread than the listener's
				new Thread(() -> context.close(), "closer").start();
			}
		}

	}

}
