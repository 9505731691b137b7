package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.util.function.Consumer;

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

}
