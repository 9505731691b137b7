package dev.sseclient.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import dev.sseclient.container.InvalidSseConfigurationException;
import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.core.SseClient;
import dev.sseclient.core.SseRequest;
import dev.sseclient.listener.SseListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Binding, defaults and every startup failure, with the failure analysis a user would read.
 */
class StreamConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
		.withPropertyValues("sse.client.defaults.auto-startup=false");

	@Test
	void runWhenDisabledShouldCreateNothing() {
		this.contextRunner.withPropertyValues("sse.client.enabled=false", "sse.client.streams.a.url=http://localhost/a")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(SseClient.class)
				.doesNotHaveBean(SseStreamRegistry.class));
	}

	@Test
	void runWhenAStreamSetsSomeValuesShouldInheritTheRestFromTheDefaults() {
		this.contextRunner
			.withPropertyValues("sse.client.defaults.reconnect.initial-delay=5s",
					"sse.client.defaults.reconnect.max-delay=60s", "sse.client.defaults.headers.X-App=demo",
					"sse.client.defaults.idle-timeout=2m", "sse.client.streams.prices.url=https://feed.example.com/prices",
					"sse.client.streams.prices.reconnect.max-delay=90s",
					"sse.client.streams.prices.headers.Authorization=Bearer ${PRICES_TOKEN}", "PRICES_TOKEN=abc",
					"sse.client.streams.prices.max-event-size=2MB", "sse.client.streams.chat.url=http://localhost/chat",
					"sse.client.streams.chat.method=post", "sse.client.streams.chat.body={\"stream\":true}",
					"sse.client.streams.chat.complete-on=[DONE]", "sse.client.streams.chat.buffer-size=8")
			.run((context) -> {
				SseRequest prices = request(context, "prices");
				assertThat(prices.reconnect().initialDelay()).isEqualTo(Duration.ofSeconds(5));
				assertThat(prices.reconnect().maxDelay()).isEqualTo(Duration.ofSeconds(90));
				assertThat(prices.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
				assertThat(prices.maxEventSize()).isEqualTo(2 * 1024 * 1024);
				assertThat(prices.headers().getFirst("Authorization")).isEqualTo("Bearer abc");
				assertThat(prices.headers().getFirst("X-App")).isEqualTo("demo");
				SseRequest chat = request(context, "chat");
				assertThat(chat.method().name()).isEqualTo("POST");
				assertThat(chat.body()).asString().isEqualTo("{\"stream\":true}");
				assertThat(chat.completeOn()).isEqualTo("[DONE]");
				assertThat(chat.reconnect().maxDelay()).isEqualTo(Duration.ofSeconds(60));
				assertThat(context.getBean(SseStreamRegistry.class).getContainer("chat").getDefinition().bufferSize())
					.isEqualTo(8);
			});
	}

	@Test
	void runWhenUrlIsMissingShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("sse.client.streams.prices.method=GET")
			.run((context) -> assertFailure(context, "sse.client.streams.prices.url is missing.",
					"Set sse.client.streams.prices.url to the http or https URL of the event stream."));
	}

	@Test
	void runWhenUrlIsMalformedShouldFail() {
		this.contextRunner.withPropertyValues("sse.client.streams.prices.url=http://exa mple.com/x")
			.run((context) -> assertFailure(context,
					"sse.client.streams.prices.url is not a valid URL: Illegal character in authority.",
					"Set sse.client.streams.prices.url to an http or https URL such as https://feed.example.com/events."));
	}

	@Test
	void runWhenSchemeIsUnknownShouldFail() {
		this.contextRunner.withPropertyValues("sse.client.streams.prices.url=ws://feed.example.com/x")
			.run((context) -> assertFailure(context,
					"sse.client.streams.prices.url has the unsupported scheme 'ws'.",
					"Set sse.client.streams.prices.url to an http or https URL such as https://feed.example.com/events."));
	}

	@Test
	void runWhenADelayIsNegativeShouldFail() {
		this.contextRunner
			.withPropertyValues("sse.client.streams.prices.url=http://localhost/p",
					"sse.client.streams.prices.reconnect.initial-delay=-1s")
			.run((context) -> assertFailure(context,
					"sse.client.streams.prices.reconnect.initial-delay (PT-1S) must not be negative.",
					"Set sse.client.streams.prices.reconnect.initial-delay to zero or a positive duration such as 1s."));
	}

	@Test
	void runWhenMaxDelayIsBelowInitialDelayShouldFail() {
		this.contextRunner
			.withPropertyValues("sse.client.streams.prices.url=http://localhost/p",
					"sse.client.streams.prices.reconnect.initial-delay=10s",
					"sse.client.streams.prices.reconnect.max-delay=2s")
			.run((context) -> assertFailure(context,
					"sse.client.streams.prices.reconnect.max-delay (PT2S) is below reconnect.initial-delay (PT10S).",
					"Set sse.client.streams.prices.reconnect.max-delay to at least PT10S, or lower "
							+ "sse.client.streams.prices.reconnect.initial-delay."));
	}

	@Test
	void runWhenABadValueComesFromTheDefaultsShouldNameTheDefaultsProperty() {
		this.contextRunner
			.withPropertyValues("sse.client.defaults.reconnect.jitter=2", "sse.client.streams.prices.url=http://localhost/p")
			.run((context) -> assertFailure(context, "sse.client.defaults.reconnect.jitter (2.0) must be between 0 and 1.",
					"Set sse.client.defaults.reconnect.jitter to a fraction such as 0.5."));
	}

	@Test
	void runWhenBufferSizeIsZeroShouldFail() {
		this.contextRunner
			.withPropertyValues("sse.client.streams.prices.url=http://localhost/p", "sse.client.streams.prices.buffer-size=0")
			.run((context) -> assertFailure(context, "sse.client.streams.prices.buffer-size (0) must be at least 1.",
					"Set sse.client.streams.prices.buffer-size to a positive number such as 256."));
	}

	@Test
	void runWhenAListenerNamesAnUndeclaredStreamShouldListTheDeclaredOnes() {
		this.contextRunner
			.withPropertyValues("sse.client.streams.prices.url=http://localhost/p",
					"sse.client.streams.chat.url=http://localhost/c")
			.withUserConfiguration(TypoListenerConfiguration.class)
			.run((context) -> assertFailure(context,
					"@SseListener 'TypoListener.onTick' names the stream 'pricez', which is not declared; declared: prices, chat.",
					"Declare it with sse.client.streams.pricez.url, or use one of the declared stream names in the annotation."));
	}

	@Test
	void runWhenAListenerHasTwoPayloadsShouldFailNamingTheMethod() {
		this.contextRunner.withPropertyValues("sse.client.streams.prices.url=http://localhost/p")
			.withUserConfiguration(TwoPayloadsConfiguration.class)
			.run((context) -> assertThat(analyze(context).getDescription()).isEqualTo(
					"Invalid sse-client configuration: @SseListener method TwoPayloads.on(String, Integer) takes more "
							+ "than one payload parameter (Integer is the second); take the SseEvent and at most one payload."));
	}

	@Test
	void runWhenAListenerIsPrivateShouldFail() {
		this.contextRunner.withPropertyValues("sse.client.streams.prices.url=http://localhost/p")
			.withUserConfiguration(PrivateListenerConfiguration.class)
			.run((context) -> assertThat(analyze(context).getDescription())
				.isEqualTo("Invalid sse-client configuration: @SseListener method PrivateListener.on(String) is private or static."));
	}

	@Test
	void runWhenAListenerReturnsAValueShouldFail() {
		this.contextRunner.withPropertyValues("sse.client.streams.prices.url=http://localhost/p")
			.withUserConfiguration(ReturningListenerConfiguration.class)
			.run((context) -> assertThat(analyze(context).getDescription()).isEqualTo(
					"Invalid sse-client configuration: @SseListener method ReturningListener.on(String) returns String; "
							+ "a listener returns void, Mono or CompletionStage."));
	}

	@Test
	void runWhenTheJdbcStoreHasNoDataSourceShouldFailSayingWhatIsMissing() {
		this.contextRunner
			.withPropertyValues("sse.client.checkpoint.store=jdbc", "sse.client.streams.prices.url=http://localhost/p")
			.run((context) -> assertFailure(context,
					"sse.client.checkpoint.store is jdbc, but the application has no single DataSource.",
					"Configure a DataSource (spring.datasource.url), or choose the memory or file store."));
	}

	private static SseRequest request(AssertableApplicationContext context, String stream) {
		assertThat(context).hasNotFailed();
		SseStreamContainer container = context.getBean(SseStreamRegistry.class).getContainer(stream);
		assertThat(container).isNotNull();
		return container.getDefinition().request();
	}

	private static void assertFailure(AssertableApplicationContext context, String description, String action) {
		FailureAnalysis analysis = analyze(context);
		assertThat(analysis.getDescription()).isEqualTo("Invalid sse-client configuration: " + description);
		assertThat(analysis.getAction()).isEqualTo(action);
	}

	private static FailureAnalysis analyze(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		assertThat(NestedExceptionUtils.getMostSpecificCause(failure))
			.isInstanceOf(InvalidSseConfigurationException.class);
		return new InvalidSseConfigurationFailureAnalyzer().analyze(failure);
	}

	static class TypoListener {

		@SseListener(stream = "pricez")
		void onTick(String data) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TypoListenerConfiguration {

		@Bean
		TypoListener typoListener() {
			return new TypoListener();
		}

	}

	static class TwoPayloads {

		@SseListener(stream = "prices")
		void on(String data, Integer number) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoPayloadsConfiguration {

		@Bean
		TwoPayloads twoPayloads() {
			return new TwoPayloads();
		}

	}

	static class PrivateListener {

		@SseListener(stream = "prices")
		private void on(String data) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrivateListenerConfiguration {

		@Bean
		PrivateListener privateListener() {
			return new PrivateListener();
		}

	}

	static class ReturningListener {

		@SseListener(stream = "prices")
		String on(String data) {
			return data;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReturningListenerConfiguration {

		@Bean
		ReturningListener returningListener() {
			return new ReturningListener();
		}

	}

}
