package dev.sseclient.sample;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.core.SseConnectionException;
import dev.sseclient.core.StreamState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "demo.feed.interval=20ms", "demo.feed.ticks-per-connection=5" })
class SampleApplicationTests {

	@Autowired
	private PriceListener listener;

	@Autowired
	private SseStreamRegistry registry;

	@Test
	void ticksFlowAcrossTheFeedsReconnectionsWithNothingLostOrRepeated() {
		SseStreamContainer prices = this.registry.getContainer("prices");
		assertThat(prices).isNotNull();
		await().atMost(Duration.ofSeconds(20)).until(() -> this.listener.ticks() >= 12);
		assertThat(prices.getStream().lastFailure()).isInstanceOf(SseConnectionException.class)
			.hasMessageEndingWith("ended the stream");
		this.registry.stop("prices");
		assertThat(prices.getState()).isEqualTo(StreamState.CLOSED);
		long lastId = Long.parseLong(prices.getLastEventId());
		assertThat(lastId).as("ids run 1, 2, 3... across reconnections").isEqualTo(this.listener.ticks());
	}

}
