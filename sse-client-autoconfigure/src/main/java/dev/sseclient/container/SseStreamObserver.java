package dev.sseclient.container;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.sseclient.core.SseEvent;
import dev.sseclient.core.SseSignal;

/**
 * Sees what happens on every declared stream, for metrics and the like. Beans of this type are
 * called on the listener pool: keep them quick and never block.
 */
public interface SseStreamObserver {

	/**
	 * A connection signal: opened, failed, retrying, closed (comments are not passed on). Called
	 * in order with {@link #onEvent}: after the events that arrived before it.
	 */
	default void onSignal(SseStreamContainer container, SseSignal signal) {
	}

	/** An event was dropped and will not reach the listeners. */
	default void onDropped(SseStreamContainer container, SseEvent event, String reason) {
	}

	/**
	 * An event is about to reach the stream's listeners; or an event of a request made from the
	 * stream's settings ({@link SseStreamRequests}) reached its subscriber, on that request's
	 * thread.
	 */
	default void onEvent(SseStreamContainer container, SseEvent event) {
	}

	/**
	 * A request made from the stream's settings ({@link SseStreamRequests}, one AI answer)
	 * ended: what its users watch.
	 * @param firstEvent from subscribing (the request going out) to its first event, or
	 * {@code null} when none came
	 * @param duration from subscribing to its end
	 * @param events how many events it delivered
	 * @param outcome {@code completed}, {@code incomplete} (its response ended before completing),
	 * {@code failed} or {@code cancelled}
	 */
	default void onRequestEnded(SseStreamContainer container, @Nullable Duration firstEvent, Duration duration, int events,
			String outcome) {
	}

	/** The stream was removed from the registry (registered at run time, then removed): forget it. */
	default void onRemoved(SseStreamContainer container) {
	}

	/** Cluster mode: this instance took the stream, lost it, or joined the competition for it. */
	default void onRoleChanged(SseStreamContainer container, StreamRole.Role role) {
	}

}
