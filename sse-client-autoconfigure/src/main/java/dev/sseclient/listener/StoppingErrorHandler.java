package dev.sseclient.listener;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs the failure and stops the stream, for feeds where skipping an event is worse than
 * stopping. Restarting the stream resumes from the last event that was fully processed.
 */
public class StoppingErrorHandler implements SseListenerErrorHandler {

	private static final Log logger = LogFactory.getLog(StoppingErrorHandler.class);

	@Override
	public ErrorAction handleError(ListenerFailure failure) {
		logger.error(failure.describe() + "; stopping the stream", failure.cause());
		return ErrorAction.stopStream();
	}

}
