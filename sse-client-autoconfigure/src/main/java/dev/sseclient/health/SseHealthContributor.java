package dev.sseclient.health;

import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.container.StreamSnapshot;

/**
 * Health of every declared stream, one component each, read from the registry on every call
 * (streams exist only once the registry started).
 *
 * <ul>
 * <li>open: UP</li>
 * <li>connecting or reconnecting for less than the grace period: UP, the state in the
 * details; longer: DOWN</li>
 * <li>failed for good, or stopped by the listener error handler: DOWN</li>
 * <li>stopped on purpose (through the registry or the endpoint) or not started
 * ({@code auto-startup: false}): the configured status, UP by default, so an operator's choice
 * does not take the instance out of a load balancer; the state shows in the details</li>
 * <li>completed (204, {@code complete-on}): the configured status, UP by default</li>
 * <li>cluster mode, run by another instance or waiting for its lock: UP, with the role</li>
 * </ul>
 */
public class SseHealthContributor implements CompositeHealthContributor {

	private final SseStreamRegistry registry;

	private final Duration gracePeriod;

	private final Status completedStatus;

	private final Status stoppedStatus;

	private final Clock clock;

	public SseHealthContributor(SseStreamRegistry registry, Duration gracePeriod, Status completedStatus,
			Status stoppedStatus, Clock clock) {
		this.registry = registry;
		this.gracePeriod = gracePeriod;
		this.completedStatus = completedStatus;
		this.stoppedStatus = stoppedStatus;
		this.clock = clock;
	}

	@Override
	public @Nullable HealthContributor getContributor(String name) {
		SseStreamContainer container = this.registry.getContainer(name);
		return (container != null) ? indicator(container) : null;
	}

	@Override
	public Stream<Entry> stream() {
		return this.registry.getContainers().stream().map((container) -> new Entry(container.getName(), indicator(container)));
	}

	private HealthIndicator indicator(SseStreamContainer container) {
		return () -> health(container.snapshot());
	}

	Health health(StreamSnapshot snapshot) {
		return Health.status(status(snapshot)).withDetails(snapshot.toMap()).build();
	}

	private Status status(StreamSnapshot snapshot) {
		if (snapshot.isStandby()) {
			return Status.UP;
		}
		return switch (snapshot.state()) {
			case OPEN -> Status.UP;
			case CONNECTING, RECONNECTING -> withinGracePeriod(snapshot) ? Status.UP : Status.DOWN;
			case COMPLETED -> this.completedStatus;
			case FAILED -> Status.DOWN;
			case CLOSED -> snapshot.stoppedByOperator() ? this.stoppedStatus : Status.DOWN;
			case NEW -> this.stoppedStatus;
		};
	}

	private boolean withinGracePeriod(StreamSnapshot snapshot) {
		return snapshot.disconnectedSince() == null
				|| snapshot.disconnectedSince().plus(this.gracePeriod).isAfter(this.clock.instant());
	}

}
