package dev.sseclient.listener;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The default: logs stream, event id, listener and cause, then goes on with the next event.
 */
public class LoggingErrorHandler implements SseListenerErrorHandler {

	private static final Log logger = LogFactory.getLog(LoggingErrorHandler.class);

	@Override
	public ErrorAction handleError(ListenerFailure failure) {
		logger.error(failure.describe(), failure.cause());
		return ErrorAction.proceed();
	}

}
