package dev.sseclient.listener;

import java.lang.reflect.Method;

import dev.sseclient.core.SseEvent;

/**
 * An event's data could not be read as the listener's payload type (malformed JSON, a number
 * that is not a number). Goes to the {@link SseListenerErrorHandler} like a listener failure.
 */
public class PayloadConversionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	PayloadConversionException(SseEvent event, Method method, Throwable cause) {
		super("Could not read the data of event '" + event.id() + "' (" + event.type() + ") of stream '"
				+ event.stream() + "' for " + method.getDeclaringClass().getSimpleName() + "." + method.getName()
				+ ": " + cause.getMessage(), cause);
	}

}
