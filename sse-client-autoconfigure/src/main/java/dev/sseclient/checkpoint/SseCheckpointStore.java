package dev.sseclient.checkpoint;

import java.util.Map;
import java.util.Optional;

/**
 * Keeps, per stream, the id of the last event every listener got through, so that a restarted
 * application resumes from it ({@code Last-Event-ID}). Writes are batched by the caller.
 * Declare a bean of this type to replace the configured store.
 */
public interface SseCheckpointStore {

	/** The stored id of a stream, if any. */
	Optional<String> load(String stream);

	/** Store these ids (stream name to id), replacing earlier ones. */
	void save(Map<String, String> ids);

}
