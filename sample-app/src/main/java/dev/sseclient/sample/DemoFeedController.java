package dev.sseclient.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The embedded demo feeds. {@code /demo/prices}: numbered price ticks and, every fourth tick, a
 * trade, as JSON; a heartbeat comment now and then; the response ended every few ticks, as real
 * feeds behind load balancers do; {@code Last-Event-ID} honoured, so a client that reconnects
 * loses nothing. {@code POST /demo/chat}: an AI-style answer, one token per event, ending in
 * {@code data: [DONE]}.
 */
@RestController
class DemoFeedController {

	private final Duration interval;

	private final int ticksPerConnection;

	DemoFeedController(@Value("${demo.feed.interval:500ms}") Duration interval,
			@Value("${demo.feed.ticks-per-connection:8}") int ticksPerConnection) {
		this.interval = interval;
		this.ticksPerConnection = ticksPerConnection;
	}

	@GetMapping(path = "/demo/prices", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> prices(@RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
		long first = parse(lastEventId) + 1;
		return Flux.interval(this.interval)
			.take(this.ticksPerConnection)
			.map((n) -> first + n)
			.flatMapIterable((sequence) -> {
				List<ServerSentEvent<String>> events = new ArrayList<>();
				if (sequence % 5 == 0) {
					events.add(heartbeat());
				}
				events.add(tick(sequence));
				if (sequence % 4 == 0) {
					events.add(trade(sequence));
				}
				return events;
			});
	}

	/**
	 * Streams an answer the way AI chat APIs do. Written as raw event-stream text to show the
	 * wire format: each token keeps its leading space because the line has two spaces after
	 * {@code data:} and a client removes exactly one.
	 */
	@PostMapping(path = "/demo/chat", consumes = MediaType.APPLICATION_JSON_VALUE)
	Mono<Void> chat(@RequestBody Map<String, String> request, ServerHttpResponse response) {
		response.getHeaders().setContentType(MediaType.TEXT_EVENT_STREAM);
		String answer = "Server-Sent Events stream text over one long HTTP response, and clients resume with Last-Event-ID.";
		List<String> tokens = new ArrayList<>();
		for (String word : answer.split(" ")) {
			tokens.add("data:  " + word + "\n\n");
		}
		tokens.add("data: [DONE]\n\n");
		return response.writeAndFlushWith(Flux.fromIterable(tokens)
			.delayElements(this.interval.dividedBy(10))
			.map((text) -> Mono.just(response.bufferFactory().wrap(text.getBytes(StandardCharsets.UTF_8)))));
	}

	private static ServerSentEvent<String> tick(long sequence) {
		double price = 100 + 5 * Math.sin(sequence / 3.0);
		String json = String.format(Locale.ROOT, "{\"symbol\":\"ACME\",\"price\":%.2f}", price);
		return ServerSentEvent.builder(json).id(Long.toString(sequence)).event("tick").build();
	}

	private static ServerSentEvent<String> trade(long sequence) {
		String json = String.format(Locale.ROOT, "{\"symbol\":\"ACME\",\"quantity\":%d,\"price\":%.2f}",
				100 * (1 + sequence % 3), 100 + 5 * Math.sin(sequence / 3.0));
		return ServerSentEvent.builder(json).id(Long.toString(sequence)).event("trade").build();
	}

	private static ServerSentEvent<String> heartbeat() {
		return ServerSentEvent.<String>builder().comment("heartbeat").build();
	}

	private static long parse(String lastEventId) {
		try {
			return (lastEventId != null) ? Long.parseLong(lastEventId) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
