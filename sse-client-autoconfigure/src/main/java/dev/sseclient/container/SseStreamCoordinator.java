package dev.sseclient.container;

/**
 * Decides which of several application instances runs a stream, so that each stream is
 * consumed once however many replicas are deployed. The registry {@linkplain #join joins} every
 * stream that should run and starts or stops it as this instance is granted or loses it.
 */
public interface SseStreamCoordinator {

	/** Whether this instance may run the stream at all (it may be pinned to other instances). */
	boolean isCandidate(CoordinatedStream stream);

	/**
	 * Compete for a stream, unless already competing; returns at once, without waiting for the
	 * lock store. {@code control} starts the stream when this instance is to run it and stops it
	 * when it must let it go.
	 */
	void join(CoordinatedStream stream, SseStreamControl control);

	/** Stop competing for a stream, stopping it here if it runs; returns once stopped or after a bound. */
	void leave(String stream);

	/** {@link #leave} every stream and release every lock. */
	void leaveAll();

	/** This instance's part in running the stream, and who runs it if known. */
	StreamRole role(String stream);

}
