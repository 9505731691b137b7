package dev.sseclient.core;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.FastThreadLocal;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;

/**
 * Takes the chunked transfer coding of a response body off Netty's HTTP decoder, which makes a
 * buffer and an {@code HttpContent} per chunk: SSE servers often send every event as a chunk of
 * its own. Sits before the HTTP codec; the response head still goes through the codec, and once
 * the codec has read a head announcing a chunked body, this decoder unchunks each socket read in
 * one pass into one heap buffer (whose array the parser reads in place) and hands it on after the
 * codec; the last chunk ends the response with
 * {@code LastHttpContent}. Responses without a chunked body pass through untouched.
 */
final class ChunkedBodyDecoder extends ChannelInboundHandlerAdapter {

	static final String NAME = "sse.chunkedBodyDecoder";

	static final String HEAD_WATCHER_NAME = "sse.responseHeadWatcher";

	/**
	 * Each I/O thread lends one buffer to the reads it unchunks and takes it back, array and all,
	 * when the parser released it: no allocator, so nothing per read, not even the leak detector's
	 * sampled stack traces (with those of the socket's read buffer, 24 bytes per event on average
	 * at one event per read). A read that finds
	 * the buffer lent gets a pooled one up to this size, a new array above it: a large read from
	 * the pool was 2.4 times slower here (1 KiB events, 1.0 M/s against 0.42 M/s).
	 */
	private static final int POOLED_READ_LIMIT = 8192;

	/** Arrays above this size are not kept for the next read. */
	private static final int MAX_LENT_ARRAY = 256 * 1024;

	/** Where each I/O thread's buffer is while not lent. */
	private static final FastThreadLocal<AtomicReference<@Nullable LentBuffer>> LENT_BUFFER = new FastThreadLocal<>() {

		@Override
		protected AtomicReference<@Nullable LentBuffer> initialValue() {
			AtomicReference<@Nullable LentBuffer> home = new AtomicReference<>();
			home.set(new LentBuffer(home, 0));
			return home;
		}

	};

	/** A chunk-size line longer than this (extensions included) is a broken stream. */
	private static final int MAX_SIZE_LINE = 4096;

	private static final byte CR = '\r';

	private static final byte LF = '\n';

	/** Hexadecimal digit values by byte, -1 for other bytes. */
	private static final byte[] HEX = new byte[256];

	static {
		Arrays.fill(HEX, (byte) -1);
		for (int i = 0; i < 16; i++) {
			HEX["0123456789abcdef".charAt(i)] = (byte) i;
			HEX["0123456789ABCDEF".charAt(i)] = (byte) i;
		}
	}

	private enum State {

		/** Before a final response head: bytes go to the codec, the end of a head is looked for. */
		HEAD,
		/** In a chunk-size line. */
		SIZE,
		/** After the size digits: an extension, skipped up to the line end. */
		SIZE_EXTENSION,
		/** In a chunk's data. */
		DATA,
		/** After a chunk's data: its CRLF. */
		DATA_END,
		/** After the last chunk: trailer lines up to an empty one. */
		TRAILER,
		/** Not a chunked body, or it ended: everything goes to the codec. */
		PASS

	}

	private State state = State.HEAD;

	/** While in a head: whether the current line is empty so far. */
	private boolean headLineEmpty;

	private long chunkRemaining;

	private int sizeLineLength;

	private boolean sizeDigits;

	private boolean trailerLineEmpty;

	/**
	 * Whether the body goes on as bare buffers, which Reactor Netty accepts as content: no
	 * {@code HttpContent} per read. Only without a decompressor after the codec, which reads
	 * {@code HttpContent} alone.
	 */
	private boolean bareBuffers;

	/** Add the decoder before the HTTP/1.1 codec and its head watcher after it, when there is one. */
	static void install(ChannelPipeline pipeline) {
		// only on HTTP/1.1: an HTTP/2 connection's codec (same name) reads frames, not chunks
		if (!(pipeline.get(NettyPipeline.HttpCodec) instanceof HttpClientCodec) || pipeline.get(NAME) != null) {
			return;
		}
		ChunkedBodyDecoder decoder = new ChunkedBodyDecoder();
		pipeline.addBefore(NettyPipeline.HttpCodec, NAME, decoder);
		pipeline.addAfter(NettyPipeline.HttpCodec, HEAD_WATCHER_NAME, decoder.new HeadWatcher());
	}

	@Override
	public void channelRead(ChannelHandlerContext context, Object message) {
		if (!(message instanceof ByteBuf in) || this.state == State.PASS) {
			context.fireChannelRead(message);
			return;
		}
		while (this.state == State.HEAD) {
			int headEnd = headEnd(in);
			if (headEnd < 0) {
				context.fireChannelRead(in);
				return;
			}
			ByteBuf head = in.retainedSlice(in.readerIndex(), headEnd - in.readerIndex());
			in.readerIndex(headEnd);
			// the codec reads the head now; the watcher after it sets the state
			context.fireChannelRead(head);
			if (!in.isReadable()) {
				in.release();
				return;
			}
		}
		if (this.state == State.PASS) {
			context.fireChannelRead(in);
			return;
		}
		unchunk(context, in);
	}

	/** The index after the empty line ending a head in {@code in}, or -1. */
	private int headEnd(ByteBuf in) {
		int end = in.writerIndex();
		for (int i = in.readerIndex(); i < end; i++) {
			byte b = in.getByte(i);
			if (b == LF) {
				if (this.headLineEmpty) {
					this.headLineEmpty = false;
					return i + 1;
				}
				this.headLineEmpty = true;
			}
			else if (b != CR) {
				this.headLineEmpty = false;
			}
		}
		return -1;
	}

	/** The codec read a response head. */
	void headRead(HttpResponse response, ChannelPipeline pipeline) {
		HttpResponseStatus status = response.status();
		if (status.codeClass() == HttpStatusClass.INFORMATIONAL) {
			return;
		}
		boolean body = status.code() != 204 && status.code() != 304;
		if (body && HttpUtil.isTransferEncodingChunked(response)) {
			this.state = State.SIZE;
			this.chunkRemaining = 0;
			this.sizeLineLength = 0;
			this.sizeDigits = false;
			this.bareBuffers = pipeline.get(NettyPipeline.HttpDecompressor) == null;
		}
		else {
			this.state = State.PASS;
		}
	}

	/**
	 * Copy the read into a heap buffer, then walk its chunk framing once, moving the data left
	 * over the framing, so that the buffer holds the body's bytes alone. The parser reads its
	 * array in place and releases it.
	 */
	private void unchunk(ChannelHandlerContext context, ByteBuf in) {
		int length = in.readableBytes();
		ByteBuf out = LentBuffer.lend(length, context);
		byte[] bytes = out.array();
		int base = out.arrayOffset();
		in.getBytes(in.readerIndex(), bytes, base, length);
		in.release();
		int body = base;
		int i = base;
		int end = base + length;
		boolean ended = false;
		try {
			while (i < end && !ended) {
				switch (this.state) {
					case SIZE -> i = size(bytes, i, end);
					case SIZE_EXTENSION -> i = sizeExtension(bytes, i, end);
					case DATA -> {
						int n = (int) Math.min(this.chunkRemaining, end - i);
						if (i != body) {
							System.arraycopy(bytes, i, bytes, body, n);
						}
						body += n;
						i += n;
						this.chunkRemaining -= n;
						if (this.chunkRemaining == 0) {
							this.state = State.DATA_END;
						}
					}
					case DATA_END -> {
						byte b = bytes[i++];
						if (b == LF) {
							this.state = State.SIZE;
						}
						else if (b != CR) {
							throw broken("no line end after a chunk's data");
						}
					}
					case TRAILER -> {
						byte b = bytes[i++];
						if (b == LF) {
							ended = this.trailerLineEmpty;
							this.trailerLineEmpty = true;
						}
						else if (b != CR) {
							this.trailerLineEmpty = false;
						}
					}
					default -> throw new IllegalStateException(this.state.name());
				}
			}
		}
		catch (DecoderException ex) {
			out.release();
			this.state = State.PASS;
			context.fireExceptionCaught(ex);
			context.close();
			return;
		}
		ChannelHandlerContext codec = context.pipeline().context(NettyPipeline.HttpCodec);
		if (body > base) {
			out.writerIndex(body - base);
			codec.fireChannelRead(this.bareBuffers ? out : new DefaultHttpContent(out));
		}
		else {
			out.release();
		}
		if (ended) {
			this.state = State.PASS;
			codec.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
		}
	}

	private int size(byte[] bytes, int from, int end) {
		int i = from;
		while (i < end) {
			byte b = bytes[i++];
			countSizeLineByte();
			int digit = HEX[b & 0xFF];
			if (digit >= 0) {
				if (this.chunkRemaining > (Long.MAX_VALUE >> 4)) {
					throw broken("a chunk size too large");
				}
				this.chunkRemaining = (this.chunkRemaining << 4) | digit;
				this.sizeDigits = true;
			}
			else if (b == LF) {
				return sizeLineEnded(i);
			}
			else if (b == ';' || b == ' ' || b == '\t') {
				this.state = State.SIZE_EXTENSION;
				return i;
			}
			else if (b != CR) {
				throw broken("a chunk size that is not hexadecimal: '" + (char) (b & 0xFF) + "'");
			}
		}
		return i;
	}

	private int sizeExtension(byte[] bytes, int from, int end) {
		int i = from;
		while (i < end) {
			byte b = bytes[i++];
			countSizeLineByte();
			if (b == LF) {
				return sizeLineEnded(i);
			}
		}
		return i;
	}

	private void countSizeLineByte() {
		if (++this.sizeLineLength > MAX_SIZE_LINE) {
			throw broken("a chunk-size line over " + MAX_SIZE_LINE + " bytes");
		}
	}

	private int sizeLineEnded(int next) {
		if (!this.sizeDigits) {
			throw broken("a chunk-size line without a size");
		}
		this.sizeLineLength = 0;
		this.sizeDigits = false;
		if (this.chunkRemaining == 0) {
			this.state = State.TRAILER;
			this.trailerLineEmpty = true;
		}
		else {
			this.state = State.DATA;
		}
		return next;
	}

	private static DecoderException broken(String what) {
		return new DecoderException("Broken chunked response body: " + what);
	}

	/**
	 * A heap buffer that goes back to the I/O thread it was lent by once released, keeping its
	 * array (up to {@link #MAX_LENT_ARRAY}) for the next read. Released, it holds no bytes of
	 * its own: {@code UnpooledHeapByteBuf} frees its array through {@link #freeArray}.
	 */
	static final class LentBuffer extends UnpooledHeapByteBuf {

		private final AtomicReference<@Nullable LentBuffer> home;

		private byte @Nullable [] spare;

		private LentBuffer(AtomicReference<@Nullable LentBuffer> home, int length) {
			super(UnpooledByteBufAllocator.DEFAULT, new byte[length], Integer.MAX_VALUE);
			this.home = home;
			clear();
		}

		/** The thread's buffer if it is home; else, while it is lent, a pooled one or one of its own. */
		static ByteBuf lend(int length, ChannelHandlerContext context) {
			AtomicReference<@Nullable LentBuffer> home = LENT_BUFFER.get();
			LentBuffer buffer = home.getAndSet(null);
			if (buffer != null) {
				buffer.resetRefCnt();
				// released, it holds an empty array: this takes the spare back, or a larger one
				buffer.capacity(length);
				return buffer.clear();
			}
			return (length <= POOLED_READ_LIMIT) ? context.alloc().heapBuffer(length) : new LentBuffer(home, length);
		}

		@Override
		protected byte[] allocateArray(int length) {
			byte[] kept = this.spare;
			this.spare = null;
			return (kept != null && kept.length >= length) ? kept : new byte[length];
		}

		@Override
		protected void freeArray(byte[] array) {
			if (array.length > 0 && array.length <= MAX_LENT_ARRAY) {
				this.spare = array;
			}
		}

		@Override
		protected void deallocate() {
			super.deallocate();
			this.home.compareAndSet(null, this);
		}

	}

	/** After the codec: tells the decoder what the head it just read announces. */
	private final class HeadWatcher extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext context, Object message) {
			if (message instanceof HttpResponse response) {
				headRead(response, context.pipeline());
			}
			context.fireChannelRead(message);
		}

	}

}
