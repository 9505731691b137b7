package dev.sseclient.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the server sends reaches the application in wire order, whatever the chunking: events,
 * comments and connection signals alike, through {@link SseStream#items()} and through
 * {@link SseStream#events()} with {@link SseStream#signals()} beside it.
 */
class WireOrderTests {

	private static final Duration BETWEEN_WRITES = Duration.ofMillis(1);

	private final SseTestServer server = SseTestServer.start();

	private final SseClient client = SseClient.create();

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void commentsBetweenEventsOfOneReadArriveBetweenThem() {
		String wire = "data: A\n\n:c1\ndata: B\n\n:c2\n";
		List<String> expected = List.of("opened", "event A", "comment c1", "event B", "comment c2", "closed COMPLETED");
		assertThat(throughItems(List.of(wire))).containsExactlyElementsOf(expected);
		assertThat(throughEventsAndSignals(List.of(wire))).containsExactlyElementsOf(expected);
	}

	@Test
	void aCommentWrittenJustAfterAnEventComesAfterIt() {
		List<String> writes = List.of("data: Hello\n\n", ":Hello\n");
		List<String> expected = List.of("opened", "event Hello", "comment Hello", "closed COMPLETED");
		assertThat(throughItems(writes)).containsExactlyElementsOf(expected);
		assertThat(throughEventsAndSignals(writes)).containsExactlyElementsOf(expected);
	}

	@Test
	void randomStreamsKeepWireOrderWholeByteByByteAndAtEverySplitPoint() {
		Random random = new Random(20261201);
		for (int round = 0; round < 4; round++) {
			RandomStream stream = RandomStream.generate(random, 8);
			byte[] bytes = stream.wire.getBytes(StandardCharsets.UTF_8);
			assertThat(throughItems(List.of(stream.wire))).as("whole: %s", stream.wire)
				.containsExactlyElementsOf(stream.expected);
			assertThat(throughEventsAndSignals(List.of(stream.wire))).as("whole: %s", stream.wire)
				.containsExactlyElementsOf(stream.expected);
			List<byte[]> singleBytes = new ArrayList<>();
			for (byte b : bytes) {
				singleBytes.add(new byte[] { b });
			}
			assertThat(throughItemsOfBytes(singleBytes, true)).as("byte by byte: %s", stream.wire)
				.containsExactlyElementsOf(stream.expected);
			assertThat(throughItemsOfBytes(singleBytes, false)).as("byte by byte: %s", stream.wire)
				.containsExactlyElementsOf(stream.expected);
			if (round == 0) {
				for (int split = 1; split < bytes.length; split++) {
					List<byte[]> halves = List.of(java.util.Arrays.copyOfRange(bytes, 0, split),
							java.util.Arrays.copyOfRange(bytes, split, bytes.length));
					boolean items = split % 2 == 0;
					assertThat(throughItemsOfBytes(halves, items)).as("split at %d of %s", split, stream.wire)
						.containsExactlyElementsOf(stream.expected);
				}
			}
		}
	}

	@Test
	void reconnectsAndTheEndComeAfterTheEventsBeforeThem() {
		this.server.enqueue(SseScript.stream().send("id: 1\ndata: a\n\n:bye\n").end());
		this.server.enqueue(SseScript.stream().send("id: 2\ndata: b\n\n").end());
		this.server.enqueue(SseScript.status(404));
		SseRequest request = SseRequest.get(this.server.url("/feed"))
			.reconnect(ReconnectOptions.defaults().withDelays(Duration.ofMillis(10), Duration.ofMillis(10)).withJitter(0))
			.build();
		List<String> expected = List.of("opened", "event a", "comment bye", "failed", "retrying", "opened", "event b",
				"failed", "retrying", "failed", "closed FAILED");
		assertThat(collect(this.client.stream(request), true)).containsExactlyElementsOf(expected);
	}

	private List<String> throughItems(List<String> writes) {
		return throughItemsOfBytes(writes.stream().map((write) -> write.getBytes(StandardCharsets.UTF_8)).toList(), true);
	}

	private List<String> throughEventsAndSignals(List<String> writes) {
		return throughItemsOfBytes(writes.stream().map((write) -> write.getBytes(StandardCharsets.UTF_8)).toList(),
				false);
	}

	/** One connection that writes {@code writes} apart and ends; the stream completes then. */
	private List<String> throughItemsOfBytes(List<byte[]> writes, boolean items) {
		SseScript script = SseScript.stream();
		for (byte[] write : writes) {
			script.send(write).pause(BETWEEN_WRITES);
		}
		this.server.enqueue(script.end());
		SseRequest request = SseRequest.get(this.server.url("/feed")).reconnect(ReconnectOptions.disabled()).build();
		return collect(this.client.stream(request), items);
	}

	/** What reached the application, up to the stream's end: the end of the items, or of the signals. */
	private static List<String> collect(SseStream stream, boolean items) {
		List<String> seen = new CopyOnWriteArrayList<>();
		CountDownLatch ended = new CountDownLatch(1);
		if (items) {
			stream.items().doFinally((signal) -> ended.countDown()).subscribe((item) -> seen.add(describe(item)));
		}
		else {
			stream.signals().doFinally((signal) -> ended.countDown()).subscribe((signal) -> seen.add(describe(signal)));
			stream.events().subscribe((event) -> seen.add(describe(event)), (error) -> {
			});
		}
		try {
			assertThat(ended.await(20, TimeUnit.SECONDS)).as("the stream ended").isTrue();
			return List.copyOf(seen);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		finally {
			stream.close();
		}
	}

	static String describe(SseItem item) {
		if (item instanceof SseEvent event) {
			return "event " + event.data();
		}
		if (item instanceof SseSignal.Comment comment) {
			return "comment " + comment.text();
		}
		if (item instanceof SseSignal.Closed closed) {
			return "closed " + closed.state();
		}
		return item.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
	}

	/** Events and comments in random order, with every kind of line end and some multi-byte text. */
	record RandomStream(String wire, List<String> expected) {

		private static final String[] LINE_ENDS = { "\n", "\r", "\r\n" };

		private static final String[] WORDS = { "a", "tick", "é", "価格", "🙂", "x y", "" };

		static RandomStream generate(Random random, int items) {
			StringBuilder wire = new StringBuilder();
			List<String> expected = new ArrayList<>();
			expected.add("opened");
			for (int i = 0; i < items; i++) {
				String end = LINE_ENDS[random.nextInt(LINE_ENDS.length)];
				String text = WORDS[random.nextInt(WORDS.length)] + i;
				if (random.nextInt(3) == 0) {
					wire.append(':').append(random.nextBoolean() ? " " : "").append(text).append(end);
					expected.add("comment " + text);
				}
				else {
					if (random.nextBoolean()) {
						wire.append("id: ").append(i).append(end);
					}
					if (random.nextBoolean()) {
						wire.append("event: t").append(i).append(end);
					}
					wire.append("data: ").append(text).append(end);
					String data = text;
					if (random.nextBoolean()) {
						wire.append("data:").append(text).append(end);
						data = text + "\n" + text;
					}
					wire.append(end);
					expected.add("event " + data);
				}
			}
			expected.add("closed COMPLETED");
			return new RandomStream(wire.toString(), expected);
		}

	}

}
