package dev.sseclient.core;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Opens an HTTP/2 connection's own flow-control window as wide as it goes, once per connection.
 * Each stream keeps its window (64 KiB by default), so a slow listener still holds back its
 * stream; but with the connection's window as small as one stream's, a stream whose listener
 * stopped reading would use it all and hold back every stream on the connection. What the
 * server may send unread stays bounded by the streams' windows.
 */
final class Http2ConnectionWindow {

	private static final Log logger = LogFactory.getLog(Http2ConnectionWindow.class);

	private static final AttributeKey<Boolean> WIDENED = AttributeKey.valueOf("sse.connectionWindowWidened");

	private Http2ConnectionWindow() {
	}

	/** On a connection's channel or a stream's (on its event loop): widens the connection's window. */
	static void widen(Channel channel) {
		Channel connection = (channel instanceof Http2StreamChannel stream && stream.parent() != null)
				? stream.parent() : channel;
		if (connection.pipeline().get(Http2ConnectionHandler.class) == null
				|| connection.attr(WIDENED).setIfAbsent(Boolean.TRUE) != null) {
			return;
		}
		Http2ConnectionHandler handler = connection.pipeline().get(Http2ConnectionHandler.class);
		if (handler == null) {
			return;
		}
		Http2Connection http2 = handler.connection();
		Http2Connection.Endpoint<?> local = http2.local();
		try {
			int window = local.flowController().windowSize(http2.connectionStream());
			local.flowController().incrementWindowSize(http2.connectionStream(), Integer.MAX_VALUE - window);
			connection.flush();
		}
		catch (Http2Exception ex) {
			logger.debug("Could not widen the HTTP/2 connection window", ex);
		}
	}

}
