package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.util.function.Consumer;

import tools.jackson.databind.json.JsonMapper;

/**
 * A client whose application reads each event's data as a {@link Tick} with Jackson, as users
 * of any SSE client write it: the same mapper and call for every client that hands over strings.
 */
final class JsonDriver implements Driver {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final Driver client;

	JsonDriver(Driver client) {
		this.client = client;
	}

	@Override
	public void prepare(URI url) throws Exception {
		this.client.prepare(url);
	}

	@Override
	public void consume(URI url, int count, Consumer<String> onData) throws Exception {
		this.client.consume(url, count, (data) -> onData.accept(MAPPER.readValue(data, Tick.class).symbol()));
	}

}
