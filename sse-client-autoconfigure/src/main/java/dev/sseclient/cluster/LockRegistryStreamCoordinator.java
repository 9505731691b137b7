package dev.sseclient.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.Context;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.integration.support.locks.LockRegistry;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.sseclient.container.SseStreamCoordinator;
import dev.sseclient.container.StreamRole;

/**
 * Cluster mode on a Spring Integration lock registry: one leader election
 * ({@link LockRegistryLeaderInitiator}) per stream, so streams fail over one by one. The holder
 * renews its lock every heartbeat; a standby tries for it every poll interval and gets it when
 * the holder releases it (stop, shutdown) or fails to renew it within the lock's time to live
 * (death, lost database). Which instance holds a lock is the registry's business alone.
 *
 * <p>Spreading: every instance also holds a presence lock of its own, so the live instances
 * can be counted. An instance's share is its streams divided by the live instances, rounded up.
 * Past its share it leaves a free lock to others for a few poll intervals before trying, and
 * every rebalance interval it hands one stream over (stopping it first, so the successor resumes
 * from a saved checkpoint) while it runs at least two more than the least busy other instance.
 * A stream it handed over is not handed over again for ten rebalance intervals, so streams
 * pinned to few instances do not travel back and forth.
 *
 * <p>Fencing by time: a holder whose renewal is overdue (its database calls hang, a long pause)
 * stops its stream before the lock can expire, judged from when its last successful renewal
 * began, so no other instance can take the lock while this one still consumes. One watchdog
 * thread checks every held stream each heartbeat.
 *
 * <p>Each election has a thread of its own, mostly asleep.
 */
public final class LockRegistryStreamCoordinator implements SseStreamCoordinator {

	/** Lock key prefix of an instance's presence lock; the instance id follows. */
	public static final String PRESENCE_PREFIX = "sse-instance:";

	/** Lock key prefix of a stream's lock; the stream name follows. */
	public static final String STREAM_PREFIX = "sse-stream:";

	private static final Log logger = LogFactory.getLog(LockRegistryStreamCoordinator.class);

	private static final int OVER_SHARE_POLLS = 5;

	private static final int HANDOVER_QUIET_INTERVALS = 10;

	private final StreamLocks locks;

	private final String instanceId;

	private final Set<String> candidateStreams;

	private final Duration heartbeat;

	/** How long before its lock could expire a holder whose renewal is overdue stops its stream. */
	private final Duration fenceAfter;

	private final Duration pollInterval;

	private final @Nullable Duration rebalanceInterval;

	private final ApplicationEventPublisher eventPublisher;

	private final SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("sse-cluster-");

	private final Map<String, Election> elections = new ConcurrentHashMap<>();

	/** Stream locks held, or being tried for, by this instance. */
	private final AtomicInteger held = new AtomicInteger();

	/** Until the first count of the instances, every try waits as if past the share. */
	private volatile int share;

	private @Nullable Election presence;

	private @Nullable ScheduledExecutorService balancer;

	private @Nullable ScheduledExecutorService watchdog;

	/**
	 * @param locks the lock registry shared by the instances
	 * @param instanceId this instance's id in it
	 * @param candidateStreams the streams this instance may run, empty for all
	 * @param heartbeat how often the holder renews its lock
	 * @param lockTtl how long a lock lives in the registry after its last renewal
	 * @param pollInterval how long a standby waits between tries for a free lock
	 * @param rebalanceInterval how often to even out the streams over the instances,
	 * {@code null} to leave them where they are
	 * @param eventPublisher publishes Spring Integration's {@code OnGrantedEvent} and
	 * {@code OnRevokedEvent} per stream
	 */
	public LockRegistryStreamCoordinator(StreamLocks locks, String instanceId, Set<String> candidateStreams,
			Duration heartbeat, Duration lockTtl, Duration pollInterval, @Nullable Duration rebalanceInterval,
			ApplicationEventPublisher eventPublisher) {
		this.locks = locks;
		this.instanceId = instanceId;
		this.candidateStreams = Set.copyOf(candidateStreams);
		this.heartbeat = heartbeat;
		this.fenceAfter = fenceAfter(heartbeat, lockTtl);
		this.pollInterval = pollInterval;
		this.rebalanceInterval = rebalanceInterval;
		this.eventPublisher = eventPublisher;
		this.share = (rebalanceInterval != null) ? 0 : Integer.MAX_VALUE;
	}

	/**
	 * When an overdue holder stops: a quarter of the lock's life before it can expire, and at
	 * least two heartbeats before, so the stop (and its checkpoint save) has time to finish.
	 */
	static Duration fenceAfter(Duration heartbeat, Duration lockTtl) {
		Duration margin = heartbeat.multipliedBy(2);
		Duration quarter = lockTtl.dividedBy(4);
		Duration before = (margin.compareTo(quarter) > 0) ? margin : quarter;
		Duration after = lockTtl.minus(before);
		return after.isNegative() || after.isZero() ? heartbeat : after;
	}

	@Override
	public boolean isCandidate(String stream) {
		return this.candidateStreams.isEmpty() || this.candidateStreams.contains(stream);
	}

	@Override
	public void join(String stream, Runnable onGranted, Runnable onRevoked) {
		announcePresence();
		this.elections.computeIfAbsent(stream, (name) -> {
			Election election = new Election(STREAM_PREFIX + name, name, onGranted, onRevoked, true);
			election.initiator.start();
			return election;
		});
	}

	private synchronized void announcePresence() {
		if (this.presence != null) {
			return;
		}
		this.presence = new Election(PRESENCE_PREFIX + this.instanceId, null, () -> {
		}, () -> {
		}, false);
		this.presence.initiator.start();
		this.watchdog = Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("sse-cluster-watchdog-"));
		this.watchdog.scheduleWithFixedDelay(this::fenceOverdue, this.heartbeat.toMillis(), this.heartbeat.toMillis(),
				TimeUnit.MILLISECONDS);
		if (this.rebalanceInterval != null) {
			this.balancer = Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("sse-cluster-balance-"));
			// first soon, once the registry joined every stream
			this.balancer.scheduleWithFixedDelay(this::rebalance, this.pollInterval.toMillis(),
					this.rebalanceInterval.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void leave(String stream) {
		Election election = this.elections.remove(stream);
		if (election != null) {
			election.leave();
		}
	}

	@Override
	public void leaveAll() {
		List<String> streams = List.copyOf(this.elections.keySet());
		streams.parallelStream().forEach(this::leave);
		synchronized (this) {
			if (this.balancer != null) {
				this.balancer.shutdownNow();
				this.balancer = null;
			}
			if (this.watchdog != null) {
				this.watchdog.shutdownNow();
				this.watchdog = null;
			}
			if (this.presence != null) {
				this.presence.leave();
				this.presence = null;
			}
		}
		this.locks.releaseAll();
	}

	@Override
	public StreamRole role(String stream) {
		Election election = this.elections.get(stream);
		if (election != null && election.leading && !election.fenced) {
			return new StreamRole(StreamRole.Role.ACTIVE, this.instanceId);
		}
		StreamRole.Role role = isCandidate(stream) ? StreamRole.Role.STANDBY : StreamRole.Role.EXCLUDED;
		return new StreamRole(role, this.locks.holderOf(STREAM_PREFIX + stream));
	}

	/**
	 * Work out this instance's share, and hand one stream over if it runs at least two more
	 * than the least busy other instance.
	 */
	void rebalance() {
		try {
			Map<String, Integer> perHolder = this.locks.locksPerHolder();
			int instances = Math.max(1, perHolder.size() + (perHolder.containsKey(this.instanceId) ? 0 : 1));
			int fairShare = (this.elections.size() + instances - 1) / instances;
			this.share = fairShare;
			// every instance also holds its presence lock
			int leastBusyOther = perHolder.entrySet()
				.stream()
				.filter((holder) -> !holder.getKey().equals(this.instanceId))
				.mapToInt((holder) -> holder.getValue() - 1)
				.min()
				.orElse(Integer.MAX_VALUE - 2);
			int running = (int) this.elections.values().stream().filter((election) -> election.leading).count();
			if (running >= leastBusyOther + 2) {
				this.elections.values()
					.stream()
					.filter(Election::mayHandOver)
					.findFirst()
					.ifPresent((election) -> election.handOver(running, leastBusyOther));
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the lock registry to even out the streams", ex);
		}
	}

	/** Stops the streams whose lock renewal is overdue, before their locks can expire. */
	void fenceOverdue() {
		long now = System.nanoTime();
		for (Election election : this.elections.values()) {
			try {
				election.fenceIfOverdue(now);
			}
			catch (RuntimeException ex) {
				logger.warn("Stream '" + election.stream + "': could not stop it after its lock renewal was overdue", ex);
			}
		}
	}

	/** Take a place among the stream locks held or tried for; past the share, only after waiting. */
	private boolean reserve(Election election) {
		if (this.held.get() >= this.share) {
			long now = System.nanoTime();
			if (election.overShareSince == 0) {
				election.overShareSince = now;
			}
			if (now - election.overShareSince < this.pollInterval.toNanos() * OVER_SHARE_POLLS) {
				return false;
			}
		}
		election.overShareSince = 0;
		this.held.incrementAndGet();
		return true;
	}

	/** One lock's election: the candidate its initiator grants the lock to or takes it from. */
	private final class Election implements Candidate {

		private final String lockKey;

		private final @Nullable String stream;

		private final Runnable onGranted;

		private final Runnable onRevoked;

		private final boolean counted;

		private final LockRegistryLeaderInitiator initiator;

		private volatile boolean leading;

		private volatile boolean leaving;

		private volatile long handedOverAt;

		private volatile boolean handingOver;

		/** When the last successful try for the lock began: the lock lives at least its time to live from then. */
		private volatile long renewedAt;

		/** Stopped here because the renewal was overdue; the lock is given up as soon as the election can. */
		private volatile boolean fenced;

		/** Touched by the election's own thread only. */
		private long overShareSince;

		Election(String lockKey, @Nullable String stream, Runnable onGranted, Runnable onRevoked, boolean counted) {
			this.lockKey = lockKey;
			this.stream = stream;
			this.onGranted = onGranted;
			this.onRevoked = onRevoked;
			this.counted = counted;
			LockRegistry<?> registry = LockRegistryStreamCoordinator.this.locks.registry();
			this.initiator = new LockRegistryLeaderInitiator(counted ? (key) -> new CountedLock(registry.obtain(key), this)
					: registry, this);
			this.initiator.setHeartBeatMillis(LockRegistryStreamCoordinator.this.heartbeat.toMillis());
			this.initiator.setBusyWaitMillis(LockRegistryStreamCoordinator.this.pollInterval.toMillis());
			this.initiator.setTaskExecutor(LockRegistryStreamCoordinator.this.executor);
			this.initiator.setApplicationEventPublisher(LockRegistryStreamCoordinator.this.eventPublisher);
		}

		@Override
		public String getRole() {
			return this.lockKey;
		}

		@Override
		public String getId() {
			return LockRegistryStreamCoordinator.this.instanceId;
		}

		/** A try for the lock that began at {@code startedAt} (nano time) succeeded. */
		void renewed(long startedAt) {
			this.renewedAt = startedAt;
		}

		void fenceIfOverdue(long now) {
			if (!this.leading || this.fenced || this.leaving || this.stream == null) {
				return;
			}
			long overdue = now - this.renewedAt;
			if (overdue < LockRegistryStreamCoordinator.this.fenceAfter.toNanos()) {
				return;
			}
			this.fenced = true;
			logger.warn("Stream '" + this.stream + "': its lock was last renewed " + overdue / 1_000_000
					+ " ms ago (the lock registry is slow or unreachable); stopping it here before the lock can "
					+ "expire, so that no other instance consumes it at the same time");
			// off the watchdog: a stop waits for the listener call in flight, and every held stream may be overdue
			LockRegistryStreamCoordinator.this.executor.execute(() -> {
				this.onRevoked.run();
				this.initiator.getContext().yield();
			});
		}

		@Override
		public void onGranted(Context context) {
			this.fenced = false;
			this.leading = true;
			if (this.stream == null) {
				return;
			}
			logger.info("Stream '" + this.stream + "': this instance (" + getId()
					+ ") holds its lock; connecting from the shared checkpoint");
			try {
				this.onGranted.run();
			}
			catch (RuntimeException ex) {
				logger.warn("Stream '" + this.stream + "': could not start after taking its lock; releasing it", ex);
				throw ex;
			}
		}

		@Override
		public void onRevoked(Context context) {
			if (this.stream != null) {
				if (this.leaving || this.handingOver || this.fenced) {
					logger.info("Stream '" + this.stream + "': released its lock");
				}
				else {
					logger.warn("Stream '" + this.stream + "': lost its lock (the lock registry is unreachable, or the "
							+ "lock expired before it was renewed); stopped here, another instance takes over");
				}
			}
			try {
				this.onRevoked.run();
			}
			finally {
				this.handingOver = false;
				synchronized (this) {
					if (this.counted && this.leading) {
						LockRegistryStreamCoordinator.this.held.decrementAndGet();
					}
					this.leading = false;
					notifyAll();
				}
			}
		}

		boolean mayHandOver() {
			Duration interval = LockRegistryStreamCoordinator.this.rebalanceInterval;
			if (interval == null) {
				return false;
			}
			long quiet = interval.toNanos() * HANDOVER_QUIET_INTERVALS;
			return this.leading && !this.leaving && (this.handedOverAt == 0 || System.nanoTime() - this.handedOverAt > quiet);
		}

		/** Stop the stream, saving its checkpoint, and only then let the lock go. */
		void handOver(int running, int leastBusyOther) {
			logger.info("Stream '" + this.stream + "': handing it over to even out the streams (this instance runs "
					+ running + ", another runs " + leastBusyOther + ")");
			this.handedOverAt = System.nanoTime();
			this.handingOver = true;
			this.onRevoked.run();
			this.initiator.getContext().yield();
		}

		/** Stop the election and wait (bounded) until a held lock is released. */
		void leave() {
			this.leaving = true;
			this.initiator.stop();
			Duration timeout = LockRegistryStreamCoordinator.this.heartbeat.multipliedBy(2).plusSeconds(5);
			long deadline = System.nanoTime() + timeout.toNanos();
			synchronized (this) {
				while (this.leading) {
					long remaining = deadline - System.nanoTime();
					if (remaining <= 0) {
						logger.warn("Lock '" + this.lockKey + "' was not released within " + timeout.toMillis()
								+ " ms; it expires after the lock's time to live");
						return;
					}
					try {
						wait(Math.max(1, remaining / 1_000_000));
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
				}
			}
		}

	}

	/**
	 * A stream lock that counts towards this instance's share: trying for it while not holding
	 * it takes a place, given back when the try fails or the lock is later revoked.
	 */
	private final class CountedLock implements Lock {

		private final Lock lock;

		private final Election election;

		CountedLock(Lock lock, Election election) {
			this.lock = lock;
			this.election = election;
		}

		@Override
		public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
			long started = System.nanoTime();
			if (this.election.leading) {
				boolean renewed = this.lock.tryLock(time, unit);
				if (renewed) {
					this.election.renewed(started);
				}
				return renewed;
			}
			if (!reserve(this.election)) {
				Thread.sleep(Math.min(unit.toMillis(time), LockRegistryStreamCoordinator.this.pollInterval.toMillis()));
				return false;
			}
			boolean acquired = false;
			try {
				acquired = this.lock.tryLock(time, unit);
				if (acquired) {
					this.election.renewed(started);
				}
				return acquired;
			}
			finally {
				if (!acquired) {
					LockRegistryStreamCoordinator.this.held.decrementAndGet();
				}
			}
		}

		@Override
		public boolean tryLock() {
			return this.lock.tryLock();
		}

		@Override
		public void lock() {
			this.lock.lock();
		}

		@Override
		public void lockInterruptibly() throws InterruptedException {
			this.lock.lockInterruptibly();
		}

		@Override
		public void unlock() {
			this.lock.unlock();
		}

		@Override
		public Condition newCondition() {
			return this.lock.newCondition();
		}

	}

}
