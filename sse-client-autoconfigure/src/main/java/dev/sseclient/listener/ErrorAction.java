package dev.sseclient.listener;

import java.time.Duration;

import org.springframework.util.Assert;

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

	/**
	 * Stop the stream and start it again at once, asking the server for what follows
	 * {@code lastEventId} instead of what follows the last event processed here; the checkpoint
	 * moves there too. For a listener that learned elsewhere where the stream stands, such as a
	 * forwarder that finds a newer position committed in Kafka. The failed call's events and
	 * those buffered are not processed here.
	 */
	static ErrorAction restartFrom(String lastEventId) {
		Assert.notNull(lastEventId, "lastEventId must not be null");
		return new RestartFrom(lastEventId);
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

	/** See {@link ErrorAction#restartFrom(String)}. */
	record RestartFrom(String lastEventId) implements ErrorAction {
	}

}
