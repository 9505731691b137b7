package dev.sseclient.container;

import dev.sseclient.core.SseEvent;

/**
 * A listener given with a stream registered at run time, beside the {@code @SseListener}
 * methods that match it: called one event at a time, in order, on the listener threads, its
 * failures handled by the application's {@code SseListenerErrorHandler}.
 *
 * @see SseStreamRegistry#register(String, dev.sseclient.core.SseRequest, SseEventListener)
 */
@FunctionalInterface
public interface SseEventListener {

	void onEvent(SseEvent event) throws Exception;

}
