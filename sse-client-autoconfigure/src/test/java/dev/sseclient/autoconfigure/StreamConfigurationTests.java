package dev.sseclient.autoconfigure;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.SystemEnvironmentPropertySource;

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
					"sse.client.streams.chat.complete-on=[DONE]", "sse.client.streams.chat.buffer-size=8",
					"sse.client.streams.claude.url=http://localhost/claude", "sse.client.streams.claude.complete-on-event=message_stop",
					"sse.client.streams.claude.resend-incomplete=true", "sse.client.streams.claude.sensitive-headers=X-Tenant")
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
				SseRequest claude = request(context, "claude");
				assertThat(claude.completeOnEvent()).isEqualTo("message_stop");
				assertThat(claude.isFinite()).isTrue();
				assertThat(claude.resendIncomplete()).isTrue();
				assertThat(claude.isSensitiveHeader("x-tenant")).isTrue();
				assertThat(chat.isSensitiveHeader("X-Tenant")).isFalse();
			});
	}

	@Test
	void runWhenStreamsAreSetByEnvironmentVariablesShouldBindThemOverTheFiles() {
		this.contextRunner
			.withPropertyValues("sse.client.streams.prices.url=https://feed.example.com/prices",
					"sse.client.streams.prices.idle-timeout=1m", "sse.client.streams.prices.headers.X-App=demo")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment",
						Map.of("SSE_CLIENT_STREAMS_PRICES_IDLETIMEOUT", "3m", "SSE_CLIENT_STREAMS_PRICES_RECONNECT_MAXDELAY",
								"7s", "SSE_CLIENT_STREAMS_ORDERS_URL", "https://feed.example.com/orders",
								"SSE_CLIENT_DEFAULTS_CONNECTTIMEOUT", "4s"))))
			.run((context) -> {
				SseRequest prices = request(context, "prices");
				assertThat(prices.idleTimeout()).isEqualTo(Duration.ofMinutes(3));
				assertThat(prices.reconnect().maxDelay()).isEqualTo(Duration.ofSeconds(7));
				assertThat(prices.headers().getFirst("X-App")).isEqualTo("demo");
				assertThat(prices.connectTimeout()).isEqualTo(Duration.ofSeconds(4));
				SseRequest orders = request(context, "orders");
				assertThat(orders.url()).hasToString("https://feed.example.com/orders");
				assertThat(orders.connectTimeout()).isEqualTo(Duration.ofSeconds(4));
			});
	}

	@Test
	void runWhenAValueCannotBeConvertedShouldFailNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("sse.client.streams.prices.url=https://feed.example.com/prices",
					"sse.client.streams.prices.reconnect.max-delay=soon")
			.run((context) -> {
				assertThat(context).hasFailed();
				BindException failure = findCause(context.getStartupFailure(), BindException.class);
				assertThat(failure.getName()).hasToString("sse.client.streams.prices.reconnect.max-delay");
				assertThat(failure.getProperty().getValue()).isEqualTo("soon");
			});
	}

	@Test
	void runWhenAStreamHasNoProtocolShouldFailNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("sse.client.streams.prices.url=https://feed.example.com/prices",
					"sse.client.streams.prices.protocols=")
			.run((context) -> assertFailure(context, "sse.client.streams.prices.protocols is empty.",
					"Name at least one protocol: h2, http11 or h2c (the default is h2, http11)."));
	}

	@Test
	void runWhenIoThreadsIsBelowOneShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("sse.client.io-threads=0")
			.run((context) -> assertFailure(context, "sse.client.io-threads is 0; streams need at least one thread.",
					"Set it to 1 or more, or remove it to read streams on Reactor Netty's shared event loops."));
	}

	@Test
	void runWhenTheListenerExecutorIsMissingOrNoExecutorShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("sse.client.listener.executor=workers")
			.run((context) -> assertFailure(context,
					"sse.client.listener.executor names the bean 'workers', which does not exist.",
					"Declare an Executor bean of that name, such as a ThreadPoolTaskExecutor, or remove "
							+ "sse.client.listener.executor."));
		this.contextRunner.withPropertyValues("sse.client.listener.executor=workers")
			.withBean("workers", String.class, () -> "not an executor")
			.run((context) -> assertFailure(context,
					"sse.client.listener.executor names the bean 'workers', which is a java.lang.String, not a "
							+ "java.util.concurrent.Executor.",
					"Name an Executor bean, such as a ThreadPoolTaskExecutor, or remove sse.client.listener.executor."));
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
	void runWhenAStreamNameHasADashShouldBindItsOwnSettingsAndNameThemInErrors() {
		this.contextRunner
			.withPropertyValues("sse.client.streams.price-feed.url=http://localhost/p",
					"sse.client.streams.price-feed.headers.X-App=demo", "sse.client.streams.price-feed.idle-timeout=1m")
			.run((context) -> {
				SseRequest request = request(context, "price-feed");
				assertThat(request.headers().getFirst("X-App")).isEqualTo("demo");
				assertThat(request.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
			});
		this.contextRunner
			.withPropertyValues("sse.client.streams.price-feed.url=http://localhost/p",
					"sse.client.streams.price-feed.reconnect.initial-delay=-2s")
			.run((context) -> assertFailure(context,
					"sse.client.streams.price-feed.reconnect.initial-delay (-2s) must not be negative.",
					"Set sse.client.streams.price-feed.reconnect.initial-delay to zero or a positive duration such as 1s."));
	}

	@Test
	void runWhenTheSchemeIsLeftOutShouldSaySo() {
		this.contextRunner.withPropertyValues("sse.client.streams.prices.url=localhost:19080/ticks?token=abc")
			.run((context) -> assertFailure(context,
					"sse.client.streams.prices.url ('localhost:19080/ticks?token=******') has no http:// or https:// in front.",
					"Set sse.client.streams.prices.url to http://localhost:19080/ticks?token=****** or "
							+ "https://localhost:19080/ticks?token=******."));
	}

	@Test
	void runWhenAStreamKeyIsMisspelledShouldNameItTheStreamAndTheNearestKey() {
		this.contextRunner
			.withPropertyValues("sse.client.streams.ticks.url=http://localhost/t",
					"sse.client.streams.ticks.reconect.max-delay=5s")
			.run((context) -> assertFailure(context,
					"sse.client.streams.ticks.reconect.max-delay is not a setting of a stream (stream 'ticks').",
					"Did you mean sse.client.streams.ticks.reconnect.max-delay? Correct or remove "
							+ "sse.client.streams.ticks.reconect.max-delay."));
	}

	@Test
	void runWhenAStreamForwardsToKafkaWithoutTheKafkaModuleShouldSaySo() {
		this.contextRunner
			.withPropertyValues("sse.client.streams.ticks.url=http://localhost/t",
					"sse.client.streams.ticks.forward.kafka.topic=ticks")
			.run((context) -> assertFailure(context,
					"sse.client.streams.ticks.forward.kafka.topic is a setting of forwarding to Kafka, and sse-client-kafka "
							+ "is not on the class path.",
					"Add the dependency dev.sseclient:sse-client-kafka, or remove sse.client.streams.ticks.forward.kafka.topic."));
		this.contextRunner
			.withPropertyValues("sse.client.streams.ticks.url=http://localhost/t", "sse.client.kafka.create-topics=true")
			.run((context) -> assertFailure(context,
					"sse.client.kafka.create-topics is a setting of forwarding to Kafka, and sse-client-kafka is not on the "
							+ "class path.",
					"Add the dependency dev.sseclient:sse-client-kafka, or remove sse.client.kafka.create-topics."));
	}

	@Test
	void runWhenTheStreamsKeyIsMisspelledShouldNameTheNearestKey() {
		this.contextRunner
			.withPropertyValues("sse.client.streams.prices.url=http://localhost/p", "sse.client.stream.ticks.url=http://localhost/t")
			.run((context) -> assertFailure(context, "sse.client.stream.ticks.url is not a property of sse-client.",
					"Did you mean sse.client.streams.ticks.url? Correct or remove sse.client.stream.ticks.url."));
	}

	@Test
	void runWhenADefaultOrOtherKeyIsUnknownShouldFailAndKnownOnesOfEveryKindShouldPass() {
		this.contextRunner
			.withPropertyValues("sse.client.streams.prices.url=http://localhost/p", "sse.client.defaults.idle-timout=1m")
			.run((context) -> assertFailure(context,
					"sse.client.defaults.idle-timout is not a setting of a stream (in the defaults of every stream).",
					"Did you mean sse.client.defaults.idle-timeout? Correct or remove sse.client.defaults.idle-timout."));
		this.contextRunner
			.withPropertyValues("sse.client.streams.prices.url=http://localhost/p", "sse.client.checkpoint.stor=file")
			.run((context) -> assertFailure(context, "sse.client.checkpoint.stor is not a property of sse-client.",
					"Did you mean sse.client.checkpoint.store? Correct or remove sse.client.checkpoint.stor."));
		this.contextRunner
			.withPropertyValues("sse.client.streams.prices.url=http://localhost/p",
					"sse.client.streams.prices.headers.X-Anything=1", "sse.client.streams.prices.sensitive-headers[0]=X-A",
					"sse.client.streams.prices.proxy.host=localhost", "sse.client.streams.prices.reconnect.max-attempts=2",
					"sse.client.defaults.headers.X-App=demo", "sse.client.listener.max-threads=4",
					"sse.client.health.stopped-status=UP", "sse.client.cluster.streams[0]=prices")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void runWhenADelayIsNegativeShouldFail() {
		this.contextRunner
			.withPropertyValues("sse.client.streams.prices.url=http://localhost/p",
					"sse.client.streams.prices.reconnect.initial-delay=-1s")
			.run((context) -> assertFailure(context,
					"sse.client.streams.prices.reconnect.initial-delay (-1s) must not be negative.",
					"Set sse.client.streams.prices.reconnect.initial-delay to zero or a positive duration such as 1s."));
	}

	@Test
	void runWhenMaxDelayIsBelowInitialDelayShouldFail() {
		this.contextRunner
			.withPropertyValues("sse.client.streams.prices.url=http://localhost/p",
					"sse.client.streams.prices.reconnect.initial-delay=10s",
					"sse.client.streams.prices.reconnect.max-delay=2s")
			.run((context) -> assertFailure(context,
					"sse.client.streams.prices.reconnect.max-delay (2s) is below reconnect.initial-delay (10s).",
					"Set sse.client.streams.prices.reconnect.max-delay to at least 10s, or lower "
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
	void runWhenAPayloadTypeCanNeverBeReadShouldFailNamingTheMethodAndType() {
		this.contextRunner.withPropertyValues("sse.client.streams.prices.url=http://localhost/p")
			.withBean(StreamListener.class)
			.run((context) -> assertThat(analyze(context).getDescription()).isEqualTo(
					"Invalid sse-client configuration: @SseListener method StreamListener.on(InputStream) cannot read "
							+ "event data as java.io.InputStream: an abstract type that neither the conversion service "
							+ "nor Jackson can create (no @JsonTypeInfo or @JsonDeserialize on it)."));
		this.contextRunner.withPropertyValues("sse.client.streams.prices.url=http://localhost/p")
			.withBean(RunnableListener.class)
			.run((context) -> assertThat(analyze(context).getDescription()).contains("Runnable: an interface"));
		this.contextRunner.withPropertyValues("sse.client.streams.prices.url=http://localhost/p")
			.withBean(ReadableListener.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	static class StreamListener {

		@SseListener(stream = "prices")
		void on(java.io.InputStream data) {
		}

	}

	static class RunnableListener {

		@SseListener(stream = "prices")
		void on(Runnable data) {
		}

	}

	@com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME)
	@com.fasterxml.jackson.annotation.JsonSubTypes(@com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Tick.class, name = "tick"))
	interface Message {

	}

	record Tick(String symbol) implements Message {

	}

	static class ReadableListener {

		@SseListener(stream = "prices")
		void onMessage(Message message) {
		}

		@SseListener(stream = "prices")
		void onList(java.util.List<Tick> ticks) {
		}

		@SseListener(stream = "prices")
		void onMap(java.util.Map<String, Object> fields) {
		}

		@SseListener(stream = "prices")
		void onTree(tools.jackson.databind.JsonNode tree) {
		}

		@SseListener(stream = "prices")
		void onNumber(Number number) {
		}

		@SseListener(stream = "prices")
		void onZone(java.time.ZoneId zone) {
		}

	}

	@Test
	void runWhenTheJdbcStoreHasNoDataSourceShouldFailSayingWhatIsMissing() {
		this.contextRunner
			.withPropertyValues("sse.client.checkpoint.store=jdbc", "sse.client.streams.prices.url=http://localhost/p")
			.run((context) -> assertFailure(context,
					"sse.client.checkpoint.store is jdbc, but the application has no single DataSource.",
					"Configure a DataSource (spring.datasource.url), or choose the memory or file store."));
	}

	private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		throw new AssertionError("No " + type.getSimpleName() + " in " + failure);
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
