package dev.sseclient.container;

import org.jspecify.annotations.Nullable;

import dev.sseclient.core.SseClient;
import dev.sseclient.core.SseRequest;

/**
 * A declared stream: what to request, through which client, and how its container runs.
 *
 * @param name the stream's name, as listeners refer to it
 * @param request the request, with reconnection, timeouts and limits
 * @param client the client it connects through (its own when it has an SSL bundle or proxy)
 * @param bufferSize events buffered between the connection and the listeners
 * @param overflow what happens when the buffer is full
 * @param autoStartup whether the stream starts with the application
 * @param template the template under {@code sse.client.templates} it was made from, or
 * {@code null}
 */
public record StreamDefinition(String name, SseRequest request, SseClient client, int bufferSize,
		OverflowPolicy overflow, boolean autoStartup, @Nullable String template) {

	/** A stream made from no template. */
	public StreamDefinition(String name, SseRequest request, SseClient client, int bufferSize, OverflowPolicy overflow,
			boolean autoStartup) {
		this(name, request, client, bufferSize, overflow, autoStartup, null);
	}

}
