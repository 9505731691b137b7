package dev.sseclient.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sseclient.core.SseEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two producers of one exactly-once stream, in the one order that a run of two instances meets
 * only by chance: after a failed try the forwarder finds its own checkpoint, takes the
 * transactional id back, and then finds that the other producer committed in between. It goes
 * on from that checkpoint, and the other one is fenced. Real broker and producers throughout;
 * the order is forced by running the other producer's commit just before the forwarder takes
 * the id back.
 */
class CheckpointMovedTests {

	private static final String STREAM = "changes";

	private final String topic = TestBroker.uniqueTopic("moved");

	private final String transactionalId = this.topic + "-" + STREAM;

	private final CheckpointTopic checkpoints = new CheckpointTopic(this.topic + "-checkpoints",
			Map.of("bootstrap.servers", TestBroker.bootstrapServers()), Duration.ofSeconds(30));

	private final TransactionalDelivery own = new TransactionalDelivery(producerConfig(), this.transactionalId);

	private final TransactionalDelivery other = new TransactionalDelivery(producerConfig(), this.transactionalId);

	@AfterEach
	void close() {
		this.own.close();
		this.other.close();
	}

	@Test
	void aForwarderThatTookTheIdBackAfterAnotherProducerCommittedGoesOnFromThatCheckpoint() throws Exception {
		InterleavingDelivery delivery = new InterleavingDelivery();
		StreamForwarder forwarder = forwarder(delivery);
		forwarder.takeOver();
		forwarder.resumedFrom(this.checkpoints.read(List.of(STREAM)).get(STREAM));
		forwarder.onEvents(events(1, 2));

		// the next batch fails with a retryable error; before the forwarder's next try takes the id back,
		// the other producer (an instance started beside it) commits events 3 to 6
		delivery.failNextSend = true;
		delivery.beforeTakingTheIdBack = () -> {
			this.other.prepare();
			this.other.send(records(3, 6), this.checkpoints.record(STREAM, "6", UUID.randomUUID().toString()));
		};
		assertThatExceptionOfType(CheckpointMovedException.class).isThrownBy(() -> forwarder.onEvents(events(3, 4)))
			.satisfies((moved) -> assertThat(moved.lastEventId()).isEqualTo("6"));
		assertThat(forwarder.state()).isNotEqualTo(StreamForwarder.State.STOPPED);

		// the other one is fenced; the forwarder goes on from event 6, as the restarted stream gives it
		assertThatThrownBy(() -> this.other.send(records(7, 7), this.checkpoints.record(STREAM, "7", "late")))
			.isInstanceOfAny(ProducerFencedException.class, InvalidProducerEpochException.class);
		forwarder.onEvents(events(7, 8));

		assertThat(TestBroker.readCommitted(this.topic, 8, Duration.ofSeconds(60)))
			.extracting((record) -> Integer.parseInt(TestBroker.header(record, "sse-id")))
			.containsExactlyElementsOf(IntStream.rangeClosed(1, 8).boxed().toList());
		assertThat(this.checkpoints.read(List.of(STREAM)).get(STREAM).lastEventId()).isEqualTo("8");
	}

	@Test
	void aForwarderThatFindsAnotherProducersCheckpointBeforeTakingTheIdBackStops() throws Exception {
		InterleavingDelivery delivery = new InterleavingDelivery();
		StreamForwarder forwarder = forwarder(delivery);
		forwarder.takeOver();
		forwarder.resumedFrom(null);
		forwarder.onEvents(events(1, 2));
		// the other producer takes the id and commits while the forwarder's batch fails: it is the one running
		// the stream now, and the forwarder leaves it be
		delivery.failNextSend = true;
		delivery.afterFailure = () -> {
			this.other.prepare();
			this.other.send(records(3, 6), this.checkpoints.record(STREAM, "6", UUID.randomUUID().toString()));
		};
		assertThatExceptionOfType(KafkaForwardingException.class).isThrownBy(() -> forwarder.onEvents(events(3, 4)))
			.withMessageContaining("another producer committed");
		this.other.send(records(7, 7), this.checkpoints.record(STREAM, "7", UUID.randomUUID().toString()));
		assertThat(TestBroker.readCommitted(this.topic, 7, Duration.ofSeconds(60))).hasSize(7);
	}

	/** A forwarder of the stream to its new topic, as the module makes one, over {@code delivery}. */
	private StreamForwarder forwarder(Delivery delivery) {
		TestBroker.createTopic(this.topic, 1);
		TestBroker.createTopic(this.checkpoints.name(), 1);
		return new StreamForwarder(STREAM, new ForwardSettings(this.topic, "stream", true, "forward.kafka.topic"),
				new ForwardedRecords(STREAM, this.topic, (event) -> null, 1024 * 1024, null), delivery, this.checkpoints,
				ForwardingMeters.NONE, Duration.ofMillis(10), Duration.ofMillis(50), () -> true);
	}

	private static List<SseEvent> events(int from, int to) {
		return IntStream.rangeClosed(from, to)
			.mapToObj((id) -> new SseEvent(STREAM, Integer.toString(id), "message", "event " + id, Instant.now()))
			.toList();
	}

	private List<ProducerRecord<byte[], byte[]>> records(int from, int to) {
		return new ForwardedRecords(STREAM, this.topic, (event) -> null, 1024 * 1024, null).of(events(from, to)).records();
	}

	private static Map<String, Object> producerConfig() {
		return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
				ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
				ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
	}

	/** The forwarder's own transactional delivery, with the other producer's moves run at chosen points. */
	private final class InterleavingDelivery implements Delivery {

		volatile boolean failNextSend;

		/** Run when the forwarder next readies its producer, after a failure. */
		volatile Step beforeTakingTheIdBack = () -> {
		};

		private Step beforePrepare = () -> {
		};

		volatile Step afterFailure = () -> {
		};

		@Override
		public boolean isTransactional() {
			return true;
		}

		@Override
		public void prepare() {
			Step step = this.beforePrepare;
			this.beforePrepare = () -> {
			};
			step.run();
			CheckpointMovedTests.this.own.prepare();
		}

		@Override
		public void send(List<ProducerRecord<byte[], byte[]>> records, ProducerRecord<byte[], byte[]> checkpoint) {
			if (this.failNextSend) {
				this.failNextSend = false;
				// as a failed commit leaves it: the producer dropped, the next try makes a new one
				CheckpointMovedTests.this.own.close();
				this.afterFailure.run();
				this.beforePrepare = this.beforeTakingTheIdBack;
				throw new TimeoutException("commit went unanswered");
			}
			CheckpointMovedTests.this.own.send(records, checkpoint);
		}

		@Override
		public void close() {
			CheckpointMovedTests.this.own.close();
		}

	}

	@FunctionalInterface
	private interface Step {

		void run();

	}

}
