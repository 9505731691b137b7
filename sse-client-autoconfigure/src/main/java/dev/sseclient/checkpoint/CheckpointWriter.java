package dev.sseclient.checkpoint;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * Batches checkpoint writes: a stream's latest id is saved after {@code batchSize} of its
 * events, every {@code interval}, and on {@link #flush()} (stop, shutdown), so following a feed
 * does not cost a write per event. Recording takes no lock: each stream records into a
 * {@link Slot} of its own, and a full batch is saved on the recording thread only when no other
 * save is under way, so a slow or hung store holds up at most the listener whose save it is. A
 * failed write is logged and retried with the next one; it never stops a stream.
 */
public final class CheckpointWriter implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(CheckpointWriter.class);

	/** A slot's latest id: a field with a handle rather than an object of its own per stream. */
	private static final VarHandle LATEST;

	/** How many ids a slot recorded, written after the id. */
	private static final VarHandle RECORDED;

	static {
		try {
			LATEST = MethodHandles.lookup().findVarHandle(Slot.class, "latest", String.class);
			RECORDED = MethodHandles.lookup().findVarHandle(Slot.class, "recorded", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final SseCheckpointStore store;

	private final int batchSize;

	private final Disposable timer;

	private final Map<String, Slot> slots = new ConcurrentHashMap<>();

	/** One save at a time. */
	private final ReentrantLock saving = new ReentrantLock();

	public CheckpointWriter(SseCheckpointStore store, int batchSize, Duration interval) {
		this.store = store;
		this.batchSize = batchSize;
		this.timer = Schedulers.parallel()
			.schedulePeriodically(this::flush, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** The store the writer saves to. */
	public SseCheckpointStore getStore() {
		return this.store;
	}

	/** The slot a stream records into; one per stream name. */
	public Slot slot(String stream) {
		return this.slots.computeIfAbsent(stream, Slot::new);
	}

	/**
	 * Cluster mode: this instance takes these streams over, in one call to the store. Ids they
	 * recorded while this instance held them before are dropped, and their saves are refused
	 * once another instance claims them in turn.
	 * @param resumeFromIfNone stream name to the id to resume from when the store holds none
	 * @return stream name to the id it resumes from
	 */
	public Map<String, String> claim(Map<String, String> resumeFromIfNone) {
		this.saving.lock();
		try {
			Map<String, SseCheckpointStore.Claim> claims = this.store.claim(resumeFromIfNone);
			Map<String, String> resumeFrom = new HashMap<>();
			claims.forEach((stream, claim) -> {
				Slot slot = slot(stream);
				slot.latest = null;
				slot.claim = claim.claim();
				resumeFrom.put(stream, claim.resumeFrom());
			});
			return resumeFrom;
		}
		finally {
			this.saving.unlock();
		}
	}

	/** Save these streams' ids recorded since their last save, in one save. */
	public void flush(Collection<String> streams) {
		this.saving.lock();
		try {
			Map<String, String> batch = new HashMap<>();
			for (String stream : streams) {
				Slot slot = this.slots.get(stream);
				String latest = (slot != null) ? slot.unsaved() : null;
				if (latest != null) {
					batch.put(stream, latest);
				}
			}
			if (!batch.isEmpty()) {
				save(batch);
			}
		}
		finally {
			this.saving.unlock();
		}
	}

	/** Save the streams' ids recorded since their last save, one save at a time. */
	public void flush() {
		this.saving.lock();
		try {
			Map<String, String> batch = null;
			for (Slot slot : this.slots.values()) {
				String latest = slot.unsaved();
				if (latest != null) {
					if (batch == null) {
						batch = new HashMap<>();
					}
					batch.put(slot.stream, latest);
				}
			}
			if (batch != null) {
				save(batch);
			}
		}
		finally {
			this.saving.unlock();
		}
	}

	/**
	 * Save one stream's id when its batch is full, on the recording thread, with no look at the
	 * other streams; unless a save is under way (a slow or hung store): then the recording thread
	 * does not wait, and the id goes with a later save.
	 */
	private void flushIfIdle(Slot slot) {
		if (!this.saving.tryLock()) {
			return;
		}
		try {
			String latest = slot.unsaved();
			if (latest != null) {
				save(Map.of(slot.stream, latest));
			}
		}
		finally {
			this.saving.unlock();
		}
	}

	private void save(Map<String, String> batch) {
		try {
			Map<String, Long> claims = new HashMap<>();
			batch.keySet().forEach((stream) -> {
				long claim = this.slots.get(stream).claim;
				if (claim != 0) {
					claims.put(stream, claim);
				}
			});
			Set<String> refused = this.store.save(batch, claims);
			batch.keySet().forEach((stream) -> this.slots.get(stream).markSaved());
			for (String stream : refused) {
				logger.warn("Stream '" + stream + "': checkpoint '" + batch.get(stream) + "' not saved: another instance "
						+ "took the stream over since this one claimed it, and its checkpoint stands");
			}
		}
		catch (RuntimeException ex) {
			// a store down for minutes must not flood the log with a stack trace per interval
			logger.warn("Could not save checkpoints " + batch.keySet() + " (" + ex + "); retrying with the next save");
			logger.debug("Checkpoint store failure", ex);
		}
	}

	@Override
	public void close() {
		this.timer.dispose();
		flush();
	}

	/** One stream's latest id, recorded by the thread handing its events to the listeners. */
	public final class Slot {

		private final String stream;

		/** Written with an ordered store by the recording thread (see {@link #LATEST}). */
		private volatile @Nullable String latest;

		/** Ids recorded so far: written after each id with an ordered store, read before it. */
		private long recorded;

		/**
		 * Under the save lock: the count at the last save, and at the last look for an unsaved
		 * id. Counts rather than the saved id itself: an id written into 10,000 old slots at
		 * every save is 10,000 cards for G1 to refine, a number is none.
		 */
		private long savedAt;

		private long readAt;

		/** Touched by the recording thread only. */
		private int sinceSave;

		/** This instance's claim on the stream (cluster mode), 0 for none; under the save lock. */
		private long claim;

		private Slot(String stream) {
			this.stream = stream;
		}

		/** The id recorded last, or {@code null} for none since this instance claimed the stream. */
		public @Nullable String latest() {
			return this.latest;
		}

		/** Every listener got through event {@code id}. */
		public void record(String id) {
			// an ordered store is enough: the next save reads it, and the id is immutable
			LATEST.setRelease(this, id);
			RECORDED.setRelease(this, this.recorded + 1);
			if (++this.sinceSave >= CheckpointWriter.this.batchSize) {
				this.sinceSave = 0;
				flushIfIdle(this);
			}
		}

		/**
		 * The id recorded since the last save, or {@code null}; under the save lock. The count is
		 * read before the id: an id recorded in between is saved now and once more next time.
		 */
		private @Nullable String unsaved() {
			long count = (long) RECORDED.getAcquire(this);
			if (count == this.savedAt) {
				return null;
			}
			this.readAt = count;
			return this.latest;
		}

		/** The id that {@link #unsaved()} gave is saved; under the save lock. */
		private void markSaved() {
			this.savedAt = this.readAt;
		}

	}

}
