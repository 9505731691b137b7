package dev.sseclient.core;

import java.net.URI;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * How a connection attempt reaches the server and its response comes back: through Reactor
 * Netty's {@code HttpClient} directly ({@link NettyTransport}), or through a {@code WebClient}
 * that an application brings ({@link WebClientTransport}). Redirects are not followed here: the
 * stream follows them itself, with its own rules.
 */
interface StreamTransport {

	/** Send one request; {@code handler} turns the response into what the attempt emits. */
	<T> Flux<T> exchange(URI url, HttpMethod method, byte @Nullable [] body, HttpHeaders headers,
			Function<Response, Publisher<T>> handler);

	/** A response head, and a body to read once. */
	interface Response {

		int status();

		/** The protocol it came over, such as {@code HTTP/1.1} or {@code HTTP/2.0}; {@code null} when unknown. */
		@Nullable String protocol();

		HttpHeaders headers();

		/**
		 * The body, each network read handed to {@code read} while its bytes are valid: they are
		 * released when it returns.
		 */
		<T> Flux<T> body(Function<ByteBuf, T> read);

		/** Read and drop the body. */
		Mono<Void> releaseBody();

		/** The HTTP/2 connection the response is multiplexed on, {@code null} when it has one of its own. */
		default @Nullable SharedConnection sharedConnection() {
			return null;
		}

		/**
		 * The stream opened and its headers were read: what the connection keeps of them for
		 * itself alone may go, since it lives as long as the stream.
		 */
		default void headersRead() {
		}

	}

}
