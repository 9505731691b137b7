package dev.sseclient.core.parse;

import dev.sseclient.core.SseException;

/**
 * A line or an event grew beyond its configured limit. The parser refuses to buffer more, so a
 * hostile or broken server cannot exhaust memory; the engine drops the connection and reconnects.
 */
public class EventStreamLimitException extends SseException {

	private static final long serialVersionUID = 1L;

	private final String what;

	private final int limit;

	EventStreamLimitException(String what, int limit) {
		super("The server sent %s larger than the limit of %d bytes".formatted(what, limit), null, true);
		this.what = what;
		this.limit = limit;
	}

	/** What exceeded its limit: {@code "a line"} or {@code "an event"}. */
	public String getWhat() {
		return this.what;
	}

	/** The limit in bytes. */
	public int getLimit() {
		return this.limit;
	}

}
