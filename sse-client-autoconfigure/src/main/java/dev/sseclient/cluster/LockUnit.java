package dev.sseclient.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.sseclient.container.CoordinatedStream;
import dev.sseclient.container.SseStreamControl;

/**
 * One lock of the registry and the streams it guards: a declared stream alone, or the streams
 * registered at run time whose names hash to one slot. Its streams are started and stopped in
 * order, on a pool shared by every unit, so the coordination thread never waits for a stream.
 * Its state is changed by the coordination thread, and by the watchdog when it fences.
 */
final class LockUnit {

	private static final Log logger = LogFactory.getLog(LockUnit.class);

	enum State {

		/** Not held here. */
		FREE,
		/** Held here; its streams run. */
		HELD,
		/** Held here while its streams stop; released once they have. */
		RELEASING

	}

	final String key;

	private final Executor pool;

	private final Map<String, Member> members = new ConcurrentHashMap<>();

	private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

	private @Nullable CompletableFuture<Void> starting;

	volatile State state = State.FREE;

	/** Stopped by the watchdog as its renewal was overdue; released when the coordinator can. */
	volatile boolean fenced;

	/** Its renewal failed: it is released without trying again. */
	volatile boolean lost;

	/** Given up through Spring Integration's {@code Context.yield()}. */
	volatile boolean yieldRequested;

	/** When the last successful try to take or renew it began (nano time): it lives a time to live from then. */
	volatile long renewedAt;

	/** When a renewal was last tried (nano time); coordination thread only. */
	long renewTriedAt;

	/** When it was taken (nano time); coordination thread only. */
	long heldSince;

	/** When it was first seen free while not held here, 0 when not; coordination thread only. */
	long freeSince;

	/** Completes when the lock, held here, is let go of; a new one each time it is taken. */
	volatile CompletableFuture<Void> released = CompletableFuture.completedFuture(null);

	/** Its streams stopping before it is released; set by the coordination thread, or the watchdog as it fences. */
	volatile @Nullable CompletableFuture<Void> stopped;

	LockUnit(String key, Executor pool) {
		this.key = key;
		this.pool = pool;
	}

	/** Whether its streams may run here. */
	boolean isActive() {
		return this.state == State.HELD && !this.fenced;
	}

	/** Streams it guards here, at least one: a free lock of an unknown unit still counts. */
	int weight() {
		return Math.max(1, this.members.size());
	}

	boolean isEmpty() {
		return this.members.isEmpty();
	}

	@Nullable Member member(String stream) {
		return this.members.get(stream);
	}

	Collection<Member> members() {
		return this.members.values();
	}

	/** Adds a stream, started at once if the lock is held here. */
	void add(Member member) {
		if (this.members.putIfAbsent(member.stream.name(), member) == null && isActive()) {
			enqueue(() -> start(List.of(member)));
		}
	}

	/** Removes a stream; the returned stage completes once it stopped here. */
	CompletableFuture<Void> remove(String stream) {
		Member member = this.members.remove(stream);
		return (member != null) ? enqueue(() -> stop(List.of(member))) : CompletableFuture.completedFuture(null);
	}

	/** Starts every stream not running, while the lock is held here; at most one such start waits at a time. */
	synchronized void startAll() {
		CompletableFuture<Void> pending = this.starting;
		if (pending == null || pending.isDone()) {
			this.starting = enqueue(() -> start(List.copyOf(this.members.values())));
		}
	}

	/** Stops every stream running here. */
	CompletableFuture<Void> stopAll() {
		return enqueue(() -> stop(List.copyOf(this.members.values())));
	}

	boolean anyStopped() {
		return this.members.values().stream().anyMatch((member) -> !member.running);
	}

	private void start(Collection<Member> candidates) {
		if (!isActive()) {
			return;
		}
		Map<SseStreamControl, List<Member>> byControl = candidates.stream()
			.filter((member) -> !member.running && this.members.get(member.stream.name()) == member)
			.collect(Collectors.groupingBy((member) -> member.control));
		byControl.forEach((control, members) -> {
			Set<String> failed;
			try {
				failed = control.start(members.stream().map((member) -> member.stream.name()).toList());
			}
			catch (RuntimeException ex) {
				logger.warn("Lock '" + this.key + "': could not start its streams; trying again at the next heartbeat", ex);
				return;
			}
			members.forEach((member) -> member.running = !failed.contains(member.stream.name()));
		});
	}

	private void stop(Collection<Member> candidates) {
		Map<SseStreamControl, List<Member>> byControl = candidates.stream()
			.filter((member) -> member.running)
			.collect(Collectors.groupingBy((member) -> member.control));
		byControl.forEach((control, members) -> {
			members.forEach((member) -> member.running = false);
			try {
				control.stop(members.stream().map((member) -> member.stream.name()).toList());
			}
			catch (RuntimeException ex) {
				logger.warn("Lock '" + this.key + "': could not stop its streams cleanly", ex);
			}
		});
	}

	private synchronized CompletableFuture<Void> enqueue(Runnable task) {
		this.tail = this.tail.handle((ignored, failure) -> null).thenRunAsync(task, this.pool);
		return this.tail;
	}

	/** A stream of the unit, and what starts and stops it here. */
	static final class Member {

		final CoordinatedStream stream;

		final SseStreamControl control;

		volatile boolean running;

		Member(CoordinatedStream stream, SseStreamControl control) {
			this.stream = stream;
			this.control = control;
		}

	}

}
