package dev.sseclient.actuate;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.autoconfigure.SseEndpointAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class SseEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class, SseEndpointAutoConfiguration.class))
		.withPropertyValues("sse.client.defaults.auto-startup=false", "sse.client.streams.prices.url=http://localhost/p");

	@Test
	void runWhenExposedShouldCreateTheEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=sse")
			.run((context) -> assertThat(context).hasSingleBean(SseEndpoint.class));
	}

	@Test
	void runWhenNotExposedShouldBackOff() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(SseEndpoint.class));
	}

	@Test
	void runWithoutActuatorShouldBackOff() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=sse")
			.withClassLoader(new FilteredClassLoader(ConditionalOnAvailableEndpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SseEndpoint.class));
	}

}
