package dev.sseclient.core;

import java.net.URI;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Connects through a {@code WebClient} an application built: its connector, filters and
 * observations apply.
 */
final class WebClientTransport implements StreamTransport {

	private final WebClient webClient;

	WebClientTransport(WebClient webClient) {
		this.webClient = webClient;
	}

	@Override
	public <T> Flux<T> exchange(URI url, HttpMethod method, byte @Nullable [] body, HttpHeaders headers,
			Function<Response, Publisher<T>> handler) {
		WebClient.RequestBodySpec spec = this.webClient.method(method).uri(url).headers((h) -> h.addAll(headers));
		WebClient.RequestHeadersSpec<?> ready = (body != null) ? spec.bodyValue(body) : spec;
		return ready.exchangeToFlux((response) -> Flux.from(handler.apply(new ClientResponseAdapter(response))));
	}

	private record ClientResponseAdapter(ClientResponse response) implements Response {

		@Override
		public int status() {
			return this.response.statusCode().value();
		}

		@Override
		public @Nullable String protocol() {
			// a WebClient response does not say
			return null;
		}

		@Override
		public HttpHeaders headers() {
			return this.response.headers().asHttpHeaders();
		}

		@Override
		public <T> Flux<T> body(Function<ByteBuf, T> read) {
			return this.response.bodyToFlux(DataBuffer.class).map((buffer) -> {
				try {
					return read.apply(bytesOf(buffer));
				}
				finally {
					DataBufferUtils.release(buffer);
				}
			}).doOnDiscard(DataBuffer.class, DataBufferUtils::release);
		}

		/** A Netty connector's buffer as it is; any other's bytes copied. */
		private static ByteBuf bytesOf(DataBuffer buffer) {
			if (buffer instanceof NettyDataBuffer netty) {
				return netty.getNativeBuffer();
			}
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return Unpooled.wrappedBuffer(bytes);
		}

		@Override
		public Mono<Void> releaseBody() {
			return this.response.releaseBody();
		}

	}

}
