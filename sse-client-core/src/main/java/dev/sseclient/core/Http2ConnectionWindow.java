package dev.sseclient.core;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Opens an HTTP/2 connection's own flow-control window as wide as it goes. Each stream keeps its
 * window (64 KiB by default), so a slow listener still holds back its stream; but with the
 * connection's window as small as one stream's, a stream whose listener stopped reading would
 * use it all and hold back every stream on the connection. What the server may send unread stays
 * bounded by the streams' windows.
 */
final class Http2ConnectionWindow {

	private static final Log logger = LogFactory.getLog(Http2ConnectionWindow.class);

	private Http2ConnectionWindow() {
	}

	/** On a connection's channel, on its event loop; nothing for an HTTP/1.1 connection or a wide window. */
	static void widen(Channel connection) {
		Http2ConnectionHandler handler = connection.pipeline().get(Http2ConnectionHandler.class);
		if (handler == null) {
			return;
		}
		Http2Connection http2 = handler.connection();
		Http2LocalFlowController flow = http2.local().flowController();
		int window = flow.windowSize(http2.connectionStream());
		if (window == Integer.MAX_VALUE) {
			return;
		}
		try {
			flow.incrementWindowSize(http2.connectionStream(), Integer.MAX_VALUE - window);
			connection.flush();
		}
		catch (Http2Exception ex) {
			logger.debug("Could not widen the HTTP/2 connection window", ex);
		}
	}

}
