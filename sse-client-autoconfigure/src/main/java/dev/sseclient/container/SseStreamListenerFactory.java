package dev.sseclient.container;

import java.util.List;

import dev.sseclient.listener.SseListenerEndpoint;

/**
 * Makes the listeners that belong to one stream, when its container is made: declared streams
 * at start, streams registered at run time at registration. For what keeps state per stream
 * beside the {@code @SseListener} methods, such as a forwarder of the stream into a broker.
 * Declare beans of this type; each stream gets the listeners of every factory.
 */
@FunctionalInterface
public interface SseStreamListenerFactory {

	/**
	 * The listeners of this stream, empty for none. Called once per container, with the
	 * registry's lock held: keep it short (a check made once per template rather than per
	 * stream, say). An exception fails the registration, at startup the application's start.
	 */
	List<SseListenerEndpoint> listenersOf(StreamDefinition definition);

	/** The stream was removed from the registry (it had stopped): let go of what was kept for it. */
	default void removed(StreamDefinition definition) {
	}

}
