package dev.sseclient.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.sseclient.checkpoint.SseCheckpointStore;

/**
 * The application's checkpoint store, with the positions of forwarded streams read from the
 * Kafka checkpoint topic: what Kafka committed is where such a stream resumes, whatever the
 * store says. Every call goes to the application's store as well, which keeps serving the other
 * streams and, in cluster mode, the claims that fence a former holder's saves.
 *
 * <p>With exactly-once, the stream's producer is readied before its checkpoint is read: its
 * {@code initTransactions} settles a transaction a crashed holder left open, which a
 * {@code read_committed} read would otherwise not see yet. In cluster mode that happens when
 * this instance takes the stream ({@link #claim(Map)}), not when it merely knows of it: readying
 * the producer fences whoever forwards the stream.
 */
final class ForwardedStreamsCheckpointStore implements SseCheckpointStore {

	private final SseCheckpointStore delegate;

	private final Supplier<KafkaForwarders> forwarders;

	/** Asked when a stream loads: the coordinator depends on the store, so it is not known when the store is made. */
	private final BooleanSupplier clusterMode;

	ForwardedStreamsCheckpointStore(SseCheckpointStore delegate, Supplier<KafkaForwarders> forwarders,
			BooleanSupplier clusterMode) {
		this.delegate = delegate;
		this.forwarders = forwarders;
		this.clusterMode = clusterMode;
	}

	@Override
	public Optional<String> load(String stream) {
		KafkaForwarders known = this.forwarders.get();
		StreamForwarder forwarder = known.forwarderOf(stream);
		if (forwarder == null) {
			return this.delegate.load(stream);
		}
		if (!this.clusterMode.getAsBoolean()) {
			try {
				forwarder.takeOver();
			}
			catch (RuntimeException ex) {
				throw new IllegalStateException("Stream '" + stream + "' forwards to Kafka exactly once and could not "
						+ "take its transactional id, so it does not know where it resumes (" + ex.getMessage()
						+ "); is Kafka at spring.kafka.bootstrap-servers reachable?", ex);
			}
		}
		CheckpointTopic.Checkpoint committed = read(known, List.of(stream)).get(stream);
		forwarder.resumedFrom(committed);
		return (committed != null) ? Optional.of(committed.lastEventId()) : this.delegate.load(stream);
	}

	@Override
	public void save(Map<String, String> ids) {
		this.delegate.save(ids);
	}

	@Override
	public long claim(String stream, String resumeFrom) {
		return this.delegate.claim(stream, resumeFrom);
	}

	@Override
	public Map<String, Claim> claim(Map<String, String> resumeFromIfNone) {
		KafkaForwarders known = this.forwarders.get();
		List<StreamForwarder> taken = resumeFromIfNone.keySet()
			.stream()
			.map(known::forwarderOf)
			.filter(Objects::nonNull)
			.toList();
		taken.forEach(StreamForwarder::takeOver);
		Map<String, CheckpointTopic.Checkpoint> committed = taken.isEmpty() ? Map.of()
				: read(known, taken.stream().map(StreamForwarder::stream).toList());
		taken.forEach((forwarder) -> forwarder.resumedFrom(committed.get(forwarder.stream())));
		Map<String, Claim> claims = new HashMap<>(this.delegate.claim(resumeFromIfNone));
		committed.forEach((stream, checkpoint) -> claims.computeIfPresent(stream,
				(name, claim) -> new Claim(checkpoint.lastEventId(), claim.claim())));
		return claims;
	}

	@Override
	public Set<String> save(Map<String, String> ids, Map<String, Long> claims) {
		return this.delegate.save(ids, claims);
	}

	private static Map<String, CheckpointTopic.Checkpoint> read(KafkaForwarders known, List<String> streams) {
		try {
			return known.checkpoints().read(streams);
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Could not read where " + streams + " resume from the Kafka checkpoint topic '"
					+ known.checkpoints().name() + "' (" + ex.getMessage()
					+ "); is Kafka at spring.kafka.bootstrap-servers reachable?", ex);
		}
	}

}
