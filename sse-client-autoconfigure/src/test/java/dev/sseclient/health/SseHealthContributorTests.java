package dev.sseclient.health;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.autoconfigure.SseHealthContributorAutoConfiguration;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health of a real stream through its life, against a server on loopback.
 */
class SseHealthContributorTests {

	private static final String TOKEN = "s3cr3t-token-value";

	private final SseTestServer server = SseTestServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(SseClientAutoConfiguration.class, SseHealthContributorAutoConfiguration.class))
		.withPropertyValues("sse.client.streams.prices.url=" + this.server.url("/prices?access_token=" + TOKEN),
				"sse.client.streams.prices.headers.Authorization=Bearer " + TOKEN,
				"sse.client.defaults.reconnect.initial-delay=20ms", "sse.client.defaults.reconnect.max-delay=20ms");

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void openStreamIsUpWithMaskedDetails() {
		this.server.enqueue(SseScript.stream().event("41", null, "a").hold());
		this.contextRunner.run((context) -> {
			await().until(() -> health(context).getDetails().get("lastEventId").equals("41"));
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			Map<String, Object> details = health.getDetails();
			assertThat(details).containsEntry("state", "OPEN")
				.containsEntry("attempts", 0)
				.containsKeys("connectedSince", "lastEventTime")
				.containsEntry("url", this.server.url("/prices?access_token=******"));
			assertThat(health.toString()).doesNotContain(TOKEN);
		});
	}

	@Test
	void reconnectingIsUpWithinTheGracePeriodAndDownBeyondIt() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").end());
		this.server.dispatcher((request) -> SseScript.status(503));
		this.contextRunner.withPropertyValues("sse.client.health.grace-period=1h").run((context) -> {
			await().until(() -> ((int) health(context).getDetails().get("attempts")) >= 2);
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails().get("state")).isIn("CONNECTING", "RECONNECTING");
			assertThat((String) health.getDetails().get("lastError")).startsWith("SseHttpStatusException: ")
				.contains("503")
				.doesNotContain(TOKEN);
		});
		this.contextRunner.withPropertyValues("sse.client.health.grace-period=0s").run((context) -> {
			await().until(() -> health(context).getStatus().equals(Status.DOWN));
			assertThat(health(context).getDetails().get("state")).isIn("CONNECTING", "RECONNECTING");
		});
	}

	@Test
	void afterAReconnectThatDeliversTheDetailsShowNoFailuresInARow() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").end());
		this.server.enqueue(SseScript.stream().event("2", null, "b").hold());
		this.contextRunner.run((context) -> {
			await().until(() -> health(context).getDetails().get("lastEventId").equals("2"));
			Map<String, Object> details = health(context).getDetails();
			assertThat(details).containsEntry("state", "OPEN")
				.containsEntry("attempts", 0)
				.containsKey("connectedSince")
				.doesNotContainKey("disconnectedSince")
				.as("the server ending a response is routine, no error")
				.doesNotContainKey("lastError");
		});
	}

	@Test
	void nonRetryableFailureIsDown() {
		this.server.enqueue(SseScript.status(404).body("no such feed"));
		this.contextRunner.run((context) -> {
			await().until(() -> health(context).getDetails().get("state").equals("FAILED"));
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat((String) health.getDetails().get("lastError")).contains("404").contains("no such feed");
		});
	}

	@Test
	void stoppedByAnOperatorStaysUpWithItsStateInTheDetailsUnlessConfiguredOtherwise() {
		this.server.dispatcher((request) -> SseScript.stream().event("1", null, "a").hold());
		this.contextRunner.run((context) -> {
			await().until(() -> health(context).getStatus().equals(Status.UP)
					&& health(context).getDetails().get("state").equals("OPEN"));
			context.getBean(SseStreamRegistry.class).stop("prices");
			assertThat(health(context).getStatus()).isEqualTo(Status.UP);
			assertThat(health(context).getDetails()).containsEntry("state", "CLOSED");
		});
		this.contextRunner.withPropertyValues("sse.client.health.stopped-status=OUT_OF_SERVICE").run((context) -> {
			await().until(() -> health(context).getDetails().get("state").equals("OPEN"));
			context.getBean(SseStreamRegistry.class).stop("prices");
			assertThat(health(context).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		});
	}

	@Test
	void notStartedStaysUpUnlessConfiguredOtherwise() {
		this.contextRunner.withPropertyValues("sse.client.streams.prices.auto-startup=false").run((context) -> {
			assertThat(health(context).getStatus()).isEqualTo(Status.UP);
			assertThat(health(context).getDetails()).containsEntry("state", "NEW");
		});
		this.contextRunner
			.withPropertyValues("sse.client.streams.prices.auto-startup=false",
					"sse.client.health.stopped-status=OUT_OF_SERVICE")
			.run((context) -> assertThat(health(context).getStatus()).isEqualTo(Status.OUT_OF_SERVICE));
	}

	@Test
	void aRoutineEndOfTheResponseIsNoErrorButTheLastRealFailureShowsWithItsTime() {
		this.server.enqueue(SseScript.status(503));
		this.server.enqueue(SseScript.stream().event("1", null, "a").end());
		this.server.dispatcher((request) -> SseScript.stream().event("2", null, "b").hold());
		this.contextRunner.run((context) -> {
			await().until(() -> "2".equals(health(context).getDetails().get("lastEventId")));
			Map<String, Object> details = health(context).getDetails();
			assertThat(details).containsEntry("state", "OPEN");
			assertThat((String) details.get("lastError")).startsWith("SseHttpStatusException: ").contains("503");
			assertThat(details).containsKey("lastErrorTime");
		});
		this.server.dispatcher((request) -> SseScript.stream().event("3", null, "c").end());
		this.contextRunner.run((context) -> {
			await().until(() -> this.server.requestCount() >= 5 + 3);
			assertThat(health(context).getDetails()).containsEntry("lastEventId", "3")
				.doesNotContainKeys("lastError", "lastErrorTime");
		});
	}

	@Test
	void completedIsUpUnlessConfiguredOtherwise() {
		this.server.enqueue(SseScript.status(204));
		this.contextRunner.run((context) -> {
			await().until(() -> health(context).getDetails().get("state").equals("COMPLETED"));
			assertThat(health(context).getStatus()).isEqualTo(Status.UP);
		});
		this.server.enqueue(SseScript.status(204));
		this.contextRunner.withPropertyValues("sse.client.health.completed-status=OUT_OF_SERVICE").run((context) -> {
			await().until(() -> health(context).getDetails().get("state").equals("COMPLETED"));
			assertThat(health(context).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		});
	}

	@Test
	void oneComponentPerDeclaredStream() {
		this.contextRunner
			.withPropertyValues("sse.client.defaults.auto-startup=false", "sse.client.streams.chat.url=http://localhost/c")
			.run((context) -> assertThat(context.getBean(SseHealthContributor.class).stream().map((entry) -> entry.name()))
				.containsExactly("prices", "chat"));
	}

	@Test
	void runWhenDisabledShouldNotContribute() {
		this.contextRunner.withPropertyValues("management.health.sse.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("sseHealthContributor"));
	}

	@Test
	void runWithoutTheHealthModuleShouldNotContribute() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthContributor.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("sseHealthContributor"));
	}

	private static Health health(AssertableApplicationContext context) {
		HealthContributor contributor = context.getBean(SseHealthContributor.class).getContributor("prices");
		return ((HealthIndicator) contributor).health();
	}

}
