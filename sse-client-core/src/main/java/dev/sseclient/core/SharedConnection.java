package dev.sseclient.core;

/**
 * The connection an HTTP/2 stream is multiplexed on, shared with other streams: whether it is
 * still open tells a stream reset by the server from a connection lost under every stream on it.
 */
interface SharedConnection {

	/** A short id, the same for every stream on the connection. */
	String id();

	boolean isOpen();

}
