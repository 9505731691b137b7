package dev.sseclient.core;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
 * event would travel the whole Reactor pipeline as a buffer of its own. Nothing waits: what was
 * joined goes on at the end of each read, or once it holds {@value #MAX_JOINED_BYTES} bytes. A
 * chunk alone in its read goes on as it is; joined chunks go on in a heap buffer, which the
 * parser reads in place.
 */
final class HttpChunkCoalescer extends ChannelInboundHandlerAdapter {

	static final String NAME = "sse.chunkCoalescer";

	private static final int MAX_JOINED_BYTES = 64 * 1024;

	private static final int MIN_JOINED_CAPACITY = 4 * 1024;

	private @Nullable HttpContent alone;

	private byte @Nullable [] joined;

	private int joinedLength;

	@Override
	public void channelRead(ChannelHandlerContext context, Object message) {
		if (!(message instanceof HttpContent content) || message instanceof LastHttpContent
				|| message instanceof HttpResponse) {
			passOn(context);
			context.fireChannelRead(message);
			return;
		}
		HttpContent first = this.alone;
		if (first == null && this.joined == null) {
			this.alone = content;
			return;
		}
		if (first != null) {
			this.alone = null;
			append(first);
		}
		append(content);
		if (this.joinedLength >= MAX_JOINED_BYTES) {
			passOn(context);
		}
	}

	private void append(HttpContent content) {
		try {
			ByteBuf bytes = content.content();
			int length = bytes.readableBytes();
			byte[] target = this.joined;
			int needed = this.joinedLength + length;
			if (target == null) {
				target = new byte[Math.max(MIN_JOINED_CAPACITY, needed)];
			}
			else if (needed > target.length) {
				target = Arrays.copyOf(target, Math.max(needed, target.length * 2));
			}
			bytes.getBytes(bytes.readerIndex(), target, this.joinedLength, length);
			this.joined = target;
			this.joinedLength = needed;
		}
		finally {
			content.release();
		}
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
		HttpContent pending = this.alone;
		this.alone = null;
		this.joined = null;
		this.joinedLength = 0;
		if (pending != null) {
			pending.release();
		}
	}

	private void passOn(ChannelHandlerContext context) {
		HttpContent first = this.alone;
		if (first != null) {
			this.alone = null;
			context.fireChannelRead(first);
			return;
		}
		byte[] bytes = this.joined;
		if (bytes != null) {
			int length = this.joinedLength;
			this.joined = null;
			this.joinedLength = 0;
			context.fireChannelRead(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes, 0, length)));
		}
	}

}
