package dev.sseclient.test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import javax.net.ssl.KeyManagerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A real HTTP/2 server on a free loopback port for tests, playing {@link SseScript}s as
 * {@link SseTestServer} does: over TLS with ALPN (offering {@code h2}, and {@code http/1.1}
 * unless told not to), or over cleartext with prior knowledge ({@code h2c}). It counts the TCP
 * connections it accepted, so a test can see streams share them, and can end them: with
 * {@code GOAWAY} ({@link #goAway()}) or abruptly ({@link #killConnections()}).
 *
 * <p>Script endings map to HTTP/2: {@code end()} ends the stream, {@code drop()} and
 * {@code reset()} reset it ({@code RST_STREAM}), {@code hold()} keeps it open. Needs
 * {@code reactor-netty-http} on the classpath.
 */
public final class SseHttp2TestServer implements AutoCloseable {

	private final BlockingQueue<SseScript> scripts = new LinkedBlockingQueue<>();

	private final RequestLog requests = new RequestLog();

	private final Set<Channel> connections = ConcurrentHashMap.newKeySet();

	private final AtomicInteger connectionsAccepted = new AtomicInteger();

	private final String scheme;

	private volatile @Nullable Function<RecordedRequest, SseScript> dispatcher;

	private final DisposableServer server;

	private SseHttp2TestServer(HttpServer server, String scheme) {
		this.scheme = scheme;
		this.server = server.host("127.0.0.1")
			.port(0)
			.childOption(ChannelOption.SO_LINGER, 0)
			.doOnChannelInit((observer, channel, address) -> {
				if (!(channel instanceof Http2StreamChannel)) {
					this.connectionsAccepted.incrementAndGet();
					this.connections.add(channel);
					channel.closeFuture().addListener((future) -> this.connections.remove(channel));
				}
			})
			.handle(this::respond)
			.bindNow(Duration.ofSeconds(10));
	}

	/** HTTP/2 over cleartext with prior knowledge ({@code h2c}); HTTP/1.1 is not spoken. */
	public static SseHttp2TestServer startCleartext() {
		return startCleartext(0);
	}

	/**
	 * As {@link #startCleartext()}, announcing {@code maxConcurrentStreams} in its
	 * {@code SETTINGS} (0 for Netty's default, no limit): a client must open another
	 * connection for more streams.
	 */
	public static SseHttp2TestServer startCleartext(int maxConcurrentStreams) {
		return new SseHttp2TestServer(limited(HttpServer.create().protocol(HttpProtocol.H2C), maxConcurrentStreams),
				"http");
	}

	private static HttpServer limited(HttpServer server, int maxConcurrentStreams) {
		return (maxConcurrentStreams > 0)
				? server.http2Settings((settings) -> settings.maxConcurrentStreams(maxConcurrentStreams)) : server;
	}

	/**
	 * HTTP/2 over TLS with the keys of {@code keys}, negotiated with ALPN; a client that does not
	 * offer {@code h2} gets HTTP/1.1 unless {@code http2Only}.
	 */
	public static SseHttp2TestServer startTls(KeyManagerFactory keys, boolean http2Only) {
		HttpServer server = HttpServer.create()
			.secure((spec) -> spec.sslContext(Http2SslContextSpec.forServer(keys)));
		server = http2Only ? server.protocol(HttpProtocol.H2) : server.protocol(HttpProtocol.H2, HttpProtocol.HTTP11);
		return new SseHttp2TestServer(server, "https");
	}

	/** The port it listens on. */
	public int port() {
		return this.server.port();
	}

	/** The base URL: {@code http://127.0.0.1:port} or {@code https://localhost:port}. */
	public URI url() {
		String host = this.scheme.equals("https") ? "localhost" : "127.0.0.1";
		return URI.create(this.scheme + "://" + host + ":" + port());
	}

	/** The URL of {@code path} on this server. */
	public String url(String path) {
		return url() + path;
	}

	/** Answer the next request with {@code script} (requests without a script are held silent). */
	public SseHttp2TestServer enqueue(SseScript script) {
		this.scripts.add(script);
		return this;
	}

	/** Answer every request with what {@code dispatcher} makes of it, instead of the queue. */
	public SseHttp2TestServer dispatcher(Function<RecordedRequest, SseScript> dispatcher) {
		this.dispatcher = dispatcher;
		return this;
	}

	/** The next request not yet taken, waiting up to ten seconds. */
	public RecordedRequest takeRequest() {
		return this.requests.take(Duration.ofSeconds(10));
	}

	/** Every request so far, in arrival order. */
	public List<RecordedRequest> requests() {
		return this.requests.all();
	}

	/** TCP connections accepted so far. */
	public int connectionsAccepted() {
		return this.connectionsAccepted.get();
	}

	/** TCP connections open now. */
	public int openConnections() {
		return this.connections.size();
	}

	/** Send {@code GOAWAY} on every connection and close it once its streams are gone. */
	public void goAway() {
		// closing an HTTP/2 connection's channel sends GOAWAY before the TCP close
		this.connections.forEach(Channel::close);
	}

	/** Close every connection at once with a TCP reset, as a crashed server or a lost network would. */
	public void killConnections() {
		this.connections.forEach(SseHttp2TestServer::closeForcibly);
	}

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(5));
	}

	private Publisher<Void> respond(HttpServerRequest request, HttpServerResponse response) {
		return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap((body) -> {
			RecordedRequest recorded = record(request, body);
			Function<RecordedRequest, SseScript> answer = this.dispatcher;
			SseScript script = (answer != null) ? answer.apply(recorded) : this.scripts.poll();
			if (script == null || script.ending == SseScript.Ending.SILENT) {
				return Mono.never();
			}
			return play(script, request, response);
		});
	}

	private RecordedRequest record(HttpServerRequest request, byte[] body) {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		request.requestHeaders()
			.forEach((entry) -> headers.computeIfAbsent(entry.getKey().toLowerCase(Locale.ROOT), (name) -> new ArrayList<>())
				.add(entry.getValue()));
		RecordedRequest recorded = new RecordedRequest(request.method().name(), request.uri(), headers, body);
		this.requests.add(recorded);
		return recorded;
	}

	private Mono<Void> play(SseScript script, HttpServerRequest request, HttpServerResponse response) {
		response.status(script.status);
		if (script.streaming) {
			response.header("content-type", "text/event-stream");
		}
		script.headers.forEach(response::header);
		if (!script.streaming) {
			return response.sendByteArray(Mono.just(script.body)).then();
		}
		Flux<ByteBuf> body = Flux.fromIterable(script.steps).concatMap(SseHttp2TestServer::bytes);
		Mono<Void> sent = response.send(body, (buffer) -> true).then();
		return switch (script.ending) {
			case END -> sent;
			case HOLD -> sent.then(Mono.never());
			default -> sent.then(Mono.fromRunnable(() -> reset(request)));
		};
	}

	/** Resets the stream the request came on ({@code RST_STREAM}), leaving its connection open. */
	private static void reset(HttpServerRequest request) {
		request.withConnection((connection) -> {
			Channel channel = connection.channel();
			if (channel instanceof Http2StreamChannel) {
				channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
			}
			else {
				closeForcibly(channel);
			}
		});
	}

	/** Closes at once, nothing flushed: with {@code SO_LINGER} 0, the peer gets a TCP reset. */
	private static void closeForcibly(Channel channel) {
		channel.eventLoop().execute(() -> channel.unsafe().closeForcibly());
	}

	private static Flux<ByteBuf> bytes(SseScript.Step step) {
		if (step instanceof SseScript.Send send) {
			return Flux.just(Unpooled.wrappedBuffer(send.bytes()));
		}
		if (step instanceof SseScript.Pause pause) {
			return Mono.delay(pause.duration()).thenMany(Flux.empty());
		}
		SseScript.Generate generate = (SseScript.Generate) step;
		return Flux.range(0, generate.count())
			.map((index) -> Unpooled.wrappedBuffer(generate.chunk().apply(index).getBytes(StandardCharsets.UTF_8)));
	}

}
