package dev.sseclient.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.sseclient.container.SseStreamRequestCustomizer;
import dev.sseclient.core.SseRequestCustomizer;

/**
 * The application's {@link SseStreamRequestCustomizer} beans, in order, combined per stream.
 */
final class SseRequestCustomizers {

	private final List<SseStreamRequestCustomizer> customizers;

	SseRequestCustomizers(List<SseStreamRequestCustomizer> customizers) {
		this.customizers = List.copyOf(customizers);
	}

	@Nullable SseRequestCustomizer forStream(String stream) {
		List<SseStreamRequestCustomizer> applicable = this.customizers.stream()
			.filter((customizer) -> customizer.appliesTo(stream))
			.toList();
		if (applicable.isEmpty()) {
			return null;
		}
		return (attempt, headers) -> applicable.forEach((customizer) -> customizer.customize(stream, attempt, headers));
	}

}
