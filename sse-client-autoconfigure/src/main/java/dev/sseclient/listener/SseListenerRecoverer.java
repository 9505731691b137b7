package dev.sseclient.listener;

/**
 * The dead-letter step: receives an event (or a batch listener's batch) whose listener still
 * failed after the retries of a {@link RetryingErrorHandler}, with the listener's id and the
 * cause, so that it can be kept (see {@link JdbcDeadLetterRecoverer}) or reported; the stream
 * then goes on with its next event. Called on the listener thread, one failure at a time per stream.
 */
@FunctionalInterface
public interface SseListenerRecoverer {

	void recover(ListenerFailure failure);

}
