package dev.sseclient.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The chunked-body decoder in a real Netty pipeline, before Netty's HTTP client codec: the head
 * goes through the codec, a chunked body leaves as one buffer per read, however the bytes are
 * split, and anything else passes through.
 */
class ChunkedBodyDecoderTests {

	private static final String CHUNKED_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
			+ "Transfer-Encoding: chunked\r\n\r\n";

	private final EmbeddedChannel channel = new EmbeddedChannel();

	@BeforeEach
	void pipeline() {
		this.channel.pipeline().addLast(NettyPipeline.HttpCodec, new HttpClientCodec());
		ChunkedBodyDecoder.install(this.channel.pipeline());
		this.channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/events"));
		ReferenceCountUtil.release(this.channel.readOutbound());
	}

	@Test
	void theChunksOfOneReadLeaveAsOneBareBuffer() {
		read(CHUNKED_HEAD + chunk("data: 1\n\n") + chunk("data: 2\n\n"));
		assertThat((Object) this.channel.readInbound()).isInstanceOf(HttpResponse.class);
		Object content = this.channel.readInbound();
		assertThat(content).isInstanceOf(ByteBuf.class);
		assertThat(text(content)).isEqualTo("data: 1\n\ndata: 2\n\n");
		assertThat((Object) this.channel.readInbound()).isNull();
	}

	@Test
	void aDecompressorAfterTheCodecGetsHttpContentAndInflatesIt() throws Exception {
		EmbeddedChannel fresh = new EmbeddedChannel();
		fresh.pipeline().addLast(NettyPipeline.HttpCodec, new HttpClientCodec());
		fresh.pipeline().addLast(NettyPipeline.HttpDecompressor, new HttpContentDecompressor());
		ChunkedBodyDecoder.install(fresh.pipeline());
		fresh.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/events"));
		ReferenceCountUtil.release(fresh.readOutbound());
		ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
		try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
			gzip.write("data: compressed\n\n".getBytes(StandardCharsets.UTF_8));
		}
		byte[] body = gzipped.toByteArray();
		ByteBuf wire = Unpooled.buffer();
		wire.writeCharSequence("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\n"
				+ "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length) + "\r\n", StandardCharsets.ISO_8859_1);
		wire.writeBytes(body);
		wire.writeCharSequence("\r\n0\r\n\r\n", StandardCharsets.ISO_8859_1);
		fresh.writeInbound(wire);
		List<Object> messages = new ArrayList<>();
		for (Object message = fresh.readInbound(); message != null; message = fresh.readInbound()) {
			messages.add(message);
		}
		assertThat(messages.get(0)).isInstanceOf(HttpResponse.class);
		StringBuilder text = new StringBuilder();
		messages.subList(1, messages.size()).forEach((message) -> {
			assertThat(message).isInstanceOf(HttpContent.class);
			text.append(text(message));
		});
		assertThat(text).hasToString("data: compressed\n\n");
	}

	@Test
	void aReadReusesTheBufferOfOneAlreadyReleasedAndNeverOneStillHeld() {
		String first = "data: " + "a".repeat(20_000) + "\n\n";
		String second = "data: " + "b".repeat(20_000) + "\n\n";
		String third = "data: " + "c".repeat(20_000) + "\n\n";
		String small = "data: d\n\n";
		read(CHUNKED_HEAD);
		assertThat((Object) this.channel.readInbound()).isInstanceOf(HttpResponse.class);
		read(chunk(first));
		ByteBuf held = this.channel.readInbound();
		byte[] heldArray = held.array();
		read(chunk(second));
		ByteBuf next = this.channel.readInbound();
		assertThat(next).isNotSameAs(held);
		assertThat(next.array()).isNotSameAs(heldArray);
		assertThat(text(held)).isEqualTo(first);
		assertThat(held.refCnt()).isZero();
		assertThat(text(next)).isEqualTo(second);
		read(chunk(third));
		ByteBuf reused = this.channel.readInbound();
		assertThat(reused).isSameAs(held);
		assertThat(reused.refCnt()).isOne();
		assertThat(reused.array()).isSameAs(heldArray);
		assertThat(text(reused)).isEqualTo(third);
		read(chunk(small));
		ByteBuf smallRead = this.channel.readInbound();
		assertThat(smallRead).isSameAs(held);
		assertThat(smallRead.array()).isSameAs(heldArray);
		assertThat(text(smallRead)).isEqualTo(small);
	}

	@Test
	void theLastChunkEndsTheResponse() {
		read(CHUNKED_HEAD + chunk("data: 1\n\n") + "0\r\n\r\n");
		assertThat((Object) this.channel.readInbound()).isInstanceOf(HttpResponse.class);
		assertThat(text(this.channel.readInbound())).isEqualTo("data: 1\n\n");
		assertThat((Object) this.channel.readInbound()).isInstanceOf(LastHttpContent.class);
	}

	@Test
	void bytesSplitAnywhereGiveTheSameBody() {
		String wire = CHUNKED_HEAD + chunk("data: one\n\n") + "1a;name=value\r\n" + "data: two, with extension\n" + "\r\n"
				+ chunk("\n") + chunk("x".repeat(300)) + "0\r\nTrailer: yes\r\n\r\n";
		for (int size : new int[] { 1, 2, 3, 7, 64 }) {
			EmbeddedChannel fresh = new EmbeddedChannel();
			fresh.pipeline().addLast(NettyPipeline.HttpCodec, new HttpClientCodec());
			ChunkedBodyDecoder.install(fresh.pipeline());
			fresh.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/events"));
			ReferenceCountUtil.release(fresh.readOutbound());
			for (int i = 0; i < wire.length(); i += size) {
				fresh.writeInbound(bytes(wire.substring(i, Math.min(wire.length(), i + size))));
			}
			List<Object> messages = new ArrayList<>();
			for (Object message = fresh.readInbound(); message != null; message = fresh.readInbound()) {
				messages.add(message);
			}
			assertThat(messages.get(0)).as("split every %d bytes", size).isInstanceOf(HttpResponse.class);
			assertThat(messages.get(messages.size() - 1)).isInstanceOf(LastHttpContent.class);
			StringBuilder body = new StringBuilder();
			messages.subList(1, messages.size()).forEach((message) -> body.append(text(message)));
			assertThat(body).as("split every %d bytes", size)
				.hasToString("data: one\n\ndata: two, with extension\n\n" + "x".repeat(300));
		}
	}

	@Test
	void informationalHeadsComeFirst() {
		read("HTTP/1.1 100 Continue\r\n\r\n" + CHUNKED_HEAD + chunk("data: 1\n\n"));
		HttpResponse head = this.channel.readInbound();
		assertThat(head.status().code()).isEqualTo(100);
		ReferenceCountUtil.release(this.channel.readInbound()); // the codec ends the 100 with an empty last content
		HttpResponse ok = this.channel.readInbound();
		assertThat(ok.status().code()).isEqualTo(200);
		assertThat(text(this.channel.readInbound())).isEqualTo("data: 1\n\n");
	}

	@Test
	void aBodyWithALengthPassesThroughTheCodec() {
		String body = "data: 1\n\n";
		read("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
		assertThat((Object) this.channel.readInbound()).isInstanceOf(HttpResponse.class);
		Object content = this.channel.readInbound();
		assertThat(content).isInstanceOf(LastHttpContent.class);
		assertThat(text(content)).isEqualTo(body);
	}

	@Test
	void aBrokenChunkSizeFailsAndClosesTheConnection() {
		assertThatExceptionOfType(DecoderException.class).isThrownBy(() -> read(CHUNKED_HEAD + "zz\r\ndata\r\n"))
			.withMessageContaining("chunk size that is not hexadecimal");
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void aChunkSizeLineWithoutEndIsBounded() {
		assertThatExceptionOfType(DecoderException.class)
			.isThrownBy(() -> read(CHUNKED_HEAD + "1;" + "x".repeat(5000)))
			.withMessageContaining("chunk-size line over 4096 bytes");
	}

	private void read(String wire) {
		this.channel.writeInbound(bytes(wire));
		this.channel.checkException();
	}

	private static String chunk(String data) {
		return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
	}

	private static ByteBuf bytes(String text) {
		return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
	}

	/** The text of a buffer, bare or held, released. */
	private static String text(Object content) {
		ByteBuf bytes = (content instanceof ByteBufHolder holder) ? holder.content() : (ByteBuf) content;
		try {
			return bytes.toString(StandardCharsets.UTF_8);
		}
		finally {
			ReferenceCountUtil.release(content);
		}
	}

}
