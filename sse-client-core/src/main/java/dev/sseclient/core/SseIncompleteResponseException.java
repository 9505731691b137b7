package dev.sseclient.core;

/**
 * A finite stream (one with a completion rule, such as one AI answer) ended before its
 * completion arrived: the connection dropped, the server ended the response, or it went silent
 * past the idle timeout. Retryable only when {@link SseRequest#resendIncomplete()} allows it:
 * sending the request again asks for a new answer.
 */
public class SseIncompleteResponseException extends SseException {

	private static final long serialVersionUID = 1L;

	private final int eventsReceived;

	public SseIncompleteResponseException(String stream, int eventsReceived, SseException cause, boolean retryable) {
		super("Stream '" + stream + "' ended incomplete after " + eventsReceived + " event"
				+ ((eventsReceived == 1) ? "" : "s") + ", before its completion arrived: " + cause.getMessage(), cause,
				retryable);
		this.eventsReceived = eventsReceived;
	}

	/** How many events the response delivered before it ended. */
	public int getEventsReceived() {
		return this.eventsReceived;
	}

}
