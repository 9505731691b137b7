package dev.sseclient.listener;

/**
 * Decides what happens after a listener method threw or its payload could not be read. Declare
 * a bean of this type to replace the default, {@link LoggingErrorHandler}. No listener failure
 * closes the connection unless the handler says {@link ErrorAction#stopStream()}.
 */
@FunctionalInterface
public interface SseListenerErrorHandler {

	ErrorAction handleError(ListenerFailure failure);

}
