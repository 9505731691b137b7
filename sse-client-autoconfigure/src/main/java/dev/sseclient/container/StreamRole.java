package dev.sseclient.container;

import org.jspecify.annotations.Nullable;

/**
 * A stream's role on this instance in cluster mode, and who runs it if known.
 *
 * @param role whether this instance runs the stream
 * @param holder the id of the instance holding the stream's lock, if known
 * @param reason why it stands by when no other instance is known to run it (the lock store
 * cannot be reached), or {@code null}
 */
public record StreamRole(Role role, @Nullable String holder, @Nullable String reason) {

	/** A role with nothing to explain. */
	public StreamRole(Role role, @Nullable String holder) {
		this(role, holder, null);
	}

	/** Whether this instance runs a stream. */
	public enum Role {

		/** This instance holds the stream's lock and runs it. */
		ACTIVE,
		/** Another instance runs it, or nobody yet; this one takes over when the lock is free. */
		STANDBY,
		/** This instance never runs the stream ({@code sse.client.cluster.streams} leaves it out). */
		EXCLUDED

	}

}
