package dev.sseclient.container;

import java.util.Collection;
import java.util.Set;

/**
 * How a {@link SseStreamCoordinator} runs the streams it decides this instance holds: several at
 * a time, as one lock may guard many streams, so their checkpoints are claimed and saved in one
 * round trip. Both methods run on a coordination thread.
 */
public interface SseStreamControl {

	/**
	 * This instance now holds these streams: start each from its shared checkpoint.
	 * @return the streams that could not start, tried again later
	 */
	Set<String> start(Collection<String> streams);

	/** This instance lets these streams go: stop each and save its checkpoint. */
	void stop(Collection<String> streams);

}
