package dev.sseclient.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.sseclient.container.SseStreamEvent;
import dev.sseclient.listener.SseListener;

/**
 * Assembles the tokens of the {@code chat} stream (a POST with a JSON body that ends on
 * {@code [DONE]}) and logs the answer once the stream completed.
 */
@Component
class ChatListener {

	private static final Log logger = LogFactory.getLog(ChatListener.class);

	private final StringBuffer answer = new StringBuffer();

	private volatile String completedAnswer;

	@SseListener(stream = "chat")
	void onToken(String token) {
		this.answer.append(token);
	}

	@EventListener
	void onCompleted(SseStreamEvent.Completed event) {
		if (event.getStream().equals("chat")) {
			this.completedAnswer = this.answer.toString().strip();
			logger.info("chat answer: " + this.completedAnswer);
		}
	}

	/** The answer once the stream completed, else {@code null}. */
	String completedAnswer() {
		return this.completedAnswer;
	}

}
