package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import dev.sseclient.core.SseClient;
import dev.sseclient.core.SseRequest;
import dev.sseclient.core.SseStream;

/** This project's programmatic client: {@link SseStream#events()} to a plain subscriber. */
final class OursDriver implements Driver {

	@Override
	public void consume(URI url, int count, Consumer<String> onData) throws Exception {
		CountDownLatch done = new CountDownLatch(1);
		try (SseStream stream = SseClient.create().stream(SseRequest.builder(url).build())) {
			int[] received = { 0 };
			stream.events().subscribe((event) -> {
				onData.accept(event.data());
				if (++received[0] == count) {
					done.countDown();
				}
			});
			done.await();
		}
	}

}
