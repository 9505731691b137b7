package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.util.function.Consumer;

import dev.sseclient.core.SseClient;
import dev.sseclient.core.SseEvent;
import dev.sseclient.core.SseEventReader;
import dev.sseclient.core.SseRequest;

/** This project's blocking face: a loop over {@link SseClient#open}, one event asked for at a time. */
final class BlockingDriver implements Driver {

	private final SseClient client = SseClient.create();

	@Override
	public void consume(URI url, int count, Consumer<String> onData) throws Exception {
		int received = 0;
		try (SseEventReader events = this.client.open(SseRequest.builder(url).build())) {
			for (SseEvent event : events) {
				onData.accept(event.data());
				if (++received == count) {
					return;
				}
			}
		}
	}

}
