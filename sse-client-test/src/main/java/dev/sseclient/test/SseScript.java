package dev.sseclient.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.jspecify.annotations.Nullable;

/**
 * What an {@link SseTestServer} does for one request: a status, headers, then a sequence of
 * chunks and pauses, and how the response ends. Each {@code send}, {@code event} or
 * {@code comment} is written and flushed as its own HTTP chunk.
 *
 * <pre>{@code
 * server.enqueue(SseScript.stream()
 *         .event("1", "tick", "{\"price\": 10}")
 *         .pause(Duration.ofMillis(50))
 *         .send("data: split ")
 *         .send("across chunks\n\n")
 *         .drop());
 * }</pre>
 */
public final class SseScript {

	/** How the response ends once every step ran. */
	enum Ending {

		/** Terminating chunk, then close: a clean end of stream. */
		END,
		/** Close without the terminating chunk: the client sees a premature close. */
		DROP,
		/** Close with a TCP reset. */
		RESET,
		/** Keep the connection open until the client or the server closes it. */
		HOLD,
		/** Send nothing, not even a status line; wait until the client closes. */
		SILENT

	}

	sealed interface Step permits Send, Pause, Generate {
	}

	record Send(byte[] bytes) implements Step {
	}

	record Pause(Duration duration) implements Step {
	}

	record Generate(int count, IntFunction<String> chunk) implements Step {
	}

	final int status;

	final Map<String, String> headers = new LinkedHashMap<>();

	final List<Step> steps = new ArrayList<>();

	final boolean streaming;

	byte[] body = new byte[0];

	Ending ending = Ending.END;

	private SseScript(int status, boolean streaming) {
		this.status = status;
		this.streaming = streaming;
	}

	/** A {@code 200 text/event-stream} response whose body the following steps write. */
	public static SseScript stream() {
		SseScript script = new SseScript(200, true);
		script.headers.put("Content-Type", "text/event-stream");
		script.headers.put("Cache-Control", "no-cache");
		return script;
	}

	/** A response with the given status and an empty body; add steps to stream a body. */
	public static SseScript status(int status) {
		return new SseScript(status, false);
	}

	/** Read the request, then answer nothing at all until the client gives up. */
	public static SseScript noResponse() {
		SseScript script = new SseScript(0, false);
		script.ending = Ending.SILENT;
		return script;
	}

	/** A redirect to {@code location}. */
	public static SseScript redirect(int status, String location) {
		return status(status).header("Location", location);
	}

	/** Set a response header, replacing an earlier value. */
	public SseScript header(String name, String value) {
		this.headers.put(name, value);
		return this;
	}

	/** A plain (not streamed) body, sent with a {@code Content-Length}. */
	public SseScript body(String text) {
		this.body = text.getBytes(StandardCharsets.UTF_8);
		return this;
	}

	/** Write raw bytes as one chunk. */
	public SseScript send(byte[] bytes) {
		this.steps.add(new Send(bytes.clone()));
		return this;
	}

	/** Write text, encoded as UTF-8, as one chunk. */
	public SseScript send(String text) {
		return send(text.getBytes(StandardCharsets.UTF_8));
	}

	/** Write one event with only data lines (one per line of {@code data}). */
	public SseScript event(String data) {
		return send(format(null, null, data));
	}

	/** Write one event with an id, a type (either may be null) and data. */
	public SseScript event(@Nullable String id, @Nullable String type, String data) {
		return send(format(id, type, data));
	}

	/**
	 * Write {@code count} chunks, each made by {@code chunk} (given its index from 0) only when
	 * it is written: a feed far larger than memory, at whatever rate the client reads.
	 */
	public SseScript generate(int count, IntFunction<String> chunk) {
		this.steps.add(new Generate(count, chunk));
		return this;
	}

	/** Write a comment line. */
	public SseScript comment(String text) {
		return send(":" + text + "\n");
	}

	/** Wait before the next step. */
	public SseScript pause(Duration duration) {
		this.steps.add(new Pause(duration));
		return this;
	}

	/** End the response cleanly and close the connection (the default). */
	public SseScript end() {
		this.ending = Ending.END;
		return this;
	}

	/** Close the connection without ending the response, as a crashed server would. */
	public SseScript drop() {
		this.ending = Ending.DROP;
		return this;
	}

	/** Abort the connection with a TCP reset. */
	public SseScript reset() {
		this.ending = Ending.RESET;
		return this;
	}

	/** Keep the connection open, silent, until the client or the server closes it. */
	public SseScript hold() {
		this.ending = Ending.HOLD;
		return this;
	}

	/** The wire form of one event: optional {@code id} and {@code event} lines, data lines, a blank line. */
	public static String format(@Nullable String id, @Nullable String type, String data) {
		StringBuilder text = new StringBuilder();
		if (id != null) {
			text.append("id: ").append(id).append('\n');
		}
		if (type != null) {
			text.append("event: ").append(type).append('\n');
		}
		for (String line : data.split("\n", -1)) {
			text.append("data: ").append(line).append('\n');
		}
		return text.append('\n').toString();
	}

}
