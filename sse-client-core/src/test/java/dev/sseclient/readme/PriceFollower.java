package dev.sseclient.readme;

// As the README's "Without Reactor" writes it; PriceFollowerTests runs it.
import java.util.stream.Stream;

import dev.sseclient.core.SseClient;
import dev.sseclient.core.SseEvent;
import dev.sseclient.core.SseEventReader;
import dev.sseclient.core.SseRequest;

class PriceFollower {

	void follow(SseClient sseClient, SseRequest request, Prices prices) {
		try (SseEventReader events = sseClient.open(request)) {
			for (SseEvent event : events) {			// blocks until the next event
				prices.update(event.data());
			}
		}											  // closes the stream, frees the connection
	}

	long countAsAStream(SseClient sseClient, SseRequest request) {
		try (Stream<SseEvent> events = sseClient.open(request).events()) {   // closed with the Stream
			return events.count();
		}
	}

}
