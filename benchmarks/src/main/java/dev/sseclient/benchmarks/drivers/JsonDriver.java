package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.ToLongFunction;

import tools.jackson.databind.json.JsonMapper;

/**
 * A client whose application reads each event's data as a record with Jackson, as users of any
 * SSE client write it: the same mapper and call for every client that hands over strings.
 */
final class JsonDriver<T> implements Driver {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final Driver client;

	private final Class<T> type;

	private final Function<T, String> text;

	private final ToLongFunction<T> stamp;

	private JsonDriver(Driver client, Class<T> type, Function<T, String> text, ToLongFunction<T> stamp) {
		this.client = client;
		this.type = type;
		this.text = text;
		this.stamp = stamp;
	}

	/** Reads {@link Tick}s ({@code /json}). */
	static JsonDriver<Tick> ticks(Driver client) {
		return new JsonDriver<>(client, Tick.class, Tick::symbol, (tick) -> tick.seq());
	}

	/** Reads {@link Quote}s ({@code /quotes}, {@code /quote-rate}). */
	static JsonDriver<Quote> quotes(Driver client) {
		return new JsonDriver<>(client, Quote.class, Quote::symbol, Quote::stamp);
	}

	@Override
	public void prepare(URI url) throws Exception {
		this.client.prepare(url);
	}

	@Override
	public void consume(URI url, int count, Consumer<String> onData) throws Exception {
		this.client.consume(url, count, (data) -> onData.accept(this.text.apply(MAPPER.readValue(data, this.type))));
	}

	@Override
	public void consumeStamps(URI url, int count, LongConsumer onStamp) throws Exception {
		this.client.consume(url, count, (data) -> onStamp.accept(this.stamp.applyAsLong(MAPPER.readValue(data, this.type))),
				true);
	}

}
