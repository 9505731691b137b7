package dev.sseclient.core;

/**
 * Sees every item of the streams a client makes whose request was given a name
 * ({@link SseRequest.Builder#name(String)}), as each network read is parsed: how meters follow
 * streams opened by hand. Unnamed streams are not observed, so their default names (host and
 * path) never become tag values. Called on the stream's reading thread, in order; it must be
 * quick and must not throw.
 *
 * @see SseClient#withObserver(SseItemObserver)
 */
@FunctionalInterface
public interface SseItemObserver {

	void onItem(SseStream stream, SseItem item);

}
