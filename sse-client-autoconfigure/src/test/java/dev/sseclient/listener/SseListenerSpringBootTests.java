package dev.sseclient.listener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.container.SseStreamRequestCustomizer;
import dev.sseclient.core.SseEvent;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The declarative layer the way an application test meets it: {@code @SpringBootTest}, streams
 * in properties, listener beans, a feed on loopback that ends its response now and then and
 * honours {@code Last-Event-ID}.
 */
@SpringBootTest(properties = { "sse.client.defaults.reconnect.initial-delay=20ms",
		"sse.client.defaults.reconnect.jitter=0", "sse.client.streams.audit.url=http://localhost:1/unused",
		"sse.client.streams.audit.auto-startup=false" })
@ExtendWith(OutputCaptureExtension.class)
class SseListenerSpringBootTests {

	static final SseTestServer server = SseTestServer.start();

	static {
		server.dispatcher((request) -> {
			String last = request.header("Last-Event-ID");
			int next = (last == null) ? 1 : Integer.parseInt(last) + 1;
			SseScript script = SseScript.stream();
			for (int id = next; id < next + 3 && id <= 9; id++) {
				script.event(String.valueOf(id), "tick", (id == 5) ? "{broken" : "{\"symbol\":\"S" + id + "\",\"price\":" + id + "}");
				script.event(null, "note", "note " + id);
			}
			return (next > 9) ? script.hold() : script.end();
		});
	}

	@DynamicPropertySource
	static void feed(DynamicPropertyRegistry registry) {
		registry.add("sse.client.streams.prices.url", () -> server.url("/prices"));
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	record Tick(String symbol, double price) {
	}

	static class TickListener {

		final List<Tick> ticks = new CopyOnWriteArrayList<>();

		final List<String> notes = new CopyOnWriteArrayList<>();

		@SseListener(stream = "${feed.name:prices}", events = "tick")
		void onTick(Tick tick) {
			if (tick.price() == 7) {
				throw new IllegalArgumentException("rejecting S7");
			}
			this.ticks.add(tick);
		}

		@SseListener(stream = "prices", events = "note")
		void onNote(SseEvent event, String text) {
			this.notes.add(event.id() + "=" + text);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SseClientAutoConfiguration.class)
	static class TestApplication {

		static final List<Integer> attempts = new CopyOnWriteArrayList<>();

		@Bean
		TickListener tickListener() {
			return new TickListener();
		}

		@Bean
		SseStreamRequestCustomizer attemptHeader() {
			return new SseStreamRequestCustomizer() {
				@Override
				public void customize(String stream, dev.sseclient.core.SseAttempt attempt,
						org.springframework.http.HttpHeaders headers) {
					attempts.add(attempt.number());
					headers.set("X-Attempt", String.valueOf(attempt.number()));
				}

				@Override
				public boolean appliesTo(String stream) {
					return stream.equals("prices");
				}
			};
		}

	}

	@Autowired
	private TickListener listener;

	@Autowired
	private SseStreamRegistry registry;

	@Test
	void typedEventsFlowAcrossReconnectionsPastFailuresAndBadData(CapturedOutput output) {
		await().until(() -> this.listener.ticks.size() == 7);
		assertThat(this.listener.ticks).extracting(Tick::symbol)
			.containsExactly("S1", "S2", "S3", "S4", "S6", "S8", "S9");
		assertThat(this.listener.notes).hasSize(9).startsWith("1=note 1", "2=note 2").endsWith("9=note 9");
		assertThat(this.registry.getContainer("prices").getLastEventId()).isEqualTo("9");
		assertThat(server.requests()).extracting((request) -> request.header("X-Attempt"))
			.containsExactly("1", "2", "3", "4");
		assertThat(output).contains("Listener 'TickListener.onTick' failed on event '5' (tick) of stream 'prices'")
			.contains("Listener 'TickListener.onTick' failed on event '7' (tick) of stream 'prices'")
			.contains("rejecting S7");
		assertThat(output.toString().split("Stream 'audit' has no @SseListener", -1)).hasSize(2);
	}

}
