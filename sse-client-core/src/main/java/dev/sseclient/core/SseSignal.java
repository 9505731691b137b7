package dev.sseclient.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What happens to a stream besides its events: comments and the life of its connections. They
 * travel with the events in one ordered sequence ({@link SseStream#items()}); see also
 * {@link SseStream#signals()}.
 */
public sealed interface SseSignal extends SseItem {

	/**
	 * A connection opened; it comes before the connection's first event.
	 * @param url where it opened (after redirects), with secrets masked
	 * @param attempt the number of this attempt since the last stable connection, from 1
	 */
	record Opened(String url, int attempt) implements SseSignal {
	}

	/**
	 * The server sent a comment line (often a heartbeat).
	 * @param text the text after the colon, with one leading space removed
	 */
	record Comment(String text) implements SseSignal {
	}

	/**
	 * A connection attempt failed or an open connection ended, after the connection's last
	 * event. {@link Retrying} or {@link Closed} follows.
	 * @param cause what went wrong; {@link SseException#isRetryable()} tells which follows
	 * @param failures failures in a row since the last stable connection, this one included
	 */
	record Failed(SseException cause, int failures) implements SseSignal {
	}

	/**
	 * The next attempt starts after a delay.
	 * @param delay how long the stream waits
	 * @param attempt the number the next attempt will have
	 */
	record Retrying(Duration delay, int attempt) implements SseSignal {
	}

	/**
	 * The stream ended for good; nothing follows. It comes after every event the stream
	 * delivered.
	 * @param state {@link StreamState#COMPLETED} (204, or the completion rule matched),
	 * {@link StreamState#FAILED} or {@link StreamState#CLOSED} (closed by the caller)
	 * @param cause why it failed, or {@code null}
	 */
	record Closed(StreamState state, @Nullable SseException cause) implements SseSignal {
	}

}
