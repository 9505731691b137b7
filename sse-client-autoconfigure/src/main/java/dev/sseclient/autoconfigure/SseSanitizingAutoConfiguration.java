package dev.sseclient.autoconfigure;

import java.util.regex.Pattern;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Masks stream header values and request bodies in actuator's {@code configprops} and
 * {@code env} endpoints, even with {@code show-values: always}: they carry bearer tokens, API
 * keys and prompts.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class SseSanitizingAutoConfiguration {

	/** Keys of the {@code env} endpoint (full names) and of {@code configprops} (relative ones). */
	private static final Pattern STREAM_SECRETS = Pattern
		.compile("^(sse\\.client\\.)?(defaults|(streams|templates)\\.[^.]+)\\.(headers\\..+|body)$");

	@Bean
	@ConditionalOnMissingBean(name = "sseClientSanitizingFunction")
	SanitizingFunction sseClientSanitizingFunction() {
		return SanitizingFunction.sanitizeValue().ifKeyMatches(STREAM_SECRETS);
	}

}
