package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.util.function.Consumer;

import com.launchdarkly.eventsource.EventSource;

/** LaunchDarkly's okhttp-eventsource 4, pulling messages with {@code readMessage()}. */
final class EventSourceDriver implements Driver {

	@Override
	public void consume(URI url, int count, Consumer<String> onData) throws Exception {
		try (EventSource source = new EventSource.Builder(url).build()) {
			source.start();
			for (int i = 0; i < count; i++) {
				onData.accept(source.readMessage().getData());
			}
		}
	}

}
