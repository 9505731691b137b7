package dev.sseclient.benchmarks.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.QueryStringDecoder;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The loopback SSE server of the suite, in its own JVM so that it costs the measured client
 * nothing. Two ports:
 * <ul>
 * <li>the first ({@link RawEventServer}) for speed: {@code /events?count=N&size=S&batch=B}, N
 * pre-encoded events with S bytes of data as fast as the client reads, B events per HTTP chunk
 * (1: one chunk per event); {@code /rate?rate=R&count=N&size=S}, N events at R per second,
 * evenly paced, each carrying {@link System#nanoTime()} at its write (one clock for every process
 * of this machine); {@code /json?count=N}, N events whose data is a ticker's JSON;</li>
 * <li>the second (one Netty event loop) for many connections: {@code /ticks?count=K&interval=MS},
 * K events numbered from 1, one every MS milliseconds; and {@code /events?count=N&size=B}, one
 * event per write, for one stream's throughput over HTTP/1.1 beside HTTP/2. It speaks HTTP/1.1
 * and HTTP/2 with prior knowledge (h2c), allowing 100 streams a connection.</li>
 * </ul>
 * Prints {@code PORT raw netty} once listening; stops when its standard input closes.
 */
public final class BenchServer {

	private BenchServer() {
	}

	public static void main(String[] args) throws Exception {
		DisposableServer server = HttpServer.create()
			// HTTP/1.1, and HTTP/2 with prior knowledge, allowing 100 streams a connection as nginx does
			.protocol(HttpProtocol.HTTP11, HttpProtocol.H2C)
			.http2Settings((settings) -> settings.maxConcurrentStreams(100))
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.get("/ticks", BenchServer::ticks).get("/events", BenchServer::events))
			.bindNow();
		RawEventServer raw = new RawEventServer();
		System.out.println("PORT " + raw.port() + " " + server.port());
		System.out.flush();
		while (System.in.read() != -1) {
			// runs until the suite closes our standard input
		}
		raw.close();
		server.disposeNow(Duration.ofSeconds(5));
	}

	private static org.reactivestreams.Publisher<Void> ticks(HttpServerRequest request, HttpServerResponse response) {
		QueryStringDecoder query = new QueryStringDecoder(request.uri());
		int count = intParam(query, "count", 10);
		int interval = intParam(query, "interval", 1000);
		// stamped: every connection ticks at the same moments (whole intervals of the wall clock),
		// so all streams get their event in one burst, each stamped with the System.nanoTime() it
		// was due at (the burst's moment) and the one it was written at
		boolean stamped = intParam(query, "stamped", 0) == 1;
		long first = stamped ? interval - System.currentTimeMillis() % interval : interval;
		long firstDue = System.nanoTime() + first * 1_000_000L;
		// stamped ticks are made on the connection's own event loop: stamped, then written, no hop between
		Scheduler ticking = stamped ? connectionLoop(response) : Schedulers.parallel();
		Flux<ByteBuf> body = Flux.interval(Duration.ofMillis(first), Duration.ofMillis(interval), ticking)
			.take(count)
			.map((i) -> Unpooled.wrappedBuffer(("id: " + (i + 1) + "\ndata: tick " + (i + 1)
					+ (stamped ? " " + (firstDue + i * interval * 1_000_000L) + " " + System.nanoTime() : "") + "\n\n")
				.getBytes(StandardCharsets.US_ASCII)));
		return eventStream(response).send(body, (buffer) -> true);
	}

	/**
	 * {@code count} events of {@code size} bytes as fast as the client reads, each written and
	 * flushed alone: one event per network read, over HTTP/1.1 or HTTP/2 alike.
	 */
	private static org.reactivestreams.Publisher<Void> events(HttpServerRequest request, HttpServerResponse response) {
		QueryStringDecoder query = new QueryStringDecoder(request.uri());
		int count = intParam(query, "count", 1000);
		byte[] event = ("data: " + "x".repeat(intParam(query, "size", 64)) + "\n\n").getBytes(StandardCharsets.US_ASCII);
		Flux<ByteBuf> body = Flux.range(0, count).map((i) -> Unpooled.wrappedBuffer(event));
		return eventStream(response).send(body, (buffer) -> true);
	}

	private static Scheduler connectionLoop(HttpServerResponse response) {
		AtomicReference<EventLoop> loop = new AtomicReference<>();
		response.withConnection((connection) -> loop.set(connection.channel().eventLoop()));
		return Schedulers.fromExecutorService(loop.get());
	}

	private static HttpServerResponse eventStream(HttpServerResponse response) {
		return response.header("Content-Type", "text/event-stream").header("Cache-Control", "no-cache");
	}

	private static int intParam(QueryStringDecoder query, String name, int fallback) {
		var values = query.parameters().get(name);
		return (values == null || values.isEmpty()) ? fallback : Integer.parseInt(values.get(0));
	}

}
