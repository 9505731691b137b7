package dev.sseclient.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of forwarding into Kafka: DOWN while a forwarded stream waits for Kafka to take a batch,
 * or after Kafka refused one for good; UP otherwise. Counts per state, records forwarded, and
 * the first streams in trouble with their error.
 */
final class KafkaForwardingHealthIndicator extends AbstractHealthIndicator {

	/** Streams in trouble listed by name at most; the rest are counted. */
	static final int MAX_LISTED = 10;

	private final KafkaForwarders forwarders;

	KafkaForwardingHealthIndicator(KafkaForwarders forwarders) {
		super("Kafka forwarding health check failed");
		this.forwarders = forwarders;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Map<String, Integer> states = new TreeMap<>();
		Map<String, Object> troubled = new LinkedHashMap<>();
		long forwarded = 0;
		boolean down = false;
		for (StreamForwarder forwarder : this.forwarders.forwarders()) {
			StreamForwarder.State state = forwarder.state();
			states.merge(state.name(), 1, Integer::sum);
			forwarded += forwarder.forwarded();
			if (state == StreamForwarder.State.RETRYING || state == StreamForwarder.State.STOPPED) {
				down = true;
				if (troubled.size() < MAX_LISTED) {
					Map<String, Object> details = new LinkedHashMap<>();
					details.put("topic", forwarder.settings().topic());
					details.put("state", state.name());
					details.put("since", String.valueOf(forwarder.stateSince()));
					details.put("error", String.valueOf(forwarder.lastError()));
					troubled.put(forwarder.stream(), details);
				}
			}
		}
		(down ? builder.down() : builder.up()).withDetail("streams", states)
			.withDetail("forwarded", forwarded);
		if (!troubled.isEmpty()) {
			builder.withDetail("troubled", troubled);
		}
	}

}
