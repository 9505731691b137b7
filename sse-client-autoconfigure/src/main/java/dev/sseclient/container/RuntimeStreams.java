package dev.sseclient.container;

import java.util.Map;
import java.util.Set;

import dev.sseclient.core.SseRequest;

/**
 * Makes the definitions of streams registered at run time: from a request, with the client,
 * buffer and overflow policy a declared stream would get from {@code sse.client.defaults}; or
 * from a template under {@code sse.client.templates} and its parameters. Either way with the
 * request customizers that apply to the stream's name.
 */
public interface RuntimeStreams {

	/** The names of the templates under {@code sse.client.templates}. */
	default Set<String> templateNames() {
		return Set.of();
	}

	/** Checks at startup that every template can make a stream, failing as a misconfigured stream does. */
	default void validate() {
	}

	StreamDefinition define(String name, SseRequest request);

	/**
	 * @throws IllegalArgumentException for an unknown template, or parameters that do not fit it
	 */
	StreamDefinition define(String name, String template, Map<String, String> parameters);

}
