package dev.sseclient.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.sseclient.actuate.SseEndpoint;
import dev.sseclient.container.SseStreamRegistry;

/**
 * The {@code sse} actuator endpoint, when actuator is present and the endpoint is available
 * (exposed and not disabled).
 */
@AutoConfiguration(after = SseClientAutoConfiguration.class)
@ConditionalOnClass({ ConditionalOnAvailableEndpoint.class, SseEndpoint.class })
@ConditionalOnBean(SseStreamRegistry.class)
@ConditionalOnAvailableEndpoint(SseEndpoint.class)
public final class SseEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SseEndpoint sseEndpoint(SseStreamRegistry registry) {
		return new SseEndpoint(registry);
	}

}
