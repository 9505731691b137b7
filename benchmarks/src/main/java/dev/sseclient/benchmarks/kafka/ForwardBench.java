package dev.sseclient.benchmarks.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Forwarding a stream into Kafka, one run per JVM, printing one {@code RESULT} line:
 * <pre>
 * ForwardBench broker                                  a KRaft broker; prints BOOTSTRAP host:port
 * ForwardBench topic  bootstrap name                   makes a one-partition topic
 * ForwardBench ours   bootstrap url count topic eos    a Boot application forwarding from YAML settings
 * ForwardBench bridge bootstrap url count topic        okhttp-sse and a KafkaProducer, written by hand
 * </pre>
 * The application's stream has {@code buffer-size} and {@code max-batch-size} 4096 (system
 * properties {@code buffer} and {@code batch} change them): with the defaults (256, 500) a batch
 * is at most 256 events, one round trip to the broker each.
 * Events per second are counted from the first record Kafka took to the last, so that start-up
 * is left out on both sides: the application's meter {@code sse.client.kafka.records}, the
 * bridge's send callbacks.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ForwardBench {

	public static void main(String[] args) throws Exception {
		switch (args[0]) {
			case "broker" -> broker();
			case "topic" -> topic(args[1], args[2]);
			case "ours" -> ours(args[1], args[2], Integer.parseInt(args[3]), args[4], Boolean.parseBoolean(args[5]));
			case "bridge" -> bridge(args[1], args[2], Integer.parseInt(args[3]), args[4]);
			default -> throw new IllegalArgumentException(args[0]);
		}
	}

	private static void broker() throws Exception {
		try (KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(
				new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
			.setConfigProp("offsets.topic.replication.factor", "1")
			.setConfigProp("transaction.state.log.replication.factor", "1")
			.setConfigProp("transaction.state.log.min.isr", "1")
			.build()) {
			kafka.format();
			kafka.startup();
			kafka.waitForReadyBrokers();
			System.out.println("BOOTSTRAP " + kafka.bootstrapServers());
			System.out.flush();
			while (System.in.read() != -1) {
				// runs until the script closes our standard input
			}
		}
	}

	private static void topic(String bootstrap, String name) throws Exception {
		try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
			admin.createTopics(List.of(new NewTopic(name, Optional.of(1), Optional.empty()))).all().get();
		}
	}

	private static void ours(String bootstrap, String url, int count, String topic, boolean exactlyOnce)
			throws InterruptedException {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ForwardBench.class)
			.properties("spring.main.web-application-type=none", "spring.main.banner-mode=off",
					"logging.level.org.apache.kafka=WARN", "spring.kafka.bootstrap-servers=" + bootstrap,
					"sse.client.streams.bench.url=" + url, "sse.client.streams.bench.forward.kafka.topic=" + topic,
					"sse.client.streams.bench.forward.kafka.exactly-once=" + exactlyOnce,
					"sse.client.kafka.checkpoint-topic=" + topic + "-checkpoints",
					"sse.client.kafka.transaction-id-prefix=" + topic + "-",
					// the README's advice for a fast feed: a batch is at most what the buffer holds
					"sse.client.streams.bench.buffer-size=" + System.getProperty("buffer", "4096"),
					"sse.client.kafka.max-batch-size=" + System.getProperty("batch", "4096"))
			.run();
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		long first = 0;
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
		double forwarded = 0;
		while (forwarded < count && System.nanoTime() < deadline) {
			Counter records = meters.find("sse.client.kafka.records").counter();
			forwarded = (records != null) ? records.count() : 0;
			if (first == 0 && forwarded > 0) {
				first = System.nanoTime();
			}
			Thread.sleep(1);
		}
		long elapsed = System.nanoTime() - first;
		context.close();
		result((exactlyOnce ? "ours-exactly-once" : "ours-at-least-once"), count, (long) forwarded, elapsed);
	}

	private static void bridge(String bootstrap, String url, int count, String topic) throws InterruptedException {
		Map<String, Object> config = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
				ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class, ProducerConfig.ACKS_CONFIG, "all",
				ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
		// the producer batch size both clients get when the script passes -Dproducer.batch-size
		String batchSize = System.getProperty("producer.batch-size");
		if (batchSize != null) {
			config.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.parseInt(batchSize));
		}
		byte[] key = "bench".getBytes(StandardCharsets.UTF_8);
		// the records ours writes: the same four headers
		boolean withHeaders = Boolean.getBoolean("headers");
		byte[] stream = "bench".getBytes(StandardCharsets.UTF_8);
		AtomicLong acknowledged = new AtomicLong();
		AtomicLong first = new AtomicLong();
		CountDownLatch done = new CountDownLatch(1);
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
			OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ZERO).build();
			EventSource source = EventSources.createFactory(client)
				.newEventSource(new Request.Builder().url(url).build(), new EventSourceListener() {

					@Override
					public void onEvent(EventSource eventSource, String id, String type, String data) {
						ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key,
								data.getBytes(StandardCharsets.UTF_8));
						if (withHeaders) {
							record.headers()
								.add("sse-id", ((id != null) ? id : "").getBytes(StandardCharsets.UTF_8))
								.add("sse-event", ((type != null) ? type : "message").getBytes(StandardCharsets.UTF_8))
								.add("sse-stream", stream)
								.add("sse-received-at", Instant.now().toString().getBytes(StandardCharsets.UTF_8));
						}
						producer.send(record,
								(metadata, failure) -> {
									if (failure == null && acknowledged.incrementAndGet() == 1) {
										first.set(System.nanoTime());
									}
									if (acknowledged.get() >= count) {
										done.countDown();
									}
								});
					}

					@Override
					public void onFailure(EventSource eventSource, Throwable failure, Response response) {
						if (failure != null) {
							failure.printStackTrace();
						}
					}

				});
			done.await(5, TimeUnit.MINUTES);
			long elapsed = System.nanoTime() - first.get();
			source.cancel();
			client.dispatcher().executorService().shutdown();
			result(withHeaders ? "okhttp-sse-bridge-headers" : "okhttp-sse-bridge", count, acknowledged.get(), elapsed);
		}
	}

	private static void result(String client, int count, long forwarded, long nanos) {
		System.out.printf("RESULT client=%s count=%d forwarded=%d eventsPerSecond=%.0f%n", client, count, forwarded,
				forwarded / (nanos / 1e9));
	}

}
