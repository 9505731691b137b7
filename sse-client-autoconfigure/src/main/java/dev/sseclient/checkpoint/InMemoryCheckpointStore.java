package dev.sseclient.checkpoint;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default store: survives restarts of a stream, not of the application.
 */
public class InMemoryCheckpointStore implements SseCheckpointStore {

	private final Map<String, String> ids = new ConcurrentHashMap<>();

	@Override
	public Optional<String> load(String stream) {
		return Optional.ofNullable(this.ids.get(stream));
	}

	@Override
	public void save(Map<String, String> ids) {
		this.ids.putAll(ids);
	}

}
