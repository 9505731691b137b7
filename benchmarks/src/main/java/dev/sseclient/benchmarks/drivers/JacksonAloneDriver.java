package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * No client at all: the application regime's quotes read into the record from memory, by a
 * reader of the same kind of mapper, on one thread. A stream's events are converted one after
 * another, so this is the rate that no client converting them with Jackson can pass, whatever it
 * does around the conversion: the reference for the regime's throughput goals. The URL is not
 * used.
 */
final class JacksonAloneDriver implements Driver {

	private static final ObjectReader READER = JsonMapper.builder().build().readerFor(Quote.class);

	/** Distinct stamps, so no two reads see the same bytes in a row. */
	private static final byte[][] QUOTES = new byte[1024][];

	static {
		for (int i = 0; i < QUOTES.length; i++) {
			QUOTES[i] = Quote.json(1234567890123456L + i).getBytes(StandardCharsets.UTF_8);
		}
	}

	@Override
	public void consume(URI url, int count, Consumer<String> onData) throws Exception {
		for (int i = 0; i < count; i++) {
			Quote quote = READER.readValue(QUOTES[i & (QUOTES.length - 1)]);
			onData.accept(quote.symbol());
		}
	}

}
