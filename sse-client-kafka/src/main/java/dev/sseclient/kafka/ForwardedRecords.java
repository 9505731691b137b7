package dev.sseclient.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import dev.sseclient.core.SseEvent;

/**
 * Makes a stream's records: the event's data as the value, as bytes; the key its settings ask
 * for; the event's id, type, stream and receive time as headers. An event whose record would
 * pass the producer's {@code max.request.size} is set apart, with a dead-letter record (headers
 * and no value) when a dead-letter topic is configured.
 */
final class ForwardedRecords {

	static final String ID_HEADER = "sse-id";

	static final String TYPE_HEADER = "sse-event";

	static final String STREAM_HEADER = "sse-stream";

	static final String RECEIVED_AT_HEADER = "sse-received-at";

	static final String SIZE_HEADER = "sse-size";

	/** What Kafka adds to a record beyond its key, value and headers, give or take. */
	private static final int RECORD_OVERHEAD = 128;

	private final String topic;

	private final Function<SseEvent, byte @Nullable []> key;

	private final int maxRecordSize;

	private final @Nullable String deadLetterTopic;

	/** The stream's name as a header value, made once rather than per event. */
	private final byte[] stream;

	ForwardedRecords(String stream, String topic, Function<SseEvent, byte @Nullable []> key, int maxRecordSize,
			@Nullable String deadLetterTopic) {
		this.stream = bytes(stream);
		this.topic = topic;
		this.key = key;
		this.maxRecordSize = maxRecordSize;
		this.deadLetterTopic = deadLetterTopic;
	}

	String topic() {
		return this.topic;
	}

	boolean hasDeadLetterTopic() {
		return this.deadLetterTopic != null;
	}

	Records of(List<SseEvent> events) {
		List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.size());
		List<TooLarge> tooLarge = new ArrayList<>(0);
		for (SseEvent event : events) {
			byte[] value = event.data().getBytes(StandardCharsets.UTF_8);
			byte[] recordKey = this.key.apply(event);
			int size = value.length + ((recordKey != null) ? recordKey.length : 0) + event.id().length()
					+ event.type().length() + this.stream.length + RECORD_OVERHEAD;
			if (size > this.maxRecordSize) {
				tooLarge.add(new TooLarge(event.id(), size));
				if (this.deadLetterTopic != null) {
					ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(this.deadLetterTopic, recordKey, null);
					headers(dead.headers(), event).add(SIZE_HEADER, String.valueOf(value.length).getBytes(StandardCharsets.UTF_8));
					records.add(dead);
				}
				continue;
			}
			ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(this.topic, recordKey, value);
			headers(record.headers(), event);
			records.add(record);
		}
		return new Records(records, tooLarge);
	}

	private Headers headers(Headers headers, SseEvent event) {
		return headers.add(ID_HEADER, bytes(event.id()))
			.add(TYPE_HEADER, bytes(event.type()))
			.add(STREAM_HEADER, this.stream)
			.add(RECEIVED_AT_HEADER, bytes(event.receivedAt().toString()));
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	/** A batch's records, and the events set apart as too large. */
	record Records(List<ProducerRecord<byte[], byte[]>> records, List<TooLarge> tooLarge) {
	}

	/** An event too large to forward: its id and the size its record would have had. */
	record TooLarge(String id, int size) {
	}

}
