package dev.sseclient.listener;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * For transient listener failures: calls the listener again with the same event, waiting
 * {@code initialDelay} and doubling the wait up to {@code maxDelay}, at most
 * {@code maxRetries} times, so a listener that keeps failing is called {@code maxRetries + 1}
 * times in all; then hands the failure to a {@link SseListenerRecoverer}, the dead-letter step,
 * or to a fallback handler ({@link #withFallback}; logging by default). The stream waits
 * meanwhile, so order holds. A {@link PayloadConversionException} is not retried: the same data
 * would fail again.
 */
public class RetryingErrorHandler implements SseListenerErrorHandler {

	private static final Log logger = LogFactory.getLog(RetryingErrorHandler.class);

	private final int maxRetries;

	private final Duration initialDelay;

	private final Duration maxDelay;

	private final SseListenerErrorHandler fallback;

	/** Retries, then logs the failure and goes on with the next event. */
	public RetryingErrorHandler(int maxRetries, Duration initialDelay, Duration maxDelay) {
		this(maxRetries, initialDelay, maxDelay, (SseListenerErrorHandler) new LoggingErrorHandler());
	}

	/**
	 * Retries, then hands the event to {@code recoverer} (the dead-letter step) and goes on with
	 * the next event. A recoverer that throws is logged, and the stream goes on all the same.
	 */
	public RetryingErrorHandler(int maxRetries, Duration initialDelay, Duration maxDelay,
			SseListenerRecoverer recoverer) {
		this(maxRetries, initialDelay, maxDelay, (SseListenerErrorHandler) (failure) -> {
			try {
				recoverer.recover(failure);
				if (logger.isWarnEnabled()) {
					logger.warn(failure.describe() + "; handed to the recoverer");
				}
			}
			catch (RuntimeException ex) {
				logger.error("The recoverer failed on: " + failure.describe(), ex);
			}
			return ErrorAction.proceed();
		});
	}

	/**
	 * Retries, then lets {@code fallback} decide (go on, retry later, stop the stream). A factory
	 * method rather than a constructor, so that a lambda given as recoverer is never ambiguous.
	 */
	public static RetryingErrorHandler withFallback(int maxRetries, Duration initialDelay, Duration maxDelay,
			SseListenerErrorHandler fallback) {
		return new RetryingErrorHandler(maxRetries, initialDelay, maxDelay, fallback);
	}

	private RetryingErrorHandler(int maxRetries, Duration initialDelay, Duration maxDelay,
			SseListenerErrorHandler fallback) {
		if (maxRetries < 0 || initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
			throw new IllegalArgumentException("Need maxRetries >= 0 and 0 <= initialDelay <= maxDelay");
		}
		this.maxRetries = maxRetries;
		this.initialDelay = initialDelay;
		this.maxDelay = maxDelay;
		this.fallback = fallback;
	}

	@Override
	public ErrorAction handleError(ListenerFailure failure) {
		if (failure.attempt() > this.maxRetries || failure.cause() instanceof PayloadConversionException) {
			return this.fallback.handleError(failure);
		}
		long millis = (long) Math.min(this.maxDelay.toMillis(),
				this.initialDelay.toMillis() * Math.pow(2, failure.attempt() - 1));
		if (logger.isWarnEnabled()) {
			logger.warn(failure.describe() + "; retrying in " + millis + " ms");
		}
		return ErrorAction.retryAfter(Duration.ofMillis(millis));
	}

}
