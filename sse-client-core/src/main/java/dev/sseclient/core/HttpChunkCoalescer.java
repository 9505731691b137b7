package dev.sseclient.core;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import org.jspecify.annotations.Nullable;

/**
 * Joins the HTTP chunks that one socket read brought into one buffer before they enter the
 * reactive pipeline. SSE servers often send each event as its own chunk; without this, every
 * event would travel the whole Reactor pipeline as a buffer of its own. Nothing waits: the
 * joined buffer goes on at the end of each read, or once it holds {@value #MAX_JOINED_BYTES}
 * bytes.
 */
final class HttpChunkCoalescer extends ChannelInboundHandlerAdapter {

	static final String NAME = "sse.chunkCoalescer";

	private static final int MAX_JOINED_BYTES = 64 * 1024;

	private @Nullable ByteBuf joined;

	@Override
	public void channelRead(ChannelHandlerContext context, Object message) {
		if (message instanceof HttpContent content && !(message instanceof LastHttpContent)
				&& !(message instanceof HttpResponse)) {
			try {
				ByteBuf bytes = content.content();
				ByteBuf target = this.joined;
				if (target == null) {
					target = context.alloc().buffer(Math.max(bytes.readableBytes(), 4096));
					this.joined = target;
				}
				target.writeBytes(bytes);
			}
			finally {
				content.release();
			}
			if (this.joined.readableBytes() >= MAX_JOINED_BYTES) {
				passOn(context);
			}
			return;
		}
		passOn(context);
		context.fireChannelRead(message);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext context) {
		passOn(context);
		context.fireChannelReadComplete();
	}

	@Override
	public void channelInactive(ChannelHandlerContext context) throws Exception {
		passOn(context);
		super.channelInactive(context);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext context) {
		ByteBuf pending = this.joined;
		if (pending != null) {
			this.joined = null;
			pending.release();
		}
	}

	private void passOn(ChannelHandlerContext context) {
		ByteBuf pending = this.joined;
		if (pending != null) {
			this.joined = null;
			context.fireChannelRead(new DefaultHttpContent(pending));
		}
	}

}
