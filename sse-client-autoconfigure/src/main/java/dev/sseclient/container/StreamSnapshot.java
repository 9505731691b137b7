package dev.sseclient.container;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.sseclient.core.StreamState;

/**
 * A stream's situation at one moment, safe to show: the URL is masked and errors carry only
 * messages this library built with secrets masked. Health and the {@code sse} endpoint render
 * it.
 *
 * @param name the stream's name
 * @param state its state
 * @param url its URL, secrets masked
 * @param lastEventId the last event every listener got through
 * @param lastEventAt when the last event arrived
 * @param connectedSince when the current connection opened
 * @param disconnectedSince since when it has been trying to (re)connect
 * @param attempts failed attempts in a row
 * @param lastError type and message of the last failure
 * @param listeners the ids of its listeners
 * @param stoppedByOperator whether it was stopped through the registry
 */
public record StreamSnapshot(String name, StreamState state, String url, String lastEventId,
		@Nullable Instant lastEventAt, @Nullable Instant connectedSince, @Nullable Instant disconnectedSince,
		int attempts, @Nullable String lastError, List<String> listeners, boolean stoppedByOperator) {

	/** The details as an ordered map, without absent values. */
	public Map<String, Object> toMap() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", this.state.name());
		details.put("url", this.url);
		details.put("lastEventId", this.lastEventId);
		putIfPresent(details, "lastEventTime", this.lastEventAt);
		putIfPresent(details, "connectedSince", this.connectedSince);
		putIfPresent(details, "disconnectedSince", this.disconnectedSince);
		details.put("attempts", this.attempts);
		putIfPresent(details, "lastError", this.lastError);
		details.put("listeners", this.listeners);
		return details;
	}

	private static void putIfPresent(Map<String, Object> details, String key, @Nullable Object value) {
		if (value != null) {
			details.put(key, (value instanceof Instant instant) ? instant.toString() : value);
		}
	}

}
