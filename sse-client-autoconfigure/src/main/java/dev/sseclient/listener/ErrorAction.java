package dev.sseclient.listener;

import java.time.Duration;

/**
 * What an {@link SseListenerErrorHandler} decides after a listener failed.
 */
public sealed interface ErrorAction {

	/** Go on with the next listener and the next event. */
	static ErrorAction proceed() {
		return Proceed.INSTANCE;
	}

	/** Call the listener again with the same event after {@code delay}; the stream waits. */
	static ErrorAction retryAfter(Duration delay) {
		return new Retry(delay);
	}

	/** Stop the stream; the registry can start it again, from the last event fully processed. */
	static ErrorAction stopStream() {
		return StopStream.INSTANCE;
	}

	/** See {@link ErrorAction#proceed()}. */
	enum Proceed implements ErrorAction {

		INSTANCE

	}

	/** See {@link ErrorAction#retryAfter(Duration)}. */
	record Retry(Duration delay) implements ErrorAction {
	}

	/** See {@link ErrorAction#stopStream()}. */
	enum StopStream implements ErrorAction {

		INSTANCE

	}

}
