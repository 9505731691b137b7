package dev.sseclient.container;

/**
 * Which thread calls a stream's listeners. Either way a stream has one call at a time, in order.
 */
public enum ListenerThread {

	/**
	 * The listener pool (or the executor named by {@code sse.client.listener.executor}): a
	 * listener may block, holding up only its own stream. Each network read is handed from the
	 * connection's thread to a pool thread, whose wake-up is most of the latency tail.
	 */
	POOL,

	/**
	 * The thread that reads the stream (a Netty event loop): no hand-off, the lowest latency,
	 * for listeners that never block. A blocking listener holds up every stream read by that
	 * thread, and Reactor's {@code block()} fails there. An asynchronous listener's result that
	 * completes on another thread moves the calls to that thread, and a retry's delay moves them
	 * to the listener pool, until the events waiting are handled.
	 */
	CONNECTION

}
