package dev.sseclient.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import java.util.zip.CRC32;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.integration.support.locks.RenewableLockRegistry;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.sseclient.container.CoordinatedStream;
import dev.sseclient.container.SseStreamControl;
import dev.sseclient.container.SseStreamCoordinator;
import dev.sseclient.container.StreamRole;

/**
 * Cluster mode on a Spring Integration lock registry, at a cost that does not grow with the
 * streams. A declared stream is guarded by a lock of its own; streams registered at run time
 * are guarded by slots: a stream's name hashes to one of a fixed number of locks per template
 * (and as many for streams registered from bare requests), so ten thousand streams of one
 * template are a few dozen locks. Whoever holds a lock runs every stream it guards, resuming
 * each from the shared checkpoint.
 *
 * <p>One coordination thread does all the lock work, every poll interval: it renews the locks
 * it holds every heartbeat, reads who holds what in one query, takes the free locks that
 * {@link Spread} gives it, and every rebalance interval gives up those that take it past its
 * fair share, many at once. Streams are started and stopped on a small pool, a lock's streams in
 * order, and a lock is released only once its streams have stopped and saved their checkpoints.
 *
 * <p>Fencing by time: a watchdog thread stops the streams of a lock whose renewal is overdue
 * (the lock store hangs, a long pause), judged from when its last successful renewal began, well
 * before the lock can expire; then no other instance can take the lock while this one still
 * consumes.
 */
public final class LockRegistryStreamCoordinator implements SseStreamCoordinator {

	/** Lock key prefix of an instance's presence lock; the instance id follows. */
	public static final String PRESENCE_PREFIX = "sse-instance:";

	/** Lock key prefix of a declared stream's lock; the stream name follows. */
	public static final String STREAM_PREFIX = "sse-stream:";

	/** Lock key prefix of a slot of streams registered at run time: the template (or nothing), a colon, the slot. */
	public static final String SLOT_PREFIX = "sse-slot:";

	/** How often this instance compares its stream definitions with the other live instances'. */
	private static final long DEFINITION_CHECK_NANOS = Duration.ofMinutes(1).toNanos();

	/** Threads that start and stop streams, whatever their number. */
	private static final int STREAM_THREADS = 4;

	/** How many poll intervals a free lock waits for the instance it should go to before anyone takes it. */
	private static final int UNCLAIMED_POLLS = 5;

	private static final Log logger = LogFactory.getLog(LockRegistryStreamCoordinator.class);

	private final StreamLocks locks;

	private final RenewableLockRegistry<? extends Lock> registry;

	private final String instanceId;

	private final Set<String> candidates;

	private final int slots;

	private final Duration heartbeat;

	/** How long after its last renewal began a held lock's streams are stopped. */
	private final Duration fenceAfter;

	private final Duration pollInterval;

	private final @Nullable Duration rebalanceInterval;

	private final ApplicationEventPublisher eventPublisher;

	/** A hash of each declared stream's and template's definition, by {@code stream:} or {@code template:} name. */
	private final Map<String, String> definitions;

	/** Definitions already warned about, with the hashes that differed. */
	private final Set<String> definitionWarnings = ConcurrentHashMap.newKeySet();

	/** Every unit joined, by lock key. */
	private final Map<String, LockUnit> units = new ConcurrentHashMap<>();

	/** The unit of each joined stream. */
	private final Map<String, LockUnit> unitOfStream = new ConcurrentHashMap<>();

	/** Every stream this instance was asked about, joined or not: its lock key and whether it may run here. */
	private final Map<String, Watched> watched = new ConcurrentHashMap<>();

	private final Set<String> watchedKeys = ConcurrentHashMap.newKeySet();

	private final String presenceKey;

	private volatile LockSnapshot snapshot = LockSnapshot.EMPTY;

	private @Nullable ScheduledExecutorService coordination;

	private @Nullable ScheduledExecutorService watchdog;

	private @Nullable ExecutorService streamThreads;

	/** Coordination thread only. */
	private boolean presenceHeld;

	/** Coordination thread only. */
	private long presenceRenewedAt;

	/** Coordination thread only. */
	private long lastRebalance;

	/** Coordination thread only. */
	private long lastRestart;

	/** Coordination thread only; 0 before the first comparison. */
	private long lastDefinitionCheck;

	/** Why the lock store could not be read last time; {@code null} while it answers. Written by the coordination thread. */
	private volatile @Nullable String lockStoreFailure;

	/**
	 * @param locks the lock registry shared by the instances
	 * @param instanceId this instance's id in it
	 * @param candidates the declared streams and templates this instance may run, empty for all
	 * @param slots locks per template (and for streams registered from bare requests)
	 * @param heartbeat how often the holder renews its locks
	 * @param lockTtl how long a lock lives in the registry after its last renewal
	 * @param pollInterval how often the lock store is read and free locks tried
	 * @param rebalanceInterval how often to even out the streams over the instances,
	 * {@code null} to leave them where they are
	 * @param eventPublisher publishes Spring Integration's {@code OnGrantedEvent} and
	 * {@code OnRevokedEvent} per lock
	 * @param definitions a hash of each declared stream's and template's definition, compared
	 * with the other instances' to warn of differences
	 */
	public LockRegistryStreamCoordinator(StreamLocks locks, String instanceId, Set<String> candidates, int slots,
			Duration heartbeat, Duration lockTtl, Duration pollInterval, @Nullable Duration rebalanceInterval,
			ApplicationEventPublisher eventPublisher, Map<String, String> definitions) {
		this.locks = locks;
		this.registry = locks.registry();
		this.instanceId = instanceId;
		this.candidates = Set.copyOf(candidates);
		this.slots = slots;
		this.heartbeat = heartbeat;
		this.fenceAfter = fenceAfter(heartbeat, lockTtl);
		this.pollInterval = pollInterval;
		this.rebalanceInterval = rebalanceInterval;
		this.eventPublisher = eventPublisher;
		this.definitions = Map.copyOf(definitions);
		this.presenceKey = PRESENCE_PREFIX + instanceId;
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

	/** The slot of a stream registered at run time: a hash of its name, the same on every instance. */
	static int slotOf(String stream, int slots) {
		CRC32 crc = new CRC32();
		crc.update(stream.getBytes(StandardCharsets.UTF_8));
		return (int) (crc.getValue() % slots);
	}

	/** The key of the lock guarding a stream. */
	String lockKeyOf(CoordinatedStream stream) {
		if (stream.declared()) {
			return STREAM_PREFIX + stream.name();
		}
		String template = (stream.template() != null) ? stream.template() : "";
		return SLOT_PREFIX + template + ":" + slotOf(stream.name(), this.slots);
	}

	@Override
	public boolean isCandidate(CoordinatedStream stream) {
		boolean candidate = this.candidates.isEmpty() || this.candidates.contains(stream.name())
				|| (stream.template() != null && this.candidates.contains(stream.template()));
		String key = lockKeyOf(stream);
		this.watched.put(stream.name(), new Watched(key, candidate));
		this.watchedKeys.add(key);
		return candidate;
	}

	@Override
	public void join(CoordinatedStream stream, SseStreamControl control) {
		ExecutorService pool = startThreads();
		String key = lockKeyOf(stream);
		this.watchedKeys.add(key);
		LockUnit unit = this.units.computeIfAbsent(key, (name) -> new LockUnit(name, pool));
		LockUnit former = this.unitOfStream.putIfAbsent(stream.name(), unit);
		if (former == null || former == unit) {
			unit.add(new LockUnit.Member(stream, control));
		}
	}

	private synchronized ExecutorService startThreads() {
		if (this.streamThreads != null) {
			return this.streamThreads;
		}
		this.streamThreads = Executors.newFixedThreadPool(STREAM_THREADS, new CustomizableThreadFactory("sse-cluster-streams-"));
		this.coordination = Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("sse-cluster-coordinator-"));
		this.coordination.scheduleWithFixedDelay(this::coordinate, 0, this.pollInterval.toMillis(), TimeUnit.MILLISECONDS);
		this.watchdog = Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("sse-cluster-watchdog-"));
		this.watchdog.scheduleWithFixedDelay(this::fenceOverdue, this.heartbeat.toMillis(), this.heartbeat.toMillis(),
				TimeUnit.MILLISECONDS);
		return this.streamThreads;
	}

	@Override
	public void leave(String stream) {
		LockUnit unit = this.unitOfStream.remove(stream);
		if (unit == null) {
			return;
		}
		long deadline = System.nanoTime() + leaveTimeout().toNanos();
		await(unit.remove(stream), deadline, "Stream '" + stream + "' did not stop");
		if (unit.isEmpty() && unit.state != LockUnit.State.FREE) {
			// released by the coordination thread, within a poll interval
			await(unit.released, deadline, "Lock '" + unit.key + "' was not released");
		}
	}

	@Override
	public void leaveAll() {
		List.copyOf(this.unitOfStream.keySet()).parallelStream().forEach((stream) -> {
			LockUnit unit = this.unitOfStream.remove(stream);
			if (unit != null) {
				await(unit.remove(stream), System.nanoTime() + leaveTimeout().toNanos(), "Stream '" + stream + "' did not stop");
			}
		});
		ScheduledExecutorService coordinator;
		synchronized (this) {
			coordinator = this.coordination;
		}
		if (coordinator != null) {
			long deadline = System.nanoTime() + leaveTimeout().toNanos();
			try {
				// lock work stays on the thread that holds the locks
				await(CompletableFuture.runAsync(this::releaseEverything, coordinator), deadline,
						"The stream locks were not released");
			}
			catch (RuntimeException ex) {
				logger.debug("Could not release the stream locks; they expire after the lock's time to live", ex);
			}
		}
		synchronized (this) {
			shutdown(this.coordination);
			shutdown(this.watchdog);
			shutdown(this.streamThreads);
			this.coordination = null;
			this.watchdog = null;
			this.streamThreads = null;
		}
		this.locks.releaseAll();
	}

	private static void shutdown(@Nullable ExecutorService executor) {
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	private Duration leaveTimeout() {
		return this.heartbeat.multipliedBy(2).plusSeconds(5);
	}

	@Override
	public StreamRole role(String stream) {
		LockUnit unit = this.unitOfStream.get(stream);
		if (unit != null) {
			LockUnit.Member member = unit.member(stream);
			if (unit.isActive() && member != null && member.running) {
				return new StreamRole(StreamRole.Role.ACTIVE, this.instanceId);
			}
			return new StreamRole(StreamRole.Role.STANDBY, otherHolder(unit.key), standbyReason());
		}
		Watched seen = this.watched.get(stream);
		if (seen == null) {
			return new StreamRole(StreamRole.Role.STANDBY, null, standbyReason());
		}
		return new StreamRole(seen.candidate ? StreamRole.Role.STANDBY : StreamRole.Role.EXCLUDED, otherHolder(seen.key),
				standbyReason());
	}

	private @Nullable String standbyReason() {
		String failure = this.lockStoreFailure;
		return (failure != null) ? "the lock store cannot be reached: " + failure : null;
	}

	private @Nullable String otherHolder(String lockKey) {
		String holder = this.snapshot.holderOf(lockKey);
		return this.instanceId.equals(holder) ? null : holder;
	}

	/** One round of the coordination thread; nothing may end its schedule. */
	void coordinate() {
		try {
			coordinate(System.nanoTime());
		}
		catch (RuntimeException ex) {
			logger.error("Cluster coordination round failed; trying again after the poll interval", ex);
		}
	}

	private void coordinate(long now) {
		renewDue(now);
		finishReleases();
		try {
			LockSnapshot read = this.locks.snapshot(List.copyOf(this.watchedKeys));
			this.snapshot = read;
			holdPresence(now);
			if (this.lockStoreFailure != null) {
				logger.info("The lock store answers again");
				this.lockStoreFailure = null;
			}
			spread(read, now);
			restartStopped(now);
			compareDefinitions(read, now);
		}
		catch (RuntimeException ex) {
			String failure = ex.toString();
			if (this.lockStoreFailure == null) {
				logger.warn("Could not read the lock store (" + failure + "); streams not held here stand by until it answers");
			}
			this.lockStoreFailure = failure;
		}
	}

	private void holdPresence(long now) {
		if (this.presenceHeld && now - this.presenceRenewedAt < this.heartbeat.toNanos()) {
			return;
		}
		Lock presence = this.registry.obtain(this.presenceKey);
		if (this.presenceHeld) {
			try {
				this.registry.renewLock(this.presenceKey);
				this.presenceRenewedAt = now;
				return;
			}
			catch (RuntimeException ex) {
				this.presenceHeld = false;
				unlockQuietly(presence);
			}
		}
		if (presence.tryLock()) {
			this.presenceHeld = true;
			this.presenceRenewedAt = now;
		}
	}

	private void renewDue(long now) {
		for (LockUnit unit : this.units.values()) {
			if (unit.state == LockUnit.State.FREE || unit.lost || now - unit.renewTriedAt < this.heartbeat.toNanos()) {
				continue;
			}
			long started = System.nanoTime();
			unit.renewTriedAt = started;
			try {
				this.registry.renewLock(unit.key);
				unit.renewedAt = started;
			}
			catch (RuntimeException ex) {
				unit.lost = true;
				if (unit.state == LockUnit.State.HELD && !unit.fenced) {
					logger.warn("Lock '" + unit.key + "' was lost (" + ex + "): the lock registry is unreachable, or the lock "
							+ "expired before it was renewed; stopping its " + unit.members().size()
							+ " stream(s) here, another instance takes over");
				}
				release(unit, null);
			}
		}
	}

	/** Stops the unit's streams; the lock is released once they have stopped. */
	private void release(LockUnit unit, @Nullable String why) {
		if (unit.state != LockUnit.State.HELD) {
			return;
		}
		if (why != null) {
			logger.info("Lock '" + unit.key + "': " + why + "; stopping its " + unit.members().size()
					+ " stream(s) here, then releasing it");
		}
		CompletableFuture<Void> fenceStop = unit.stopped;
		unit.stopped = (fenceStop != null) ? fenceStop : unit.stopAll();
		unit.state = LockUnit.State.RELEASING;
	}

	/** Releases the locks whose streams have stopped, and starts releasing the fenced and the empty. */
	private void finishReleases() {
		for (LockUnit unit : this.units.values()) {
			if (unit.state == LockUnit.State.HELD) {
				if (unit.fenced) {
					release(unit, null);
				}
				else if (unit.isEmpty()) {
					release(unit, "no stream of it runs here any more");
				}
				else if (unit.yieldRequested) {
					release(unit, "yielded");
				}
			}
			CompletableFuture<Void> stopped = unit.stopped;
			if (unit.state == LockUnit.State.RELEASING && stopped != null && stopped.isDone()) {
				free(unit);
			}
		}
	}

	/** Lets the lock go, its streams stopped; on the coordination thread, which holds the lock. */
	private void free(LockUnit unit) {
		unlockQuietly(this.registry.obtain(unit.key));
		unit.state = LockUnit.State.FREE;
		unit.stopped = null;
		unit.fenced = false;
		unit.lost = false;
		unit.yieldRequested = false;
		unit.released.complete(null);
		logger.info("Lock '" + unit.key + "': released");
		this.eventPublisher.publishEvent(new OnRevokedEvent(this, context(unit), unit.key));
	}

	private static void unlockQuietly(Lock lock) {
		try {
			lock.unlock();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not unlock " + lock + "; it expires after the lock's time to live", ex);
		}
	}

	/** Takes the free locks this instance should hold and, every rebalance interval, gives up those past its share. */
	private void spread(LockSnapshot read, long now) {
		List<LockUnit> known = this.units.values().stream().filter((unit) -> !unit.isEmpty()).toList();
		Map<String, Integer> loads = new HashMap<>();
		int total = 0;
		for (LockUnit unit : known) {
			total += unit.weight();
			String holder = switch (unit.state) {
				case HELD -> this.instanceId;
				case RELEASING -> null;
				case FREE -> read.holderOf(unit.key);
			};
			if (holder != null) {
				loads.merge(holder, unit.weight(), Integer::sum);
			}
		}
		Spread spread = new Spread(this.instanceId, read.instances(), loads, total);
		List<LockUnit> free = new ArrayList<>();
		for (LockUnit unit : known) {
			if (unit.state == LockUnit.State.FREE && read.holderOf(unit.key) == null) {
				free.add(unit);
			}
			else {
				unit.freeSince = 0;
			}
		}
		free.sort(Comparator.comparingInt(LockUnit::weight).reversed().thenComparing((unit) -> unit.key));
		for (LockUnit unit : free) {
			if (unit.freeSince == 0) {
				unit.freeSince = now;
			}
			boolean unclaimed = now - unit.freeSince > this.pollInterval.toNanos() * UNCLAIMED_POLLS;
			if (this.rebalanceInterval == null || spread.take(unit.weight())) {
				take(unit, now);
			}
			else if (unclaimed && take(unit, now)) {
				spread.took(unit.weight());
			}
		}
		Duration interval = this.rebalanceInterval;
		if (interval == null || now - this.lastRebalance < interval.toNanos()) {
			return;
		}
		this.lastRebalance = now;
		List<LockUnit> held = known.stream()
			.filter((unit) -> unit.isActive() && now - unit.heldSince >= interval.toNanos())
			.sorted(Comparator.comparingInt(LockUnit::weight).reversed().thenComparing((unit) -> unit.key))
			.toList();
		int released = 0;
		for (LockUnit unit : held) {
			if (spread.release(unit.weight())) {
				release(unit, null);
				released++;
			}
		}
		if (released > 0) {
			logger.info("Evening out the streams over " + spread.loads().size() + " instances: releasing " + released
					+ " lock(s), streams per instance after: " + spread.loads());
		}
	}

	private boolean take(LockUnit unit, long now) {
		long started = System.nanoTime();
		Lock lock = this.registry.obtain(unit.key);
		boolean taken;
		try {
			taken = lock.tryLock();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not try lock '" + unit.key + "'", ex);
			return false;
		}
		if (!taken) {
			return false;
		}
		unit.renewedAt = started;
		unit.renewTriedAt = started;
		unit.heldSince = now;
		unit.freeSince = 0;
		unit.fenced = false;
		unit.lost = false;
		unit.released = new CompletableFuture<>();
		unit.state = LockUnit.State.HELD;
		logger.info("Lock '" + unit.key + "': taken by this instance (" + this.instanceId + "); connecting its "
				+ unit.members().size() + " stream(s) from the shared checkpoints");
		unit.startAll();
		this.eventPublisher.publishEvent(new OnGrantedEvent(this, context(unit), unit.key));
		return true;
	}

	/**
	 * Once a minute, and first as soon as the lock store answers: one WARN per stream or
	 * template that a live instance defines differently. Each runs it as it defines it, so what
	 * is consumed would depend on which instance holds the lock.
	 */
	private void compareDefinitions(LockSnapshot read, long now) {
		if (this.definitions.isEmpty() || (this.lastDefinitionCheck != 0 && now - this.lastDefinitionCheck < DEFINITION_CHECK_NANOS)) {
			return;
		}
		this.lastDefinitionCheck = now;
		Map<String, Map<String, String>> all;
		try {
			all = this.locks.shareDefinitions(this.instanceId, this.definitions);
		}
		catch (RuntimeException ex) {
			// a check, not coordination: the streams run all the same
			logger.debug("Could not compare the stream definitions with the other instances", ex);
			return;
		}
		this.definitions.forEach((name, mine) -> {
			Map<String, String> others = new TreeMap<>(all.getOrDefault(name, Map.of()));
			others.keySet().retainAll(read.instances());
			others.remove(this.instanceId);
			others.values().removeIf(mine::equals);
			if (!others.isEmpty() && this.definitionWarnings.add(name + others)) {
				String kind = name.startsWith("template:") ? "Template" : "Stream";
				logger.warn(kind + " '" + name.substring(name.indexOf(':') + 1) + "' is defined differently on "
						+ String.join(", ", others.keySet()) + " than on this instance (" + this.instanceId + "): each "
						+ "instance runs it as it defines it, so what is consumed depends on which instance holds its "
						+ "lock; give every instance the same definition");
			}
		});
	}

	/** Starts again, once a heartbeat, the streams of held locks that could not start. */
	private void restartStopped(long now) {
		if (now - this.lastRestart < this.heartbeat.toNanos()) {
			return;
		}
		this.lastRestart = now;
		for (LockUnit unit : this.units.values()) {
			if (unit.isActive() && unit.anyStopped()) {
				unit.startAll();
			}
		}
	}

	/** Everything released at shutdown, on the coordination thread that holds the locks. */
	private void releaseEverything() {
		for (LockUnit unit : this.units.values()) {
			if (unit.state != LockUnit.State.FREE) {
				CompletableFuture<Void> stopped = unit.stopped;
				if (stopped != null) {
					await(stopped, System.nanoTime() + leaveTimeout().toNanos(), "Lock '" + unit.key + "' streams did not stop");
				}
				free(unit);
			}
		}
		if (this.presenceHeld) {
			unlockQuietly(this.registry.obtain(this.presenceKey));
			this.presenceHeld = false;
		}
	}

	/** Stops the streams of the locks whose renewal is overdue, before the locks can expire. */
	void fenceOverdue() {
		long now = System.nanoTime();
		for (LockUnit unit : this.units.values()) {
			if (unit.isActive()) {
				fenceIfOverdue(unit, now);
			}
		}
	}

	private void fenceIfOverdue(LockUnit unit, long now) {
		long overdue = now - unit.renewedAt;
		if (overdue < this.fenceAfter.toNanos()) {
			return;
		}
		logger.warn("Lock '" + unit.key + "' was last renewed " + overdue / 1_000_000 + " ms ago (the lock registry is "
				+ "slow or unreachable); stopping its " + unit.members().size() + " stream(s) here before the lock can "
				+ "expire, so that no other instance consumes them at the same time");
		unit.stopped = unit.stopAll();
		unit.fenced = true;
	}

	private Context context(LockUnit unit) {
		return new Context() {

			@Override
			public boolean isLeader() {
				return unit.isActive();
			}

			@Override
			public void yield() {
				unit.yieldRequested = true;
			}

			@Override
			public String getRole() {
				return unit.key;
			}

		};
	}

	private static void await(CompletableFuture<?> stage, long deadline, String timeoutMessage) {
		try {
			stage.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn(timeoutMessage + " in time; going on");
		}
		catch (ExecutionException ex) {
			logger.debug(timeoutMessage, ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A stream asked about: the key of its lock, and whether it may run here. */
	private record Watched(String key, boolean candidate) {
	}

}
