package dev.sseclient.core;

import java.time.Instant;

/**
 * One event of a stream, as the server dispatched it.
 *
 * @param stream the name of the stream it came from
 * @param id the last-event-ID in effect when it was dispatched: the id of this event, or of an
 * earlier one when this one set none; empty when the server never set one
 * @param type the event type, {@code message} when the server set none
 * @param data the data lines joined with LF
 * @param receivedAt when the bytes that completed it arrived, to the millisecond
 */
public record SseEvent(String stream, String id, String type, String data, Instant receivedAt) implements SseItem {

	@Override
	public String toString() {
		String shown = (this.data.length() > 120) ? this.data.substring(0, 120) + "…(" + this.data.length() + " chars)"
				: this.data;
		return "SseEvent[stream=" + this.stream + ", id=" + this.id + ", type=" + this.type + ", data=" + shown + "]";
	}

}
