package dev.sseclient.core;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.web.reactive.function.client.ClientRequestObservationConvention;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Follows Server-Sent Event streams. The entry point of the programmatic API; the declarative
 * {@code @SseListener} layer is built on it.
 *
 * <pre>{@code
 * SseClient client = SseClient.create();
 * client.events(SseRequest.get("https://feed.example.com/prices").build())
 *     .subscribe((event) -> prices.update(event.data()));
 * }</pre>
 *
 * For control over one stream (state, restart, close, signals) use {@link #stream(SseRequest)}.
 * Thread-safe; one client serves any number of streams.
 */
public final class SseClient {

	private final StreamTransport transport;

	private final @Nullable SseItemObserver observer;

	private SseClient(StreamTransport transport, @Nullable SseItemObserver observer) {
		this.transport = transport;
		this.observer = observer;
	}

	/**
	 * A client on its own Reactor Netty client, {@link #newHttpClient()}. Streams hold their
	 * connection for their whole life, so it opens one connection per attempt instead of
	 * borrowing from a pool whose per-host limit would leave streams beyond it waiting.
	 */
	public static SseClient create() {
		return create(newHttpClient());
	}

	/**
	 * A client on {@code httpClient} directly, with no WebClient between: start from
	 * {@link #newHttpClient()} and customize it (proxy, SSL, metrics). It must not follow
	 * redirects itself (the default): the stream follows them, with its own rules.
	 */
	public static SseClient create(HttpClient httpClient) {
		return create(httpClient, ObservationRegistry.NOOP, null);
	}

	/**
	 * A client on {@code httpClient} whose connection attempts are observed in
	 * {@code observations} as a WebClient's exchanges are: {@code http.client.requests} by
	 * default, or named by {@code convention}, with trace headers propagated.
	 */
	public static SseClient create(HttpClient httpClient, ObservationRegistry observations,
			@Nullable ClientRequestObservationConvention convention) {
		return new SseClient(new NettyTransport(httpClient, observations, convention), null);
	}

	/**
	 * A Reactor Netty client made for streams, which {@link #create()} uses: a connection of its
	 * own per stream (no pool, whose per-host limit would leave streams waiting), and chunked
	 * response bodies unchunked a socket read at a time rather than a chunk at a time (servers
	 * often send every event as a chunk of its own).
	 */
	public static HttpClient newHttpClient() {
		return HttpClient.newConnection()
			.doOnConnected((connection) -> ChunkedBodyDecoder.install(connection.channel().pipeline()));
	}

	/**
	 * A Reactor Netty client for streams that may speak HTTP/2, with {@code protocols} as
	 * {@code HttpClient.protocol} takes them: {@code H2} negotiated with ALPN over TLS (with
	 * {@code HTTP11} as the fallback), {@code H2C} alone for cleartext with prior knowledge.
	 * HTTP/2 streams to one origin share the connections of {@code pool}; give it an
	 * {@code Http2AllocationStrategy} to bound them. Each stream has its own flow-control window,
	 * so a slow consumer holds back its stream only: the connection's window is opened wide.
	 * HTTP/1.1 responses are unchunked a socket read at a time, as with {@link #newHttpClient()}.
	 */
	public static HttpClient newHttpClient(ConnectionProvider pool, HttpProtocol... protocols) {
		return HttpClient.create(pool).protocol(protocols).doOnConnected((connection) -> {
			ChunkedBodyDecoder.install(connection.channel().pipeline());
			Http2ConnectionWindow.widen(connection.channel());
		});
	}

	/**
	 * A client on a WebClient built from {@code builder}, so its connector, filters and
	 * customizations apply. The builder is used once and not changed. Wrap
	 * {@link #newHttpClient()} in a {@code ReactorClientHttpConnector} for the builder's
	 * connector: another connector's pool and timeouts are made for short requests.
	 */
	public static SseClient create(WebClient.Builder builder) {
		return new SseClient(new WebClientTransport(builder.clone().build()), null);
	}

	/**
	 * This client with {@code observer} seeing the items of its named streams (in Spring Boot,
	 * the auto-configured client counts them in Micrometer meters); {@code null} for none.
	 */
	public SseClient withObserver(@Nullable SseItemObserver observer) {
		return new SseClient(this.transport, observer);
	}

	/** A stream for {@code request}; it connects when its events are subscribed. */
	public SseStream stream(SseRequest request) {
		return new SseStream(this.transport, request, request.isNamed() ? this.observer : null);
	}

	/**
	 * A new stream for {@code request}, connecting now, whose events are read with a blocking
	 * loop; see {@link SseEventReader}.
	 */
	public SseEventReader open(SseRequest request) {
		return new SseEventReader(stream(request));
	}

	/** The events of a new stream for {@code request}: each subscription follows its own stream. */
	public Flux<SseEvent> events(SseRequest request) {
		return Flux.defer(() -> stream(request).events());
	}

}
