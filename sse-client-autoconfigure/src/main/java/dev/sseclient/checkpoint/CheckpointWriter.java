package dev.sseclient.checkpoint;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * Batches checkpoint writes: the ids recorded since the last write are saved every
 * {@code batchSize} records, every {@code interval}, and on {@link #flush()} (stop, shutdown),
 * so following a feed does not cost a write per event. A failed write is logged and retried
 * with the next batch; it never stops a stream.
 */
public final class CheckpointWriter implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(CheckpointWriter.class);

	private final SseCheckpointStore store;

	private final int batchSize;

	private final Disposable timer;

	private Map<String, String> pending = new LinkedHashMap<>();

	private final Map<String, String> saved = new java.util.concurrent.ConcurrentHashMap<>();

	private int recorded;

	public CheckpointWriter(SseCheckpointStore store, int batchSize, Duration interval) {
		this.store = store;
		this.batchSize = batchSize;
		this.timer = Schedulers.parallel()
			.schedulePeriodically(this::flush, interval.toMillis(), interval.toMillis(),
					java.util.concurrent.TimeUnit.MILLISECONDS);
	}

	/** The store the writer saves to. */
	public SseCheckpointStore getStore() {
		return this.store;
	}

	/** Record that every listener got through event {@code id} of {@code stream}. */
	public void record(String stream, String id) {
		if (id.equals(this.saved.get(stream))) {
			return;
		}
		boolean full;
		synchronized (this) {
			this.pending.put(stream, id);
			full = ++this.recorded >= this.batchSize;
		}
		if (full) {
			flush();
		}
	}

	/** Save what was recorded since the last save. */
	public void flush() {
		Map<String, String> batch;
		synchronized (this) {
			if (this.pending.isEmpty()) {
				return;
			}
			batch = this.pending;
			this.pending = new LinkedHashMap<>();
			this.recorded = 0;
		}
		try {
			this.store.save(batch);
			this.saved.putAll(batch);
		}
		catch (RuntimeException ex) {
			// a store down for minutes must not flood the log with a stack trace per interval
			logger.warn("Could not save checkpoints " + batch.keySet() + " (" + ex + "); retrying with the next batch");
			logger.debug("Checkpoint store failure", ex);
			synchronized (this) {
				batch.forEach(this.pending::putIfAbsent);
			}
		}
	}

	@Override
	public void close() {
		this.timer.dispose();
		flush();
	}

}
