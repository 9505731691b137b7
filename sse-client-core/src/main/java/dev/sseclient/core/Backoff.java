package dev.sseclient.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Computes reconnection delays from {@link ReconnectOptions}; see there for the rules.
 */
final class Backoff {

	/** Where growth starts when the base delay is zero. */
	static final long GROWTH_FLOOR_MILLIS = 100;

	private final ReconnectOptions options;

	Backoff(ReconnectOptions options) {
		this.options = options;
	}

	/**
	 * @param failures failures in a row, this one included (1 or more)
	 * @param serverRetry the last {@code retry:} the server sent, or {@code null}
	 * @param retryAfter the {@code Retry-After} of the failed response, or {@code null}
	 * @param random a number in [0, 1) that picks the jitter
	 */
	Duration delay(int failures, @Nullable Duration serverRetry, @Nullable Duration retryAfter, double random) {
		long base = (serverRetry != null) ? clampToServerRange(serverRetry) : this.options.initialDelay().toMillis();
		double millis = base;
		if (failures > 1) {
			double start = Math.max(base, GROWTH_FLOOR_MILLIS);
			millis = start * Math.pow(this.options.multiplier(), failures - 1);
		}
		double cap = Math.max(this.options.maxDelay().toMillis(), base);
		millis = Math.min(millis, cap);
		millis = millis * (1.0 - this.options.jitter() * random);
		if (retryAfter != null) {
			millis = Math.max(millis, clampToServerRange(retryAfter));
		}
		return Duration.ofMillis(Math.round(millis));
	}

	private long clampToServerRange(Duration requested) {
		long min = this.options.minServerDelay().toMillis();
		long max = this.options.maxServerDelay().toMillis();
		return Math.max(min, Math.min(max, requested.toMillis()));
	}

}
