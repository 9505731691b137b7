package dev.sseclient.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Flux;

import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpInputMessage;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.ServerSentEventHttpMessageReader;

import dev.sseclient.core.parse.EventStreamHandler;
import dev.sseclient.core.parse.EventStreamParser;

/**
 * The parser alone, in memory, on the same bytes as two references measured in the same run:
 * a raw scan for blank lines that builds nothing (the ceiling for any parser), and Spring's
 * {@link ServerSentEventHttpMessageReader} (what WebClient users get). Scores are per event.
 *
 * <pre>
 * ./mvnw -B -Pbenchmarks -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar ParserBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParserBenchmark {

	static final int EVENTS = 10_000;

	static final int CHUNK_SIZE = 8 * 1024;

	@Param({ "64", "1024" })
	int payloadSize;

	private static final ResolvableType STRING_EVENTS = ResolvableType.forClassWithGenerics(ServerSentEvent.class,
			String.class);

	private static final HttpHeaders EVENT_STREAM_HEADERS = new HttpHeaders();

	static {
		EVENT_STREAM_HEADERS.setContentType(MediaType.TEXT_EVENT_STREAM);
	}

	private final ServerSentEventHttpMessageReader springReader = new ServerSentEventHttpMessageReader();

	private byte[][] chunks;

	@Setup
	public void prepare() {
		ByteArrayOutputStream stream = new ByteArrayOutputStream();
		char[] payload = new char[this.payloadSize];
		Arrays.fill(payload, 'x');
		String data = new String(payload);
		for (int i = 0; i < EVENTS; i++) {
			stream.writeBytes(("id: " + i + "\nevent: tick\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
		}
		byte[] all = stream.toByteArray();
		List<byte[]> split = new ArrayList<>();
		for (int offset = 0; offset < all.length; offset += CHUNK_SIZE) {
			split.add(Arrays.copyOfRange(all, offset, Math.min(all.length, offset + CHUNK_SIZE)));
		}
		this.chunks = split.toArray(new byte[0][]);
	}

	/** Counts blank lines and creates nothing: the physical reference. */
	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public int rawBlankLineScan() {
		int events = 0;
		byte previous = 0;
		for (byte[] chunk : this.chunks) {
			for (byte b : chunk) {
				if (b == '\n' && previous == '\n') {
					events++;
				}
				previous = b;
			}
		}
		return events;
	}

	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public void eventStreamParser(Blackhole blackhole) {
		EventStreamParser parser = new EventStreamParser(new EventStreamHandler() {
			@Override
			public void onEvent(String lastEventId, String type, String data) {
				blackhole.consume(lastEventId);
				blackhole.consume(type);
				blackhole.consume(data);
			}
		});
		for (byte[] chunk : this.chunks) {
			parser.feed(chunk, 0, chunk.length);
		}
	}

	@Benchmark
	@OperationsPerInvocation(EVENTS)
	public void springServerSentEventReader(Blackhole blackhole) {
		Flux<DataBuffer> body = Flux.fromArray(this.chunks).map(DefaultDataBufferFactory.sharedInstance::wrap);
		ReactiveHttpInputMessage message = new ReactiveHttpInputMessage() {
			@Override
			public HttpHeaders getHeaders() {
				return EVENT_STREAM_HEADERS;
			}

			@Override
			public Flux<DataBuffer> getBody() {
				return body;
			}
		};
		this.springReader.read(STRING_EVENTS, message, Map.of())
			.doOnNext(blackhole::consume)
			.blockLast();
	}

}
