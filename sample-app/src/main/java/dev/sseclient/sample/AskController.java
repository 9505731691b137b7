package dev.sseclient.sample;

import java.util.Map;

import reactor.core.publisher.Flux;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.sseclient.container.SseStreamRequests;

/**
 * Asks the AI-style {@code chat} feed one question per request and relays its answer to the
 * caller as it arrives: one request made from the declared stream's settings (URL, headers,
 * completion on {@code [DONE]}) with the caller's question as its body.
 * {@code curl -N -X POST localhost:8080/ask -H 'Content-Type: application/json' -d '{"prompt":"Hi"}'}
 */
@RestController
class AskController {

	private final SseStreamRequests requests;

	AskController(SseStreamRequests requests) {
		this.requests = requests;
	}

	@PostMapping(path = "/ask", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<String> ask(@RequestBody Map<String, String> question) {
		return this.requests.payloads("chat", question, String.class);
	}

}
