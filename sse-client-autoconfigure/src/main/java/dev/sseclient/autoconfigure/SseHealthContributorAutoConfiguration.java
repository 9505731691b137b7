package dev.sseclient.autoconfigure;

import java.time.Clock;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.health.SseHealthContributor;

/**
 * Health contributor {@code sse}, one component per stream, when Boot's health module is
 * present; {@code management.health.sse.enabled=false} turns it off.
 */
@AutoConfiguration(after = SseClientAutoConfiguration.class)
@ConditionalOnClass({ HealthContributor.class, SseHealthContributor.class })
@ConditionalOnBean(SseStreamRegistry.class)
@ConditionalOnEnabledHealthIndicator("sse")
public final class SseHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "sseHealthContributor")
	SseHealthContributor sseHealthContributor(SseStreamRegistry registry, SseClientProperties properties) {
		SseClientProperties.Health health = properties.getHealth();
		return new SseHealthContributor(registry, health.getGracePeriod(), new Status(health.getCompletedStatus()),
				new Status(health.getStoppedStatus()), Clock.systemUTC(), health.getMaxListed());
	}

}
