package dev.sseclient.container;

import dev.sseclient.core.SseRequest;

/**
 * Makes the definition of a stream registered at run time
 * ({@link SseStreamRegistry#register(String, SseRequest)}): the client, buffer and overflow
 * policy a declared stream would get from {@code sse.client.defaults}, and the request
 * customizers that apply to its name.
 */
@FunctionalInterface
public interface RuntimeStreams {

	StreamDefinition define(String name, SseRequest request);

}
