package dev.sseclient.listener;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.util.PatternMatchUtils;

/**
 * One discovered listener: which stream and event types it receives, and how to call it.
 *
 * @param id the listener's id
 * @param stream the stream's name, placeholders resolved; or a pattern in which {@code *} stands
 * for any characters (such as {@code device-*}), matching streams registered at run time too
 * @param events the event types it receives; empty for all
 * @param method the adapter that calls the method
 * @param template a template under {@code sse.client.templates} whose streams it receives instead
 * of a named stream, or {@code null}
 * @param errorHandler the handler of this listener's failures, or {@code null} for the
 * application's
 * @param maxBatchSize for a {@linkplain ListenerMethodAdapter#isBatch() batch listener}, the most
 * events in one call; 1 otherwise
 * @param observation whether each call is an Observation rather than a timer sample;
 * {@code null} for {@code sse.client.listener.observation-enabled}
 */
public record SseListenerEndpoint(String id, String stream, Set<String> events, ListenerMethodAdapter method,
		@Nullable String template, @Nullable SseListenerErrorHandler errorHandler, int maxBatchSize,
		@Nullable Boolean observation) {

	public SseListenerEndpoint {
		if (maxBatchSize < 1 || (!method.isBatch() && maxBatchSize != 1)) {
			throw new IllegalArgumentException("maxBatchSize is at least 1, and 1 unless the listener takes batches");
		}
	}

	/** A listener of one stream, or of the streams a pattern matches. */
	public SseListenerEndpoint(String id, String stream, Set<String> events, ListenerMethodAdapter method) {
		this(id, stream, events, method, null, null, 1, null);
	}

	/** A listener of a stream, a pattern's streams or a template's, with the application's error handler. */
	public SseListenerEndpoint(String id, String stream, Set<String> events, ListenerMethodAdapter method,
			@Nullable String template) {
		this(id, stream, events, method, template, null, 1, null);
	}

	/** Whether it takes the events of a read or buffer drain as one list. */
	public boolean isBatch() {
		return this.method.isBatch();
	}

	/** Whether {@link #stream()} is a pattern rather than one stream's name. */
	public boolean isPattern() {
		return this.stream.indexOf('*') >= 0;
	}

	/**
	 * Whether it listens to the stream of this name, made from this template ({@code null} for
	 * a declared stream or one registered from a request).
	 */
	public boolean listensTo(String streamName, @Nullable String streamTemplate) {
		if (this.template != null) {
			return this.template.equals(streamTemplate);
		}
		return isPattern() ? PatternMatchUtils.simpleMatch(this.stream, streamName) : this.stream.equals(streamName);
	}

	/** Whether it receives events of this type. */
	public boolean accepts(String eventType) {
		return this.events.isEmpty() || this.events.contains(eventType);
	}

}
