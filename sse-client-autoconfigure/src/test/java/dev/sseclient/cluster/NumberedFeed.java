package dev.sseclient.cluster;

import java.time.Duration;

import dev.sseclient.test.RecordedRequest;
import dev.sseclient.test.SseScript;

/**
 * A feed of numbered events (id and data 1, 2, 3, ...) that honours {@code Last-Event-ID}: a
 * connection starts after it, sends {@code perConnection} events {@code interval} apart, then
 * ends, so clients reconnect now and then too.
 */
final class NumberedFeed {

	private NumberedFeed() {
	}

	static SseScript from(RecordedRequest request, int perConnection, Duration interval) {
		String lastId = request.header("Last-Event-ID");
		long next = (lastId == null || lastId.isEmpty()) ? 1 : Long.parseLong(lastId) + 1;
		SseScript script = SseScript.stream();
		for (long id = next; id < next + perConnection; id++) {
			script.event(Long.toString(id), null, Long.toString(id)).pause(interval);
		}
		return script.end();
	}

}
