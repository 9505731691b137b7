package dev.sseclient.container;

/**
 * Decides which of several application instances runs a stream, so that each stream is
 * consumed once however many replicas are deployed. The registry {@linkplain #join joins} every
 * stream that should run and starts or stops it as this instance is granted or loses it.
 */
public interface SseStreamCoordinator {

	/** Whether this instance may run the stream at all (it may be pinned to other instances). */
	boolean isCandidate(String stream);

	/**
	 * Compete for a stream, unless already competing. {@code onGranted} runs when this instance
	 * is to run the stream, {@code onRevoked} when it must stop; both on a coordination thread.
	 */
	void join(String stream, Runnable onGranted, Runnable onRevoked);

	/** Stop competing for a stream, releasing it if held; returns once released or after a bound. */
	void leave(String stream);

	/** {@link #leave} every stream. */
	void leaveAll();

	/** This instance's part in running the stream, and who runs it if known. */
	StreamRole role(String stream);

}
