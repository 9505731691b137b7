package dev.sseclient.container;

import java.util.List;

import dev.sseclient.core.SseEvent;

/**
 * A listener that takes the events waiting in a row at once, in order, on the listener threads,
 * such as a forwarder that commits them together. The stream reads on once it returns; its
 * failures go to its endpoint's error handler, else the application's.
 *
 * @see dev.sseclient.listener.ListenerMethodAdapter#ofBatch(SseEventBatchListener)
 */
@FunctionalInterface
public interface SseEventBatchListener {

	void onEvents(List<SseEvent> events) throws Exception;

}
