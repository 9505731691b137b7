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
 * @param protocol the protocol of the last connection that opened ({@code HTTP/1.1},
 * {@code HTTP/2.0}), or {@code null}
 * @param disconnectedSince since when it has been trying to (re)connect
 * @param attempts failed attempts in a row
 * @param lastError type and message of the last real failure (not a routine end of a response)
 * @param lastErrorAt when it happened
 * @param listeners the ids of its listeners
 * @param stoppedByOperator whether it was stopped through the registry
 * @param cluster its role on this instance in cluster mode, {@code null} otherwise
 */
public record StreamSnapshot(String name, StreamState state, String url, String lastEventId,
		@Nullable Instant lastEventAt, @Nullable Instant connectedSince, @Nullable String protocol,
		@Nullable Instant disconnectedSince,
		int attempts, @Nullable String lastError, @Nullable Instant lastErrorAt, List<String> listeners, boolean stoppedByOperator,
		@Nullable StreamRole cluster) {

	/** Whether another instance runs this stream, or may take it over: nothing here to judge. */
	public boolean isStandby() {
		return this.cluster != null && this.cluster.role() != StreamRole.Role.ACTIVE;
	}

	/** The details as an ordered map, without absent values. */
	public Map<String, Object> toMap() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", this.state.name());
		details.put("url", this.url);
		details.put("lastEventId", this.lastEventId);
		putIfPresent(details, "lastEventTime", this.lastEventAt);
		putIfPresent(details, "connectedSince", this.connectedSince);
		putIfPresent(details, "protocol", this.protocol);
		putIfPresent(details, "disconnectedSince", this.disconnectedSince);
		details.put("attempts", this.attempts);
		putIfPresent(details, "lastError", this.lastError);
		putIfPresent(details, "lastErrorTime", this.lastErrorAt);
		details.put("listeners", this.listeners);
		if (this.cluster != null) {
			details.put("role", this.cluster.role().name());
			putIfPresent(details, "holder", this.cluster.holder());
			putIfPresent(details, "reason", this.cluster.reason());
		}
		return details;
	}

	private static void putIfPresent(Map<String, Object> details, String key, @Nullable Object value) {
		if (value != null) {
			details.put(key, (value instanceof Instant instant) ? instant.toString() : value);
		}
	}

}
