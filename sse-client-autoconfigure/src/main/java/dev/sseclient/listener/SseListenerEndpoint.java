package dev.sseclient.listener;

import java.util.Set;

/**
 * One discovered listener: which stream and event types it receives, and how to call it.
 *
 * @param id the listener's id
 * @param stream the stream's name, placeholders resolved
 * @param events the event types it receives; empty for all
 * @param method the adapter that calls the method
 */
public record SseListenerEndpoint(String id, String stream, Set<String> events, ListenerMethodAdapter method) {

	/** Whether it receives events of this type. */
	public boolean accepts(String eventType) {
		return this.events.isEmpty() || this.events.contains(eventType);
	}

}
