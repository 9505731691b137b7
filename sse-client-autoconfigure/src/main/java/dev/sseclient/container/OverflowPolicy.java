package dev.sseclient.container;

/**
 * What a stream does when its listeners fall behind and its buffer is full.
 */
public enum OverflowPolicy {

	/** Stop reading: TCP pushes back on the server and memory stays flat. Nothing is dropped. */
	BLOCK,

	/** Keep reading; drop the oldest buffered event to make room (counted). */
	DROP_OLDEST,

	/** Keep reading; drop the event that does not fit (counted). */
	DROP_LATEST,

	/**
	 * Drop the connection and reconnect from the last event the listeners finished, so the
	 * server sends the rest again (when it honours {@code Last-Event-ID}).
	 */
	FAIL

}
