package dev.sseclient.core;

import java.time.Duration;

/**
 * How a stream reconnects after it loses its connection.
 *
 * <p>The delay before attempt {@code n} after a failure is {@code base × multiplier^(n-1)},
 * capped at {@code maxDelay}, then reduced by a random fraction of up to {@code jitter}.
 * {@code base} is {@code initialDelay}, or the server's {@code retry:} value once it sent one
 * (clamped to {@code minServerDelay..maxServerDelay}). A zero base makes the first reconnect
 * immediate; later failures in a row grow from 100 ms so a dead server is not hammered. A
 * {@code Retry-After} header on 408, 429 or 5xx sets a floor for that delay, clamped the same
 * way. The count of failures in a row starts again after a connection that delivered an event
 * or stayed open for {@code resetAfter}: a feed that ends its responses on schedule reconnects
 * at the base delay every time.
 *
 * @param enabled whether to reconnect at all; when off, the end of the response completes the
 * stream and any error fails it
 * @param initialDelay the base delay
 * @param maxDelay the cap of the exponential growth
 * @param multiplier growth factor per failure in a row, at least 1
 * @param jitter the largest random reduction of a delay, as a fraction from 0 to 1
 * @param resetAfter how long a connection without events must stay open to count as stable
 * @param maxAttempts reconnect attempts in a row, with no event and no stable connection between them,
 * before the stream fails; -1 for no limit ({@value #FINITE_STREAM_MAX_ATTEMPTS} on a
 * {@linkplain SseRequest#isFinite() finite} stream), 0 to fail at the first lost connection
 * @param minServerDelay the smallest delay a server may ask for
 * @param maxServerDelay the largest delay a server may ask for
 */
public record ReconnectOptions(boolean enabled, Duration initialDelay, Duration maxDelay, double multiplier,
		double jitter, Duration resetAfter, int maxAttempts, Duration minServerDelay, Duration maxServerDelay) {

	/**
	 * What {@code maxAttempts} of -1 means on a finite stream (one AI answer): a few tries, not
	 * an endless re-send of a request that may be paid for.
	 */
	public static final int FINITE_STREAM_MAX_ATTEMPTS = 3;

	private static final ReconnectOptions DEFAULTS = new ReconnectOptions(true, Duration.ofSeconds(1),
			Duration.ofSeconds(30), 2.0, 0.5, Duration.ofSeconds(60), -1, Duration.ofMillis(100), Duration.ofMinutes(10));

	public ReconnectOptions {
		requireNonNegative("initialDelay", initialDelay);
		requireNonNegative("maxDelay", maxDelay);
		requireNonNegative("resetAfter", resetAfter);
		requireNonNegative("minServerDelay", minServerDelay);
		requireNonNegative("maxServerDelay", maxServerDelay);
		if (maxDelay.compareTo(initialDelay) < 0) {
			throw new IllegalArgumentException(
					"maxDelay (" + maxDelay + ") must not be below initialDelay (" + initialDelay + ")");
		}
		if (maxServerDelay.compareTo(minServerDelay) < 0) {
			throw new IllegalArgumentException(
					"maxServerDelay (" + maxServerDelay + ") must not be below minServerDelay (" + minServerDelay + ")");
		}
		if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
			throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
		}
		if (!(jitter >= 0.0 && jitter <= 1.0)) {
			throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
		}
		if (maxAttempts < -1) {
			throw new IllegalArgumentException("maxAttempts must be -1 (no limit) or more, was " + maxAttempts);
		}
	}

	/**
	 * Reconnect after 1 s, doubling up to 30 s, with up to 50% jitter, reset after 60 s open,
	 * without limit; a server may ask for 100 ms to 10 min (so a hostile {@code retry: 0} cannot
	 * make the client reconnect in a tight loop).
	 */
	public static ReconnectOptions defaults() {
		return DEFAULTS;
	}

	/** Never reconnect: the stream ends with its first connection. */
	public static ReconnectOptions disabled() {
		return DEFAULTS.withEnabled(false);
	}

	public ReconnectOptions withEnabled(boolean enabled) {
		return new ReconnectOptions(enabled, this.initialDelay, this.maxDelay, this.multiplier, this.jitter,
				this.resetAfter, this.maxAttempts, this.minServerDelay, this.maxServerDelay);
	}

	/** The base delay and the cap of its growth, together since the cap may not be below the base. */
	public ReconnectOptions withDelays(Duration initialDelay, Duration maxDelay) {
		return new ReconnectOptions(this.enabled, initialDelay, maxDelay, this.multiplier, this.jitter,
				this.resetAfter, this.maxAttempts, this.minServerDelay, this.maxServerDelay);
	}

	public ReconnectOptions withMultiplier(double multiplier) {
		return new ReconnectOptions(this.enabled, this.initialDelay, this.maxDelay, multiplier, this.jitter,
				this.resetAfter, this.maxAttempts, this.minServerDelay, this.maxServerDelay);
	}

	public ReconnectOptions withJitter(double jitter) {
		return new ReconnectOptions(this.enabled, this.initialDelay, this.maxDelay, this.multiplier, jitter,
				this.resetAfter, this.maxAttempts, this.minServerDelay, this.maxServerDelay);
	}

	public ReconnectOptions withResetAfter(Duration resetAfter) {
		return new ReconnectOptions(this.enabled, this.initialDelay, this.maxDelay, this.multiplier, this.jitter,
				resetAfter, this.maxAttempts, this.minServerDelay, this.maxServerDelay);
	}

	public ReconnectOptions withMaxAttempts(int maxAttempts) {
		return new ReconnectOptions(this.enabled, this.initialDelay, this.maxDelay, this.multiplier, this.jitter,
				this.resetAfter, maxAttempts, this.minServerDelay, this.maxServerDelay);
	}

	public ReconnectOptions withServerDelayRange(Duration min, Duration max) {
		return new ReconnectOptions(this.enabled, this.initialDelay, this.maxDelay, this.multiplier, this.jitter,
				this.resetAfter, this.maxAttempts, min, max);
	}

	private static void requireNonNegative(String name, Duration value) {
		if (value == null || value.isNegative()) {
			throw new IllegalArgumentException(name + " must be zero or positive, was " + value);
		}
	}

}
