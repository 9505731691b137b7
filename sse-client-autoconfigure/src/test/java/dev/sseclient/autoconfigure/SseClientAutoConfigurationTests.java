package dev.sseclient.autoconfigure;

import java.time.Duration;

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
	void runWhenWebClientBuilderExistsShouldApplyItsCustomizers() {
		this.server.enqueue(SseScript.stream().event("1", null, "hello").event("[DONE]"));
		this.contextRunner.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class))
			.withUserConfiguration(TracingHeaderConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(SseClient.class);
				SseRequest request = SseRequest.get(this.server.url("/feed")).completeOn("[DONE]").build();
				StepVerifier.create(context.getBean(SseClient.class).events(request).map(SseEvent::data))
					.expectNext("hello")
					.expectComplete()
					.verify(Duration.ofSeconds(10));
				assertThat(this.server.takeRequest().header("X-Trace")).isEqualTo("from-customizer");
			});
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
