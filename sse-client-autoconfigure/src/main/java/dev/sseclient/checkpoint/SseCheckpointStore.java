package dev.sseclient.checkpoint;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

	/**
	 * Cluster mode: this instance takes the stream over and resumes from {@code resumeFrom}. From
	 * now on the store refuses ids saved under an earlier claim, a former holder's, so a holder
	 * that lost the stream cannot move its checkpoint after the successor began. By default the
	 * store does not fence: it returns 0 and refuses nothing.
	 * @return the claim to save this instance's ids under
	 */
	default long claim(String stream, String resumeFrom) {
		return 0;
	}

	/**
	 * Cluster mode: {@link #claim(String, String)} several streams at once, each resuming from
	 * its stored id, or from the one given where none is stored. By default one stream at a
	 * time; a store may do it in one round trip.
	 * @param resumeFromIfNone stream name to the id to resume from when none is stored
	 * @return stream name to where it resumes and its claim
	 */
	default Map<String, Claim> claim(Map<String, String> resumeFromIfNone) {
		Map<String, Claim> claims = new HashMap<>();
		resumeFromIfNone.forEach((stream, fallback) -> {
			String resumeFrom = load(stream).orElse(fallback);
			claims.put(stream, new Claim(resumeFrom, claim(stream, resumeFrom)));
		});
		return claims;
	}

	/**
	 * Store these ids, each under the claim its holder got from {@link #claim}, refusing those of
	 * streams claimed since; ids without a claim (or claim 0) are saved as {@link #save(Map)}
	 * does.
	 * @return the streams whose ids were refused
	 */
	default Set<String> save(Map<String, String> ids, Map<String, Long> claims) {
		save(ids);
		return Set.of();
	}

	/**
	 * A stream taken over: where it resumes, and the claim to save its ids under.
	 *
	 * @param resumeFrom the id to resume from
	 * @param claim the claim, 0 when the store does not fence
	 */
	record Claim(String resumeFrom, long claim) {
	}

}
