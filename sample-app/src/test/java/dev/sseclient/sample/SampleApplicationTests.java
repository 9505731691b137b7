package dev.sseclient.sample;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.sseclient.core.SseConnectionException;
import dev.sseclient.core.StreamState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "demo.feed.interval=20ms", "demo.feed.ticks-per-connection=5" })
class SampleApplicationTests {

	@Autowired
	private PriceFollower follower;

	@Test
	void ticksFlowAcrossTheFeedsReconnectionsWithNothingLostOrRepeated() {
		await().atMost(Duration.ofSeconds(20)).until(() -> this.follower.ticks() >= 12);
		assertThat(this.follower.stream().lastFailure()).isInstanceOf(SseConnectionException.class)
			.hasMessageEndingWith("ended the stream");
		this.follower.stream().close();
		await().until(() -> this.follower.stream().state() == StreamState.CLOSED);
		long lastId = Long.parseLong(this.follower.stream().lastEventId());
		assertThat(lastId).as("ids run 1, 2, 3... across reconnections").isEqualTo(this.follower.ticks());
	}

}
