package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * One SSE client under test: read {@code count} events from {@code url}, handing each event's
 * data to {@code onData}, then close. Every driver gets the same job so their times compare.
 */
public interface Driver {

	void consume(URI url, int count, Consumer<String> onData) throws Exception;

	/** Set up what a real application has before it follows a feed (not timed). */
	default void prepare(URI url) throws Exception {
	}

	/** Whether the driver needs the data string (the raw scan skips building it when not). */
	default void consume(URI url, int count, Consumer<String> onData, boolean needData) throws Exception {
		consume(url, count, onData);
	}

	/**
	 * For the latency runs: each event's send stamp, by default the number its data starts with
	 * ({@code /rate}); drivers that read a payload type take it from the payload instead.
	 */
	default void consumeStamps(URI url, int count, LongConsumer onStamp) throws Exception {
		consume(url, count, (data) -> {
			int end = data.indexOf(' ');
			onStamp.accept(Long.parseLong((end < 0) ? data : data.substring(0, end)));
		}, true);
	}

}
