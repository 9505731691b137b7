package dev.sseclient.autoconfigure;

import java.util.regex.Pattern;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.sseclient.core.Redaction;

/**
 * Masks stream header values and request bodies in actuator's {@code configprops} and
 * {@code env} endpoints, even with {@code show-values: always}: they carry bearer tokens, API
 * keys and prompts. Stream and template URLs are shown with their user info and query values
 * masked ({@code ?api_key=******}), the rest of the URL left readable.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class SseSanitizingAutoConfiguration {

	/** Keys of the {@code env} endpoint (full names) and of {@code configprops} (relative ones). */
	private static final Pattern STREAM_SECRETS = Pattern
		.compile("^(sse\\.client\\.)?(defaults|(streams|templates)\\.[^.]+)\\.(headers\\..+|body)$");

	private static final Pattern STREAM_URLS = Pattern.compile("^(sse\\.client\\.)?(streams|templates)\\.[^.]+\\.url$");

	@Bean
	@ConditionalOnMissingBean(name = "sseClientSanitizingFunction")
	SanitizingFunction sseClientSanitizingFunction() {
		return SanitizingFunction.sanitizeValue().ifKeyMatches(STREAM_SECRETS);
	}

	@Bean
	@ConditionalOnMissingBean(name = "sseClientUrlSanitizingFunction")
	SanitizingFunction sseClientUrlSanitizingFunction() {
		return (data) -> (data.getValue() instanceof String url && STREAM_URLS.matcher(data.getKey()).matches())
				? data.withValue(Redaction.configuredUrl(url)) : data;
	}

}
