package dev.sseclient.core;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chunk joiner in a real Netty pipeline: what one read brings leaves as one buffer, in
 * order, with nothing held back past the end of the read.
 */
class HttpChunkCoalescerTests {

	private final EmbeddedChannel channel = new EmbeddedChannel(new HttpChunkCoalescer());

	@Test
	void chunksOfOneReadLeaveAsOneBufferAtTheEndOfTheRead() {
		this.channel.pipeline().fireChannelRead(chunk("data: 1\n\n"));
		this.channel.pipeline().fireChannelRead(chunk("data: 2\n\n"));
		assertThat((Object) this.channel.readInbound()).as("nothing before the read completes").isNull();
		this.channel.pipeline().fireChannelReadComplete();
		assertThat(text(this.channel.readInbound())).isEqualTo("data: 1\n\ndata: 2\n\n");
		assertThat((Object) this.channel.readInbound()).isNull();
	}

	@Test
	void aChunkAloneInItsReadGoesOnAsItIs() {
		HttpContent alone = chunk("data: 1\n\n");
		this.channel.pipeline().fireChannelRead(alone);
		this.channel.pipeline().fireChannelReadComplete();
		assertThat((Object) this.channel.readInbound()).isSameAs(alone);
		alone.release();
	}

	@Test
	void theLastChunkComesAfterWhatWasJoinedBeforeIt() {
		this.channel.pipeline().fireChannelRead(chunk("data: 1\n\n"));
		this.channel.pipeline().fireChannelRead(new DefaultLastHttpContent(bytes("data: 2\n\n")));
		assertThat(text(this.channel.readInbound())).isEqualTo("data: 1\n\n");
		HttpContent last = this.channel.readInbound();
		assertThat(last).isInstanceOf(LastHttpContent.class);
		assertThat(text(last)).isEqualTo("data: 2\n\n");
	}

	@Test
	void aLongReadIsPassedOnInPiecesOfBoundedSize() {
		String event = "data: " + "x".repeat(1000) + "\n\n";
		for (int i = 0; i < 200; i++) {
			this.channel.pipeline().fireChannelRead(chunk(event));
		}
		this.channel.pipeline().fireChannelReadComplete();
		StringBuilder all = new StringBuilder();
		int pieces = 0;
		HttpContent piece;
		while ((piece = this.channel.readInbound()) != null) {
			assertThat(piece.content().readableBytes()).isLessThanOrEqualTo(64 * 1024 + event.length());
			all.append(text(piece));
			pieces++;
		}
		assertThat(all.toString()).isEqualTo(event.repeat(200));
		assertThat(pieces).isGreaterThan(1);
	}

	@Test
	void whatIsPendingWhenTheConnectionCloses() {
		this.channel.pipeline().fireChannelRead(chunk("data: 1\n\n"));
		this.channel.finish();
		assertThat(text(this.channel.readInbound())).isEqualTo("data: 1\n\n");
	}

	private static HttpContent chunk(String text) {
		return new DefaultHttpContent(bytes(text));
	}

	private static ByteBuf bytes(String text) {
		return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
	}

	private static String text(HttpContent content) {
		try {
			return content.content().toString(StandardCharsets.UTF_8);
		}
		finally {
			content.release();
		}
	}

}
