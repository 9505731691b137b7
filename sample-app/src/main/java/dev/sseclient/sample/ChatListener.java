package dev.sseclient.sample;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.sseclient.container.SseStreamEvent;
import dev.sseclient.listener.SseListener;

/**
 * Assembles the tokens of the {@code chat} stream (a POST with a JSON body that ends on
 * {@code [DONE]}) and logs the answer once the stream completed. The stream's application
 * events travel the same ordered path as its events: {@code Opened} comes before the first
 * token of an answer and {@code Completed} after its last, so no timing is involved. The
 * stream is finite: a response that ends without {@code [DONE]} fails it rather than asking
 * (and paying) for another answer.
 */
@Component
class ChatListener {

	private static final Log logger = LogFactory.getLog(ChatListener.class);

	private static final String STREAM = "chat";

	private final StringBuffer answer = new StringBuffer();

	private final List<String> answers = new CopyOnWriteArrayList<>();

	@EventListener(condition = "#event.stream == '" + STREAM + "'")
	void onOpened(SseStreamEvent.Opened event) {
		this.answer.setLength(0);
	}

	@SseListener(stream = STREAM)
	void onToken(String token) {
		this.answer.append(token);
	}

	@EventListener(condition = "#event.stream == '" + STREAM + "'")
	void onCompleted(SseStreamEvent.Completed event) {
		String complete = this.answer.toString().strip();
		this.answers.add(complete);
		logger.info("chat answer: " + complete);
	}

	@EventListener(condition = "#event.stream == '" + STREAM + "'")
	void onFailed(SseStreamEvent.Failed event) {
		logger.warn("chat answer failed after '" + this.answer.toString().strip() + "': "
				+ ((event.getCause() != null) ? event.getCause().getMessage() : "unknown cause"));
	}

	/** The answers completed so far, in order. */
	List<String> completedAnswers() {
		return List.copyOf(this.answers);
	}

}
