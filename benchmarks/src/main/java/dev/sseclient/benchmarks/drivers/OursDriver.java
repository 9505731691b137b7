package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Supplier;

import reactor.netty.http.HttpProtocol;
import reactor.netty.resources.ConnectionProvider;

import dev.sseclient.core.SseClient;
import dev.sseclient.core.SseRequest;
import dev.sseclient.core.SseStream;

/** This project's programmatic client: {@link SseStream#events()} to a plain subscriber. */
final class OursDriver implements Driver {

	private final Supplier<SseClient> client;

	/** Over HTTP/1.1, a connection of its own, as {@link SseClient#create()} makes it. */
	OursDriver() {
		this(SseClient::create);
	}

	OursDriver(Supplier<SseClient> client) {
		this.client = client;
	}

	/** Over HTTP/2 with prior knowledge, on a pool as the starter makes it for h2c streams. */
	static OursDriver http2() {
		return new OursDriver(() -> SseClient.create(SseClient.newHttpClient(ConnectionProvider.create("bench", 16),
				HttpProtocol.H2C)));
	}

	@Override
	public void consume(URI url, int count, Consumer<String> onData) throws Exception {
		CountDownLatch done = new CountDownLatch(1);
		try (SseStream stream = this.client.get().stream(SseRequest.builder(url).build())) {
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
