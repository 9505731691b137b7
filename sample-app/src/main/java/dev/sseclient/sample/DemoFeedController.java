package dev.sseclient.sample;

import java.time.Duration;
import java.util.Locale;

import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The embedded demo feed: numbered price ticks as JSON, a heartbeat comment now and then, and
 * the response ended every few ticks, as real feeds behind load balancers do. It honours
 * {@code Last-Event-ID}, so a client that reconnects loses nothing.
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
			.flatMapIterable((sequence) -> (sequence % 5 == 0) ? java.util.List.of(heartbeat(), tick(sequence))
					: java.util.List.of(tick(sequence)));
	}

	private static ServerSentEvent<String> tick(long sequence) {
		double price = 100 + 5 * Math.sin(sequence / 3.0);
		String json = String.format(Locale.ROOT, "{\"symbol\":\"ACME\",\"price\":%.2f}", price);
		return ServerSentEvent.builder(json).id(Long.toString(sequence)).event("tick").build();
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
