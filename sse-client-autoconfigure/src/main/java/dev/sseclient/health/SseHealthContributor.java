package dev.sseclient.health;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.container.StreamDefinition;
import dev.sseclient.container.StreamSnapshot;

/**
 * Health of every declared stream, one component each, and of the streams registered at run
 * time, one component per template (and one, {@code registered}, for bare requests) with the
 * count of its streams per state and the names of those that are down, at most
 * {@code maxListed}; it is DOWN when one of them is. A registered stream's own health stays one
 * call away, under its name. Read from the registry on every call (streams exist only once the
 * registry started).
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

	private final int maxListed;

	public SseHealthContributor(SseStreamRegistry registry, Duration gracePeriod, Status completedStatus,
			Status stoppedStatus, Clock clock, int maxListed) {
		this.registry = registry;
		this.gracePeriod = gracePeriod;
		this.completedStatus = completedStatus;
		this.stoppedStatus = stoppedStatus;
		this.clock = clock;
		this.maxListed = maxListed;
	}

	@Override
	public @Nullable HealthContributor getContributor(String name) {
		SseStreamContainer container = this.registry.getContainer(name);
		if (container != null && this.registry.isDeclared(name)) {
			return indicator(container);
		}
		List<SseStreamContainer> group = registered().getOrDefault(name, List.of());
		if (!group.isEmpty()) {
			return (HealthIndicator) () -> groupHealth(group);
		}
		return (container != null) ? indicator(container) : null;
	}

	@Override
	public Stream<Entry> stream() {
		Stream<Entry> declared = this.registry.getContainers()
			.stream()
			.filter((container) -> this.registry.isDeclared(container.getName()))
			.map((container) -> new Entry(container.getName(), indicator(container)));
		Stream<Entry> groups = registered().entrySet()
			.stream()
			.map((group) -> new Entry(group.getKey(), (HealthIndicator) () -> groupHealth(group.getValue())));
		return Stream.concat(declared, groups);
	}

	/** The streams registered at run time, by template ({@code registered} for bare requests). */
	private Map<String, List<SseStreamContainer>> registered() {
		Map<String, List<SseStreamContainer>> groups = new TreeMap<>();
		for (SseStreamContainer container : this.registry.getContainers()) {
			if (!this.registry.isDeclared(container.getName())) {
				String template = container.getDefinition().template();
				groups.computeIfAbsent((template != null) ? template : StreamDefinition.REGISTERED, (key) -> new ArrayList<>())
					.add(container);
			}
		}
		return groups;
	}

	private Health groupHealth(List<SseStreamContainer> streams) {
		Map<String, Integer> states = new TreeMap<>();
		List<String> down = new ArrayList<>();
		int downCount = 0;
		for (SseStreamContainer stream : streams) {
			StreamSnapshot snapshot = stream.snapshot();
			String state = snapshot.isStandby() ? "STANDBY" : snapshot.state().name();
			states.merge(state, 1, Integer::sum);
			if (Status.DOWN.equals(status(snapshot))) {
				downCount++;
				if (down.size() < this.maxListed) {
					down.add(stream.getName());
				}
			}
		}
		Health.Builder health = (downCount > 0) ? Health.down() : Health.up();
		health.withDetail("streams", streams.size()).withDetail("states", states).withDetail("down", downCount);
		if (!down.isEmpty()) {
			health.withDetail("downStreams", down);
		}
		return health.build();
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
