package dev.sseclient.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.Context;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;

import dev.sseclient.container.SseStreamCoordinator;
import dev.sseclient.container.StreamRole;

/**
 * Cluster mode on a Spring Integration lock registry: one leader election
 * ({@link LockRegistryLeaderInitiator}) per stream, its role the stream's name, so streams
 * spread over the instances and fail over one by one. The holder renews its lock every
 * heartbeat; a standby tries for it every poll interval and gets it when the holder releases it
 * (stop, shutdown) or fails to renew it within the lock's time to live (death, lost database).
 *
 * <p>Each stream's election has a thread of its own, mostly asleep.
 */
public final class LockRegistryStreamCoordinator implements SseStreamCoordinator {

	private static final Log logger = LogFactory.getLog(LockRegistryStreamCoordinator.class);

	private final StreamLocks locks;

	private final String instanceId;

	private final Set<String> candidateStreams;

	private final Duration heartbeat;

	private final Duration pollInterval;

	private final ApplicationEventPublisher eventPublisher;

	private final SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("sse-cluster-");

	private final Map<String, Election> elections = new ConcurrentHashMap<>();

	/**
	 * @param locks the lock registry shared by the instances
	 * @param instanceId this instance's id in it
	 * @param candidateStreams the streams this instance may run, empty for all
	 * @param heartbeat how often the holder renews its lock
	 * @param pollInterval how long a standby waits between tries for a free lock
	 * @param eventPublisher publishes Spring Integration's {@code OnGrantedEvent} and
	 * {@code OnRevokedEvent} per stream
	 */
	public LockRegistryStreamCoordinator(StreamLocks locks, String instanceId, Set<String> candidateStreams,
			Duration heartbeat, Duration pollInterval, ApplicationEventPublisher eventPublisher) {
		this.locks = locks;
		this.instanceId = instanceId;
		this.candidateStreams = Set.copyOf(candidateStreams);
		this.heartbeat = heartbeat;
		this.pollInterval = pollInterval;
		this.eventPublisher = eventPublisher;
	}

	/** This instance's id in the lock registry. */
	public String getInstanceId() {
		return this.instanceId;
	}

	@Override
	public boolean isCandidate(String stream) {
		return this.candidateStreams.isEmpty() || this.candidateStreams.contains(stream);
	}

	@Override
	public void join(String stream, Runnable onGranted, Runnable onRevoked) {
		this.elections.computeIfAbsent(stream, (name) -> {
			Election election = new Election(name, onGranted, onRevoked);
			election.initiator.start();
			return election;
		});
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
		this.locks.releaseAll();
	}

	@Override
	public StreamRole role(String stream) {
		Election election = this.elections.get(stream);
		if (election != null && election.leading) {
			return new StreamRole(StreamRole.Role.ACTIVE, this.instanceId);
		}
		StreamRole.Role role = isCandidate(stream) ? StreamRole.Role.STANDBY : StreamRole.Role.EXCLUDED;
		return new StreamRole(role, this.locks.holderOf(stream));
	}

	/** One stream's election: the candidate the initiator grants the lock to or takes it from. */
	private final class Election implements Candidate {

		private final String stream;

		private final Runnable onGranted;

		private final Runnable onRevoked;

		private final LockRegistryLeaderInitiator initiator;

		private volatile boolean leading;

		private volatile boolean leaving;

		Election(String stream, Runnable onGranted, Runnable onRevoked) {
			this.stream = stream;
			this.onGranted = onGranted;
			this.onRevoked = onRevoked;
			this.initiator = new LockRegistryLeaderInitiator(LockRegistryStreamCoordinator.this.locks.registry(), this);
			this.initiator.setHeartBeatMillis(LockRegistryStreamCoordinator.this.heartbeat.toMillis());
			this.initiator.setBusyWaitMillis(LockRegistryStreamCoordinator.this.pollInterval.toMillis());
			this.initiator.setTaskExecutor(LockRegistryStreamCoordinator.this.executor);
			this.initiator.setApplicationEventPublisher(LockRegistryStreamCoordinator.this.eventPublisher);
		}

		@Override
		public String getRole() {
			return this.stream;
		}

		@Override
		public String getId() {
			return LockRegistryStreamCoordinator.this.instanceId;
		}

		@Override
		public void onGranted(Context context) {
			logger.info("Stream '" + this.stream + "': this instance (" + getId()
					+ ") holds its lock; connecting from the shared checkpoint");
			this.leading = true;
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
			if (this.leaving) {
				logger.info("Stream '" + this.stream + "': released its lock");
			}
			else {
				logger.warn("Stream '" + this.stream + "': lost its lock (the lock registry is unreachable, or the "
						+ "lock expired before it was renewed); stopped here, another instance takes over");
			}
			try {
				this.onRevoked.run();
			}
			finally {
				synchronized (this) {
					this.leading = false;
					notifyAll();
				}
			}
		}

		/** Stop the election and wait (bounded) until a held lock is released. */
		void leave() {
			this.leaving = true;
			this.initiator.stop();
			long deadline = System.nanoTime() + releaseTimeout().toNanos();
			synchronized (this) {
				while (this.leading) {
					long remaining = deadline - System.nanoTime();
					if (remaining <= 0) {
						logger.warn("Stream '" + this.stream + "': its lock was not released within "
								+ releaseTimeout().toMillis() + " ms; it expires after the lock's time to live");
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

		private Duration releaseTimeout() {
			return LockRegistryStreamCoordinator.this.heartbeat.multipliedBy(2).plusSeconds(5);
		}

	}

}
