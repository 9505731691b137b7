package dev.sseclient.benchmarks.drivers;

/**
 * The application regime's payload: a 64-byte JSON quote, read into a record by every client,
 * its stamp the server's {@link System#nanoTime()} when it was written (in the latency runs).
 */
public record Quote(long stamp, String symbol, double price, int size) {

	/** One quote as the throughput runs send it: 64 bytes of JSON. */
	public static final String JSON = json(1234567890123456L);

	public static String json(long stamp) {
		return "{\"stamp\":" + stamp + ",\"symbol\":\"AC\",\"price\":101.2,\"size\":30}";
	}

}
