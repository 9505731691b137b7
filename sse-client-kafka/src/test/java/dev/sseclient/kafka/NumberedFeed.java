package dev.sseclient.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

/**
 * A feed of events numbered 1 to {@code total}, ids the numbers, that honours
 * {@code Last-Event-ID}: a request resumes after the id it names. Paced in steps of
 * {@code step} events, then holds the connection open. Remembers each request's
 * {@code Last-Event-ID}.
 */
final class NumberedFeed implements AutoCloseable {

	final SseTestServer server = SseTestServer.start();

	final List<String> lastEventIds = new CopyOnWriteArrayList<>();

	NumberedFeed(int total, int step, Duration pause) {
		this(total, step, pause, 0);
	}

	/** Each event's data padded with {@code padding} characters. */
	NumberedFeed(int total, int step, Duration pause, int padding) {
		String pad = "x".repeat(padding);
		this.server.dispatcher((request) -> {
			String last = request.header("Last-Event-ID");
			this.lastEventIds.add((last != null) ? last : "");
			int from = (last == null || last.isEmpty()) ? 1 : Integer.parseInt(last) + 1;
			SseScript script = SseScript.stream();
			for (int n = from; n <= total; n++) {
				script.event(String.valueOf(n), "change", data(n, pad));
				if (n % step == 0) {
					script.pause(pause);
				}
			}
			return script.hold();
		});
	}

	static String data(int n) {
		return data(n, "");
	}

	static String data(int n, String pad) {
		return "{\"n\":" + n + ",\"domain\":\"d" + (n % 3) + "\"" + (pad.isEmpty() ? "" : ",\"pad\":\"" + pad + "\"")
				+ "}";
	}

	String url() {
		return this.server.url("/changes");
	}

	@Override
	public void close() {
		this.server.close();
	}

}
