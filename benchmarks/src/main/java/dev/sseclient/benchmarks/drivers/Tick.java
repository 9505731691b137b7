package dev.sseclient.benchmarks.drivers;

import java.time.Instant;

/** What a price feed's event becomes in an application: the JSON benchmark's payload. */
public record Tick(String symbol, long seq, double price, int size, String venue, Instant time) {

	/** One tick as the bench server sends it (about 100 bytes of JSON). */
	public static final String JSON = "{\"symbol\":\"ACME\",\"seq\":1234567,\"price\":101.25,\"size\":300,"
			+ "\"venue\":\"XNAS\",\"time\":\"2026-12-01T16:00:00.123Z\"}";

}
