package dev.sseclient.core;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.Connection;
import reactor.netty.NettyOutbound;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.support.Netty4HeadersAdapter;
import org.springframework.web.reactive.function.client.ClientHttpObservationDocumentation;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientRequestObservationContext;
import org.springframework.web.reactive.function.client.ClientRequestObservationConvention;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.DefaultClientRequestObservationConvention;

/**
 * Connects through Reactor Netty's {@code HttpClient} with nothing between: no WebClient
 * exchange, filter chain or buffer wrapper per read. Each attempt is observed as WebClient
 * observes an exchange ({@code http.client.requests} by default, from the request until the
 * response head), so connection metrics and trace propagation stay as they were.
 */
final class NettyTransport implements StreamTransport {

	private static final ClientRequestObservationConvention DEFAULT_CONVENTION = new DefaultClientRequestObservationConvention();

	private final HttpClient httpClient;

	private final ObservationRegistry observations;

	private final @Nullable ClientRequestObservationConvention convention;

	NettyTransport(HttpClient httpClient, ObservationRegistry observations,
			@Nullable ClientRequestObservationConvention convention) {
		this.httpClient = httpClient;
		this.observations = observations;
		this.convention = convention;
	}

	@Override
	public <T> Flux<T> exchange(URI url, HttpMethod method, byte @Nullable [] body, HttpHeaders headers,
			Function<Response, Publisher<T>> handler) {
		if (this.observations.isNoop()) {
			return send(url, method, body, pairs(headers), handler, null);
		}
		// as pairs: this lives as long as the connection, and a header map costs ten times more
		String[] headerPairs = pairs(headers);
		return Flux.defer(() -> {
			ClientRequest.Builder carrier = ClientRequest.create(method, url).headers((h) -> {
				for (int i = 0; i < headerPairs.length; i += 2) {
					h.add(headerPairs[i], headerPairs[i + 1]);
				}
			});
			ClientRequestObservationContext context = new ClientRequestObservationContext(carrier);
			Observation observation = ClientHttpObservationDocumentation.HTTP_REACTIVE_CLIENT_EXCHANGES
				.observation(this.convention, DEFAULT_CONVENTION, () -> context, this.observations)
				.start();
			// the request as the observation's handlers left it: trace headers added
			ClientRequest request = carrier.build();
			context.setRequest(request);
			AttemptObservation attempt = new AttemptObservation(observation, context);
			// the pairs already kept, unless the observation's handlers changed the headers (trace context)
			String[] sent = pairs(request.headers());
			String[] sentPairs = Arrays.equals(sent, headerPairs) ? headerPairs : sent;
			return send(url, method, body, sentPairs, handler, attempt).doOnError(attempt::failed)
				.doFinally((signal) -> attempt.stop());
		});
	}

	/** @param headerPairs names and values in turn: the handler below lives as long as the connection */
	private <T> Flux<T> send(URI url, HttpMethod method, byte @Nullable [] body, String[] headerPairs,
			Function<Response, Publisher<T>> handler, @Nullable AttemptObservation attempt) {
		return this.httpClient.request(io.netty.handler.codec.http.HttpMethod.valueOf(method.name()))
			.uri(url)
			.send((request, outbound) -> write(request, outbound, headerPairs, body))
			.response((response, content) -> {
				// sent, and answered: the request's headers are of no more use, and the
				// connection would keep them as long as it lives
				response.requestHeaders().clear();
				NettyResponse adapted = new NettyResponse(response, content);
				if (attempt != null) {
					attempt.responded(adapted);
				}
				return handler.apply(adapted);
			});
	}

	private static String[] pairs(HttpHeaders headers) {
		List<String> pairs = new ArrayList<>();
		headers.forEach((name, values) -> values.forEach((value) -> {
			pairs.add(name);
			pairs.add(value);
		}));
		return pairs.toArray(String[]::new);
	}

	private static Publisher<Void> write(HttpClientRequest request, NettyOutbound outbound, String[] headerPairs,
			byte @Nullable [] body) {
		io.netty.handler.codec.http.HttpHeaders sent = request.requestHeaders();
		for (int i = 0; i < headerPairs.length; i += 2) {
			// set the first value of a name, add the others
			if (i == 0 || !headerPairs[i].equals(headerPairs[i - 2])) {
				sent.set(headerPairs[i], headerPairs[i + 1]);
			}
			else {
				sent.add(headerPairs[i], headerPairs[i + 1]);
			}
		}
		if (body == null) {
			return outbound.then();
		}
		sent.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
		return outbound.send(Mono.just(Unpooled.wrappedBuffer(body)));
	}

	private record NettyResponse(HttpClientResponse response, ByteBufFlux content) implements Response {

		@Override
		public int status() {
			return this.response.status().code();
		}

		@Override
		public String protocol() {
			return this.response.version().text();
		}

		@Override
		public HttpHeaders headers() {
			return new HttpHeaders(new Netty4HeadersAdapter(this.response.responseHeaders()));
		}

		@Override
		public <T> Flux<T> body(Function<ByteBuf, T> read) {
			// Reactor Netty releases each buffer once it was handed on
			return this.content.map(read);
		}

		@Override
		public Mono<Void> releaseBody() {
			return this.content.then();
		}

		@Override
		public @Nullable SharedConnection sharedConnection() {
			Channel parent = (this.response instanceof Connection connection) ? connection.channel().parent() : null;
			return (parent != null) ? new NettySharedConnection(parent) : null;
		}

		/**
		 * Over HTTP/1.x, drops the response's headers but {@code Connection}, which Reactor Netty
		 * reads again when the response ends (whether the connection may be kept): its response
		 * object lives as long as the stream. HTTP/2's are left as they are.
		 */
		@Override
		public void headersRead() {
			if (this.response.version().majorVersion() != 1) {
				return;
			}
			io.netty.handler.codec.http.HttpHeaders headers = this.response.responseHeaders();
			String connection = headers.get(HttpHeaderNames.CONNECTION);
			headers.clear();
			if (connection != null) {
				headers.set(HttpHeaderNames.CONNECTION, connection);
			}
		}

	}

	/** One attempt's observation: stopped once, when the response head arrived or the attempt ended without one. */
	private record NettySharedConnection(Channel channel) implements SharedConnection {

		@Override
		public String id() {
			return this.channel.id().asShortText();
		}

		@Override
		public boolean isOpen() {
			return this.channel.isActive();
		}

	}

	/**
	 * The observation of one attempt, stopped when its response arrives, as WebClient's is;
	 * let go of then, as a stream's response may stay open for days and the request, the
	 * response and the context would stay with it.
	 */
	private static final class AttemptObservation {

		private volatile @Nullable Observation observation;

		private volatile @Nullable ClientRequestObservationContext context;

		private final AtomicBoolean stopped = new AtomicBoolean();

		AttemptObservation(Observation observation, ClientRequestObservationContext context) {
			this.observation = observation;
			this.context = context;
		}

		void responded(NettyResponse response) {
			ClientRequestObservationContext current = this.context;
			if (current != null) {
				current.setResponse(ClientResponse.create(HttpStatusCode.valueOf(response.status()))
					.headers((h) -> h.addAll(response.headers()))
					.build());
			}
			stop();
		}

		void failed(Throwable error) {
			Observation current = this.observation;
			if (current != null && !this.stopped.get()) {
				current.error(error);
			}
		}

		void stop() {
			Observation current = this.observation;
			if (current != null && this.stopped.compareAndSet(false, true)) {
				current.stop();
				this.observation = null;
				this.context = null;
			}
		}

	}

}
