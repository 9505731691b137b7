package dev.sseclient.aot;

import java.time.Duration;

import reactor.core.publisher.Flux;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The application's own feeds, a JSON event every 200 ms each. */
@RestController
class FeedController {

	@GetMapping(path = "/feed/{name}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> feed(@PathVariable String name) {
		String data = switch (name) {
			case "news" -> "{\"title\":\"Markets open\"}";
			case "lists" -> "[{\"symbol\":\"ACME\",\"price\":1.5},{\"symbol\":\"INIT\",\"price\":2.5}]";
			default -> "{\"symbol\":\"ACME\",\"price\":1.5}";
		};
		return Flux.interval(Duration.ofMillis(200))
			.map((n) -> ServerSentEvent.builder(data).id(Long.toString(n + 1)).build());
	}

}
