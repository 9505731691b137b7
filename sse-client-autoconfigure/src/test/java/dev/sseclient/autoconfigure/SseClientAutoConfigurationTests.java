package dev.sseclient.autoconfigure;

import java.time.Duration;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientRequestObservationContext;
import org.springframework.web.reactive.function.client.WebClient;

import dev.sseclient.core.ReconnectOptions;
import dev.sseclient.core.SseClient;
import dev.sseclient.core.SseEvent;
import dev.sseclient.core.SseRequest;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;

class SseClientAutoConfigurationTests {

	private final SseTestServer server = SseTestServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class));

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void connectionAttemptsAreObservedAsWebClientExchangesAndPropagateTheirHeaders() {
		this.server.enqueue(SseScript.stream().event("1", null, "hello").event("[DONE]"));
		TestObservationRegistry observations = TestObservationRegistry.create();
		observations.observationConfig().observationHandler(new TraceHeaderHandler());
		this.contextRunner.withBean(ObservationRegistry.class, () -> observations).run((context) -> {
			SseRequest request = SseRequest.get(this.server.url("/feed?token=secret")).completeOn("[DONE]").build();
			StepVerifier.create(context.getBean(SseClient.class).events(request).map(SseEvent::data))
				.expectNext("hello")
				.expectComplete()
				.verify(Duration.ofSeconds(10));
			assertThat(this.server.takeRequest().header("X-Trace")).isEqualTo("from-observation");
			TestObservationRegistryAssert.assertThat(observations)
				.hasObservationWithNameEqualTo("http.client.requests")
				.that()
				.hasBeenStarted()
				.hasBeenStopped()
				.hasLowCardinalityKeyValue("method", "GET")
				.hasLowCardinalityKeyValue("status", "200")
				.hasLowCardinalityKeyValue("outcome", "SUCCESS")
				// no URL in a tag: a stream's URL may carry a token
				.hasLowCardinalityKeyValue("uri", "none");
		});
	}

	@Test
	void aFailedConnectionAttemptIsObservedWithItsError() {
		TestObservationRegistry observations = TestObservationRegistry.create();
		int closedPort = this.server.port();
		this.server.close();
		this.contextRunner.withBean(ObservationRegistry.class, () -> observations)
			.withPropertyValues("management.observations.http.client.requests.name=outgoing")
			.run((context) -> {
				SseRequest request = SseRequest.get("http://127.0.0.1:" + closedPort + "/feed")
					.reconnect(ReconnectOptions.defaults().withMaxAttempts(1))
					.build();
				StepVerifier.create(context.getBean(SseClient.class).events(request))
					.expectError()
					.verify(Duration.ofSeconds(10));
				TestObservationRegistryAssert.assertThat(observations)
					.hasObservationWithNameEqualTo("outgoing")
					.that()
					.hasBeenStopped()
					.hasLowCardinalityKeyValue("outcome", "UNKNOWN")
					.assertThatError()
					.isNotNull();
			});
	}

	@Test
	void aClientBuiltFromAWebClientBuilderKeepsItsCustomizers() {
		this.server.enqueue(SseScript.stream().event("1", null, "hello").event("[DONE]"));
		this.contextRunner.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class))
			.withUserConfiguration(TracingHeaderConfiguration.class)
			.run((context) -> {
				SseRequest request = SseRequest.get(this.server.url("/feed")).completeOn("[DONE]").build();
				StepVerifier.create(context.getBean(SseClient.class).events(request).map(SseEvent::data))
					.expectNext("hello")
					.expectComplete()
					.verify(Duration.ofSeconds(10));
				assertThat(this.server.takeRequest().header("X-Trace")).isEqualTo("from-customizer");
			});
	}

	/** Puts a header on each observed request, as a tracer's propagation does. */
	static class TraceHeaderHandler implements ObservationHandler<ClientRequestObservationContext> {

		@Override
		public void onStart(ClientRequestObservationContext context) {
			context.getSetter().set(context.getCarrier(), "X-Trace", "from-observation");
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof ClientRequestObservationContext;
		}

	}

	@Test
	void streamsKeepTheirOwnConnectorSoBootsReadTimeoutDoesNotCutAQuietStream() {
		this.server.enqueue(SseScript.stream()
			.event("1", null, "before")
			.pause(Duration.ofMillis(800))
			.event("2", null, "after")
			.event("[DONE]"));
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class,
					HttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class))
			.withPropertyValues("spring.http.clients.read-timeout=200ms")
			.run((context) -> {
				SseRequest request = SseRequest.get(this.server.url("/feed")).completeOn("[DONE]").build();
				StepVerifier.create(context.getBean(SseClient.class).events(request).map(SseEvent::data))
					.expectNext("before", "after")
					.expectComplete()
					.verify(Duration.ofSeconds(10));
				assertThat(this.server.requestCount()).as("one connection, never cut").isEqualTo(1);
			});
	}

	@Test
	void runWithoutWebClientBuilderShouldUseAStandaloneClient() {
		this.server.enqueue(SseScript.stream().event("1", null, "hello").event("[DONE]"));
		this.contextRunner.run((context) -> {
			SseRequest request = SseRequest.get(this.server.url("/feed")).completeOn("[DONE]").build();
			StepVerifier.create(context.getBean(SseClient.class).events(request).map(SseEvent::data))
				.expectNext("hello")
				.expectComplete()
				.verify(Duration.ofSeconds(10));
		});
	}

	@Test
	void runWhenUserDefinesAnSseClientShouldBackOff() {
		this.contextRunner.withUserConfiguration(UserClientConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SseClient.class);
			assertThat(context.getBean(SseClient.class)).isSameAs(UserClientConfiguration.CLIENT);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class TracingHeaderConfiguration {

		@Bean
		WebClientCustomizer tracingHeader() {
			return (builder) -> builder.defaultHeader("X-Trace", "from-customizer");
		}

		@Bean
		SseClient sseClient(WebClient.Builder builder) {
			return SseClient.create(builder.clientConnector(new ReactorClientHttpConnector(SseClient.newHttpClient())));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserClientConfiguration {

		static final SseClient CLIENT = SseClient.create();

		@Bean
		SseClient myClient() {
			return CLIENT;
		}

	}

}
