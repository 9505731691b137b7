package dev.sseclient.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.metrics.SseStreamMetrics;

/**
 * Micrometer meters of the declared streams, when a {@link MeterRegistry} exists (with actuator:
 * Boot's metrics auto-configuration).
 */
@AutoConfiguration(after = SseClientAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ MeterRegistry.class, SseStreamMetrics.class })
@ConditionalOnBean({ MeterRegistry.class, SseStreamRegistry.class })
public final class SseMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SseStreamMetrics sseStreamMetrics(MeterRegistry meterRegistry) {
		return new SseStreamMetrics(meterRegistry);
	}

}
