package dev.sseclient.container;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;

import dev.sseclient.core.SseException;

/**
 * Something happened to a declared stream's connection; published as a Spring application
 * event so applications can react without polling. Published on the listener pool, never on an
 * I/O thread. The source is the stream's name.
 */
public abstract sealed class SseStreamEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	SseStreamEvent(String stream) {
		super(stream);
	}

	/** The stream's name. */
	public String getStream() {
		return (String) getSource();
	}

	/** A connection opened. */
	public static final class Opened extends SseStreamEvent {

		private static final long serialVersionUID = 1L;

		private final String url;

		Opened(String stream, String url) {
			super(stream);
			this.url = url;
		}

		/** Where it opened, secrets masked. */
		public String getUrl() {
			return this.url;
		}

	}

	/** The connection was lost or refused; the stream reconnects after a delay. */
	public static final class Reconnecting extends SseStreamEvent {

		private static final long serialVersionUID = 1L;

		private final transient @Nullable SseException cause;

		private final Duration delay;

		private final int attempt;

		Reconnecting(String stream, @Nullable SseException cause, Duration delay, int attempt) {
			super(stream);
			this.cause = cause;
			this.delay = delay;
			this.attempt = attempt;
		}

		/** Why the connection ended; {@code null} for a restart. */
		public @Nullable SseException getCause() {
			return this.cause;
		}

		public Duration getDelay() {
			return this.delay;
		}

		/** The number the next attempt will have. */
		public int getAttempt() {
			return this.attempt;
		}

	}

	/** The stream ended normally (204 or {@code complete-on}); it does not reconnect. */
	public static final class Completed extends SseStreamEvent {

		private static final long serialVersionUID = 1L;

		Completed(String stream) {
			super(stream);
		}

	}

	/** The stream stopped on an error that reconnecting cannot fix, or ran out of attempts. */
	public static final class Failed extends SseStreamEvent {

		private static final long serialVersionUID = 1L;

		private final transient @Nullable SseException cause;

		Failed(String stream, @Nullable SseException cause) {
			super(stream);
			this.cause = cause;
		}

		public @Nullable SseException getCause() {
			return this.cause;
		}

	}

	/** The stream was stopped (through the registry, the endpoint, the error handler or shutdown). */
	public static final class Closed extends SseStreamEvent {

		private static final long serialVersionUID = 1L;

		Closed(String stream) {
			super(stream);
		}

	}

}
