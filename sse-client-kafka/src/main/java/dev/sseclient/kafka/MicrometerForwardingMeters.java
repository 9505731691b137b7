package dev.sseclient.kafka;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import dev.sseclient.container.StreamDefinition;

/**
 * A stream's forwarding meters, made once; tagged as the stream's other meters are
 * ({@code stream} is the template's name for streams that share their template's meters).
 * <ul>
 * <li>{@code sse.client.kafka.records} (counter): records sent;</li>
 * <li>{@code sse.client.kafka.batches} (counter, {@code outcome}: {@code forwarded},
 * {@code failed}): tries of a batch;</li>
 * <li>{@code sse.client.kafka.batch.duration} (timer): from a batch's send to Kafka taking it
 * (with exactly-once, to its commit);</li>
 * <li>{@code sse.client.kafka.records.too.large} (counter): events past the producer's
 * {@code max.request.size}.</li>
 * </ul>
 */
final class MicrometerForwardingMeters implements ForwardingMeters {

	private final Counter records;

	private final Counter forwarded;

	private final Counter failed;

	private final Timer duration;

	private final Counter tooLarge;

	MicrometerForwardingMeters(MeterRegistry registry, StreamDefinition definition, ForwardSettings settings) {
		Tags tags = Tags.of("stream", definition.meterStream(), "template", definition.meterTemplate(), "topic",
				settings.topic());
		this.records = Counter.builder("sse.client.kafka.records").description("Records forwarded to Kafka").tags(tags)
			.register(registry);
		this.forwarded = Counter.builder("sse.client.kafka.batches").description("Tries of a forwarded batch")
			.tags(tags.and("outcome", "forwarded")).register(registry);
		this.failed = Counter.builder("sse.client.kafka.batches").description("Tries of a forwarded batch")
			.tags(tags.and("outcome", "failed")).register(registry);
		this.duration = Timer.builder("sse.client.kafka.batch.duration")
			.description("Time from a batch's send to Kafka taking it (its commit with exactly-once)").tags(tags)
			.register(registry);
		this.tooLarge = Counter.builder("sse.client.kafka.records.too.large")
			.description("Events too large for the producer's max.request.size").tags(tags).register(registry);
	}

	@Override
	public void batchForwarded(int records, long nanos) {
		this.records.increment(records);
		this.forwarded.increment();
		this.duration.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void batchFailed() {
		this.failed.increment();
	}

	@Override
	public void tooLarge() {
		this.tooLarge.increment();
	}

}
