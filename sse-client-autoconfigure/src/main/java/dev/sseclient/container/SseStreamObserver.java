package dev.sseclient.container;

import dev.sseclient.core.SseEvent;
import dev.sseclient.core.SseSignal;

/**
 * Sees what happens on every declared stream, for metrics and the like. Beans of this type are
 * called on the listener pool: keep them quick and never block.
 */
public interface SseStreamObserver {

	/** A connection signal: opened, failed, retrying, closed (comments are not passed on). */
	default void onSignal(SseStreamContainer container, SseSignal signal) {
	}

	/** An event is about to reach the stream's listeners. */
	default void onEvent(SseStreamContainer container, SseEvent event) {
	}

}
