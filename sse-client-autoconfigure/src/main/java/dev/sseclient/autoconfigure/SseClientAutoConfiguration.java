package dev.sseclient.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

import dev.sseclient.core.SseClient;

/**
 * Auto-configures an {@link SseClient} for the programmatic API. It is built from Boot's
 * {@link WebClient.Builder} when one exists, so the application's customizers, SSL bundles and
 * HTTP client observations apply to streams too; otherwise it runs on its own connector.
 */
@AutoConfiguration(afterName = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration")
@ConditionalOnClass({ SseClient.class, WebClient.class })
public final class SseClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SseClient sseClient(ObjectProvider<WebClient.Builder> webClientBuilder) {
		WebClient.Builder builder = webClientBuilder.getIfAvailable();
		return (builder != null) ? SseClient.create(builder) : SseClient.create();
	}

}
