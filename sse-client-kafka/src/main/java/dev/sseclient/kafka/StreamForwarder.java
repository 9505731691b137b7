package dev.sseclient.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.jspecify.annotations.Nullable;

import dev.sseclient.container.SseEventBatchListener;
import dev.sseclient.core.SseEvent;

/**
 * Forwards one stream's events into its topic, a batch (the events waiting in a row) at a time.
 * A batch is tried until Kafka takes it: meanwhile the stream reads nothing more, so the
 * server's writes are held back by TCP rather than buffered here. It gives up only when the
 * stream is stopping, or when Kafka says it never will (a fenced producer: another instance has
 * the stream; no authorization), and then the stream's checkpoint has not moved past the batch.
 *
 * <p>With exactly-once, after a failed try the checkpoint topic is looked at before the next:
 * a batch whose commit went unanswered and did commit is not sent twice (and if the stream
 * restarted meanwhile, the events the server sends again are passed over); a checkpoint that
 * another producer moved (the stream run by a second instance) stops this one, unless this one
 * took the transactional id back in the meantime: then the other is fenced, and the stream
 * restarts from that checkpoint.
 */
final class StreamForwarder implements SseEventBatchListener {

	private static final Log logger = LogFactory.getLog(StreamForwarder.class);

	/** Lately committed batches kept to recognise a checkpoint as this forwarder's own. */
	private static final int KNOWN_BATCHES = 256;

	private final String stream;

	private final ForwardSettings settings;

	private final ForwardedRecords records;

	private final Delivery delivery;

	private final CheckpointTopic checkpoints;

	private final ForwardingMeters meters;

	private final Duration retryInterval;

	private final Duration maxRetryInterval;

	/** Whether the stream still runs: false once it is stopping. */
	private final BooleanSupplier running;

	private final AtomicLong forwarded = new AtomicLong();

	private volatile State state = State.WAITING;

	private volatile @Nullable Instant stateSince = Instant.now();

	private volatile @Nullable String lastError;

	/** A batch whose transaction may or may not have committed; the listener thread's. */
	private @Nullable InDoubt inDoubt;

	/**
	 * Exactly once: the batches of the checkpoints this forwarder committed lately, and the one it
	 * resumed from. A read may show an older one of these (a broker just back): only a batch
	 * that is none of them says that another producer wrote.
	 */
	private final Set<String> known = Collections.synchronizedSet(new LinkedHashSet<>());

	/** Exactly once: whether a try failed, so the checkpoint is looked at before the next one. */
	private boolean verify;

	/** What of the batch being tried is not known to be in Kafka; the listener thread's. */
	private List<SseEvent> pending = List.of();

	/** Ids of events already committed that the server is expected to send again, in order. */
	private final Deque<String> alreadyCommitted = new ArrayDeque<>();

	StreamForwarder(String stream, ForwardSettings settings, ForwardedRecords records, Delivery delivery,
			CheckpointTopic checkpoints, ForwardingMeters meters, Duration retryInterval, Duration maxRetryInterval,
			BooleanSupplier running) {
		this.stream = stream;
		this.settings = settings;
		this.records = records;
		this.delivery = delivery;
		this.checkpoints = checkpoints;
		this.meters = meters;
		this.retryInterval = retryInterval;
		this.maxRetryInterval = maxRetryInterval;
		this.running = running;
	}

	@Override
	public void onEvents(List<SseEvent> events) throws Exception {
		String batch = UUID.randomUUID().toString();
		this.pending = events;
		try {
			long wait = this.retryInterval.toMillis();
			while (true) {
				long started = System.nanoTime();
				try {
					int sent = forward(batch);
					committed(batch);
					this.meters.batchForwarded(sent, System.nanoTime() - started);
					this.forwarded.addAndGet(sent);
					if (this.state != State.FORWARDING) {
						if (this.state == State.RETRYING) {
							logger.info("Stream '" + this.stream + "': Kafka takes its events again");
						}
						changeState(State.FORWARDING, null);
					}
					return;
				}
				catch (KafkaForwardingException ex) {
					changeState(State.STOPPED, ex.getMessage());
					throw ex;
				}
				catch (CheckpointMovedException ex) {
					changeState(State.WAITING, ex.getMessage());
					throw ex;
				}
				catch (Exception ex) {
					Throwable cause = (ex instanceof ExecutionException && ex.getCause() != null) ? ex.getCause() : ex;
					this.verify = this.delivery.isTransactional();
					failed(cause, events.size());
					if (!pause(wait)) {
						throw new KafkaForwardingException("Stream '" + this.stream + "' stopped while Kafka did not take "
								+ "a batch; it resumes from its last checkpoint", cause);
					}
					wait = Math.min(wait * 2, this.maxRetryInterval.toMillis());
				}
			}
		}
		finally {
			this.pending = List.of();
		}
	}

	/** Counts and shows a failed try; a failure Kafka will not get over ends the batch's tries. */
	private void failed(Throwable cause, int events) {
		this.meters.batchFailed();
		if (isFatal(cause)) {
			changeState(State.STOPPED, cause.toString());
			throw new KafkaForwardingException("Stream '" + this.stream + "' stops forwarding to '" + this.settings.topic()
					+ "': " + cause, cause);
		}
		if (this.state != State.RETRYING) {
			logger.warn("Stream '" + this.stream + "': Kafka did not take a batch of " + events + " event(s) for '"
					+ this.settings.topic() + "' (" + cause + "); reading pauses and the batch is tried again until it does");
			changeState(State.RETRYING, cause.toString());
		}
		else {
			this.lastError = cause.toString();
		}
	}

	/**
	 * Sends what of the batch is not in Kafka yet, with the checkpoint; the number of records
	 * sent. Events found committed are taken off {@link #pending} for good, so that a later try of
	 * the same batch does not send them either.
	 */
	private int forward(String batch) throws Exception {
		if (this.verify) {
			takeBackAfterFailure();
		}
		else {
			this.delivery.prepare();
		}
		List<SseEvent> rest = withoutCommitted(this.pending);
		this.pending = rest;
		if (rest.isEmpty()) {
			return 0;
		}
		ForwardedRecords.Records made = this.records.of(rest);
		for (ForwardedRecords.TooLarge event : made.tooLarge()) {
			this.meters.tooLarge();
			logger.error("Stream '" + this.stream + "': event " + event.id() + " is too large to forward (about "
					+ event.size() + " bytes with its headers, past the producer's max.request.size); "
					+ (this.records.hasDeadLetterTopic() ? "its headers go to the dead-letter topic, without its data"
							: "counted and left out"));
		}
		ProducerRecord<byte[], byte[]> checkpoint = this.checkpoints.record(this.stream,
				rest.get(rest.size() - 1).id(), batch);
		try {
			this.delivery.send(made.records(), checkpoint);
		}
		catch (Exception ex) {
			if (this.delivery.isTransactional()) {
				this.inDoubt = new InDoubt(batch, rest.stream().map(SseEvent::id).toList());
			}
			throw ex;
		}
		return made.records().size();
	}

	/**
	 * After a failed try, before the next: a checkpoint written by another producer meanwhile (an
	 * instance started beside this one) stops this one rather than let it fence that one and send
	 * what it may have sent. Else a new producer (fencing a former one, settling what the failed
	 * one left open), and a second look: the batch in doubt committed, or not. Should another
	 * producer have committed in between, this one, holding the id now, goes on from there.
	 */
	private void takeBackAfterFailure() {
		InDoubt doubt = this.inDoubt;
		if (writtenElsewhere(committed(), doubt)) {
			throw forwardedElsewhere();
		}
		this.delivery.prepare();
		CheckpointTopic.@Nullable Checkpoint committed = committed();
		if (committed != null && writtenElsewhere(committed, doubt)) {
			resumedFrom(committed);
			throw new CheckpointMovedException(this.stream, committed.lastEventId());
		}
		String after = (committed != null) ? committed.batch() : null;
		this.inDoubt = null;
		if (doubt != null && doubt.batch().equals(after)) {
			logger.info("Stream '" + this.stream + "': a batch whose commit went unanswered had committed; "
					+ "its " + doubt.ids().size() + " event(s) are not sent again");
			this.alreadyCommitted.clear();
			this.alreadyCommitted.addAll(doubt.ids());
		}
		this.verify = false;
	}

	private boolean writtenElsewhere(CheckpointTopic.@Nullable Checkpoint checkpoint, @Nullable InDoubt doubt) {
		String batch = (checkpoint != null) ? checkpoint.batch() : null;
		return batch != null && !this.known.contains(batch) && (doubt == null || !doubt.batch().equals(batch));
	}

	private void committed(String batch) {
		synchronized (this.known) {
			this.known.add(batch);
			if (this.known.size() > KNOWN_BATCHES) {
				Iterator<String> oldest = this.known.iterator();
				oldest.next();
				oldest.remove();
			}
		}
	}

	private CheckpointTopic.@Nullable Checkpoint committed() {
		return this.checkpoints.read(List.of(this.stream)).get(this.stream);
	}

	private KafkaForwardingException forwardedElsewhere() {
		return new KafkaForwardingException("Stream '" + this.stream + "': another producer committed to its "
				+ "checkpoint while this one was failing (is it run by another instance without cluster mode?); it stops "
				+ "here and resumes from Kafka's checkpoint when it starts again", null);
	}

	/**
	 * The stream starts (again) from this checkpoint, read once its producer was readied: what
	 * this forwarder knows of Kafka starts over.
	 */
	void resumedFrom(CheckpointTopic.@Nullable Checkpoint checkpoint) {
		this.known.clear();
		if (checkpoint != null && checkpoint.batch() != null) {
			committed(checkpoint.batch());
		}
		this.inDoubt = null;
		this.verify = false;
		this.alreadyCommitted.clear();
	}

	/** The events less those at their head that were committed already, as the server sends them again. */
	private List<SseEvent> withoutCommitted(List<SseEvent> events) {
		int skip = 0;
		while (!this.alreadyCommitted.isEmpty() && skip < events.size()) {
			if (!this.alreadyCommitted.peekFirst().equals(events.get(skip).id())) {
				logger.warn("Stream '" + this.stream + "': the server did not send again the events of a batch "
						+ "that had committed; forwarding from event " + events.get(skip).id());
				this.alreadyCommitted.clear();
				break;
			}
			this.alreadyCommitted.removeFirst();
			skip++;
		}
		return (skip == 0) ? events : events.subList(skip, events.size());
	}

	/** Waits before the next try; false when the stream is stopping. */
	private boolean pause(long millis) throws InterruptedException {
		long deadline = System.nanoTime() + millis * 1_000_000;
		while (this.running.getAsBoolean()) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return true;
			}
			Thread.sleep(Math.min(100, Math.max(1, left / 1_000_000)));
		}
		return false;
	}

	private static boolean isFatal(Throwable failure) {
		return failure instanceof ProducerFencedException || failure instanceof InvalidProducerEpochException
				|| failure instanceof AuthorizationException || failure instanceof UnsupportedVersionException
				|| failure instanceof InvalidTopicException || failure instanceof InterruptedException;
	}

	private void changeState(State state, @Nullable String error) {
		this.state = state;
		this.stateSince = Instant.now();
		this.lastError = error;
	}

	/** Exactly once: fences a former producer of the stream and settles what it left open. */
	void takeOver() {
		this.delivery.prepare();
	}

	void close() {
		this.delivery.close();
		changeState(State.STOPPED, this.lastError);
	}

	String stream() {
		return this.stream;
	}

	ForwardSettings settings() {
		return this.settings;
	}

	State state() {
		return this.state;
	}

	@Nullable Instant stateSince() {
		return this.stateSince;
	}

	@Nullable String lastError() {
		return this.lastError;
	}

	long forwarded() {
		return this.forwarded.get();
	}

	/** Where the forwarder is. */
	enum State {

		/** No batch yet. */
		WAITING,

		/** The last batch reached Kafka. */
		FORWARDING,

		/** Kafka failed the last try of a batch; the stream waits for it. */
		RETRYING,

		/** Forwarding ended: the stream was removed, or Kafka refused it for good. */
		STOPPED

	}

	private record InDoubt(String batch, List<String> ids) {
	}

}
