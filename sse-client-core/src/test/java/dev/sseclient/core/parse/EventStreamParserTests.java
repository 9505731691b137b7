package dev.sseclient.core.parse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Vectors derived from the WHATWG HTML "event stream interpretation" section. Every vector is
 * fed whole, one byte at a time, split in two at every position, and (when short) split in
 * three at every pair of positions: all must give the same result.
 */
class EventStreamParserTests {

	static Stream<Arguments> vectors() {
		return Stream.of(
				vector("single event", "data: hello\n\n", "event(|message|hello)"),
				vector("multi-line data joined with LF", "data: YHOO\ndata: +2\ndata: 10\n\n",
						"event(|message|YHOO\n+2\n10)"),
				vector("spec example: ids and a discarded last event",
						": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n",
						"comment(test stream)", "lastEventId(1)", "event(1|message|first event)", "lastEventId()",
						"event(|message|second event)"),
				vector("only one space is removed", "data:  two spaces\n\n", "event(|message| two spaces)"),
				vector("spec example: empty data lines", "data\n\ndata\ndata\n\ndata:\n", "event(|message|)",
						"event(|message|\n)"),
				vector("with and without the space", "data:test\n\ndata: test\n\n", "event(|message|test)",
						"event(|message|test)"),
				vector("CRLF line ends", "data: a\r\ndata: b\r\n\r\n", "event(|message|a\nb)"),
				vector("lone CR line ends", "data: a\rdata: b\r\r", "event(|message|a\nb)"),
				vector("mixed line ends", "data: a\rdata: b\n\r\ndata: c\r\n\n", "event(|message|a\nb)",
						"event(|message|c)"),
				vector("CR CR is two line ends, not one", "data: a\r\r\r\ndata: b\n\n", "event(|message|a)",
						"event(|message|b)"),
				vector("leading BOM is stripped", "\uFEFFdata: a\n\n", "event(|message|a)"),
				vector("second BOM is part of the field name", "\uFEFF\uFEFFdata: a\n\ndata: b\n\n",
						"event(|message|b)"),
				vector("BOM inside data is kept", "data: \uFEFFx\n\n", "event(|message|\uFEFFx)"),
				vector("comment without space", ":hello\n", "comment(hello)"),
				vector("comment keeps extra spaces", ":  two\n", "comment( two)"),
				vector("empty comment", ":\n", "comment()"),
				vector("comments do not dispatch", "data: a\n: ping\n\n", "comment(ping)", "event(|message|a)"),
				vector("field without colon has empty value", "data\n\n", "event(|message|)"),
				vector("field names are case-sensitive", "Data: x\n\nDATA: y\n\n"),
				vector("a tab after the colon is kept", "data:\tx\n\n", "event(|message|\tx)"),
				vector("colon inside the value", "data: a:b: c\n\n", "event(|message|a:b: c)"),
				vector("event type applies to one event",
						"event: add\ndata: 1\n\ndata: 2\n\n", "event(|add|1)", "event(|message|2)"),
				vector("empty event type means message", "event:\ndata: 1\n\n", "event(|message|1)"),
				vector("event without data dispatches nothing and resets the type",
						"event: x\n\ndata: y\n\n", "event(|message|y)"),
				vector("event type is not trimmed", "event:  spaced \ndata: 1\n\n", "event(| spaced |1)"),
				vector("id persists across events", "id: 1\ndata: a\n\ndata: b\n\n", "lastEventId(1)",
						"event(1|message|a)", "event(1|message|b)"),
				vector("id is not trimmed", "id:  7 \ndata: a\n\n", "lastEventId( 7 )", "event( 7 |message|a)"),
				vector("id containing NUL is ignored", "id: 1\n\nid: a\u0000b\ndata: x\n\n", "lastEventId(1)",
						"event(1|message|x)"),
				vector("empty id resets", "id: 1\ndata: a\n\nid\ndata: b\n\n", "lastEventId(1)",
						"event(1|message|a)", "lastEventId()", "event(|message|b)"),
				vector("id without data moves the last-event-ID", "id: 5\n\n", "lastEventId(5)"),
				vector("retry digits", "retry: 1000\n", "retry(1000)"),
				vector("retry with leading zeros", "retry: 007\n", "retry(7)"),
				vector("retry rejects anything but digits", "retry: 10a\nretry: -1\nretry:\nretry:  100\nretry: 1.5\n"),
				vector("retry does not dispatch", "data: a\nretry: 5\n\n", "retry(5)", "event(|message|a)"),
				vector("huge retry saturates", "retry: 99999999999999999999999\n", "retry(" + Long.MAX_VALUE + ")"),
				vector("unknown fields are ignored", "foo: bar\ndata: x\nfoo\n\n", "event(|message|x)"),
				vector("a line of one space is not blank", "data: a\n \n\n", "event(|message|a)"),
				vector("partial event at end of stream is discarded", "data: a\n\nid: 9\ndata: x\n",
						"event(|message|a)"),
				vector("unterminated last line is discarded", "data: a\n\ndata: b", "event(|message|a)"),
				vector("multi-byte characters", "data: héllo €𝄞 日本\n\n", "event(|message|héllo €𝄞 日本)"),
				vector("multi-byte id and type", "id: ü1\nevent: ñ\ndata: x\n\n", "lastEventId(ü1)",
						"event(ü1|ñ|x)"));
	}

	static Stream<Arguments> invalidUtf8Vectors() {
		return Stream.of(
				Arguments.of("bytes that never start a character", bytes("data: ", 0xFF, 0xFE, "a\n\n"),
						List.of("event(|message|\uFFFD\uFFFDa)")),
				Arguments.of("truncated sequence before LF", bytes("data: ", 0xE2, 0x82, "\n\n"),
						List.of("event(|message|\uFFFD)")),
				Arguments.of("truncated sequence between data lines", bytes("data: ", 0xE2, 0x82, "\ndata: b\n\n"),
						List.of("event(|message|\uFFFD\nb)")),
				Arguments.of("overlong NUL in id is not NUL", bytes("id: ", 0xC0, 0x80, "\ndata: x\n\n"),
						List.of("lastEventId(\uFFFD\uFFFD)", "event(\uFFFD\uFFFD|message|x)")),
				Arguments.of("half a BOM is data", bytes(0xEF, 0xBB, "data: x\n\ndata: y\n\n"),
						List.of("event(|message|y)")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("vectors")
	void parsesVectorAlikeForEveryChunking(String name, byte[] input, List<String> expected) {
		assertSameForEveryChunking(input, expected);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidUtf8Vectors")
	void replacesInvalidUtf8ForEveryChunking(String name, byte[] input, List<String> expected) {
		assertSameForEveryChunking(input, expected);
	}

	@Test
	void lastEventIdCarriesOverToTheNextConnection() {
		Recorder recorder = new Recorder();
		EventStreamParser first = new EventStreamParser(recorder);
		first.feed(utf8("id: 41\ndata: a\n\nid: 42\ndata: partial\n"));
		first.endOfStream();
		assertThat(first.getLastEventId()).isEqualTo("41");

		EventStreamParser second = new EventStreamParser(recorder, first.getLastEventId(), 100, 100);
		second.feed(utf8("data: b\n\n"));
		assertThat(recorder.items).containsExactly("lastEventId(41)", "event(41|message|a)", "event(41|message|b)");
	}

	@Test
	void lineOverTheLimitFailsWithinOneChunk() {
		EventStreamParser parser = new EventStreamParser(new Recorder(), "", 10, 100);
		assertThatExceptionOfType(EventStreamLimitException.class)
			.isThrownBy(() -> parser.feed(utf8(": 0123456789\n")))
			.withMessage("The server sent a line larger than the limit of 10 bytes")
			.satisfies((ex) -> assertThat(ex.isRetryable()).isTrue());
	}

	@Test
	void lineOverTheLimitFailsBeforeItEndsWhenItArrivesInPieces() {
		EventStreamParser parser = new EventStreamParser(new Recorder(), "", 10, 100);
		parser.feed(utf8("data: 0"));
		assertThatExceptionOfType(EventStreamLimitException.class).isThrownBy(() -> parser.feed(utf8("123456")))
			.satisfies((ex) -> assertThat(ex.getWhat()).isEqualTo("a line"));
	}

	@Test
	void eventOverTheLimitFailsEvenWhenEachLineFits() {
		EventStreamParser parser = new EventStreamParser(new Recorder(), "", 100, 10);
		parser.feed(utf8("data: 12345\n"));
		assertThatExceptionOfType(EventStreamLimitException.class)
			.isThrownBy(() -> parser.feed(utf8("data: 67890\n")))
			.withMessage("The server sent an event larger than the limit of 10 bytes");
	}

	@Test
	void eventExactlyAtTheLimitIsAccepted() {
		Recorder recorder = new Recorder();
		EventStreamParser parser = new EventStreamParser(recorder, "", 100, 10);
		parser.feed(utf8("data: 1234\ndata: 56789\n\n"));
		assertThat(recorder.items).containsExactly("event(|message|1234\n56789)");
	}

	@Test
	void tenMegabyteEventArrivingInSmallChunks() {
		int size = 10 * 1024 * 1024;
		byte[] input = new byte[size + 8];
		System.arraycopy(utf8("data: "), 0, input, 0, 6);
		java.util.Arrays.fill(input, 6, size + 6, (byte) 'x');
		input[size + 6] = '\n';
		input[size + 7] = '\n';
		List<String> data = new ArrayList<>();
		EventStreamParser parser = new EventStreamParser((id, type, payload) -> data.add(payload), "", size + 6, size);
		for (int offset = 0; offset < input.length; offset += 8192) {
			parser.feed(input, offset, Math.min(8192, input.length - offset));
		}
		assertThat(data).hasSize(1);
		assertThat(data.get(0)).hasSize(size).matches("x+");
	}

	private static void assertSameForEveryChunking(byte[] input, List<String> expected) {
		assertThat(parseInChunks(input, input.length)).as("whole").isEqualTo(expected);
		assertThat(parseInChunks(input, 1)).as("one byte at a time").isEqualTo(expected);
		for (int split = 0; split <= input.length; split++) {
			assertThat(parse(input, split)).as("split at %d", split).isEqualTo(expected);
		}
		if (input.length <= 80) {
			for (int first = 0; first <= input.length; first++) {
				for (int second = first; second <= input.length; second++) {
					assertThat(parse(input, first, second)).as("split at %d and %d", first, second).isEqualTo(expected);
				}
			}
		}
	}

	private static List<String> parseInChunks(byte[] input, int chunkSize) {
		Recorder recorder = new Recorder();
		EventStreamParser parser = new EventStreamParser(recorder);
		for (int offset = 0; offset < input.length; offset += chunkSize) {
			parser.feed(input, offset, Math.min(chunkSize, input.length - offset));
		}
		parser.endOfStream();
		return recorder.items;
	}

	private static List<String> parse(byte[] input, int... splits) {
		Recorder recorder = new Recorder();
		EventStreamParser parser = new EventStreamParser(recorder);
		int start = 0;
		for (int split : splits) {
			parser.feed(input, start, split - start);
			start = split;
		}
		parser.feed(input, start, input.length - start);
		parser.endOfStream();
		return recorder.items;
	}

	private static Arguments vector(String name, String input, String... expected) {
		return Arguments.of(name, utf8(input), List.of(expected));
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] bytes(Object... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (Object part : parts) {
			if (part instanceof Integer value) {
				out.write(value);
			}
			else {
				out.writeBytes(utf8((String) part));
			}
		}
		return out.toByteArray();
	}

	private static final class Recorder implements EventStreamHandler {

		final List<String> items = new ArrayList<>();

		@Override
		public void onEvent(String lastEventId, String type, String data) {
			this.items.add("event(" + lastEventId + "|" + type + "|" + data + ")");
		}

		@Override
		public void onComment(String comment) {
			this.items.add("comment(" + comment + ")");
		}

		@Override
		public void onRetry(long millis) {
			this.items.add("retry(" + millis + ")");
		}

		@Override
		public void onLastEventIdChanged(String lastEventId) {
			this.items.add("lastEventId(" + lastEventId + ")");
		}

	}

	@Test
	void lineBreakSearchEightBytesAtATimeFindsTheFirstCrOrLfAnywhere() {
		Random random = new Random(42);
		byte[] alphabet = { '\n', '\r', 0, 1, 0x0B, 0x0C, 0x0E, (byte) 0x8A, (byte) 0x8D, (byte) 0xFF, 'a', ':' };
		for (int round = 0; round < 20_000; round++) {
			byte[] bytes = new byte[random.nextInt(40)];
			for (int i = 0; i < bytes.length; i++) {
				bytes[i] = (random.nextInt(4) == 0) ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
			}
			int from = (bytes.length == 0) ? 0 : random.nextInt(bytes.length);
			int end = from + ((bytes.length == from) ? 0 : random.nextInt(bytes.length - from + 1));
			int expected = -1;
			for (int i = from; i < end; i++) {
				if (bytes[i] == '\n' || bytes[i] == '\r') {
					expected = i;
					break;
				}
			}
			assertThat(EventStreamParser.nextLineBreak(bytes, from, end)).as("round %d", round).isEqualTo(expected);
		}
	}

	@Test
	void randomStreamsParseAlikeWholeAndInRandomChunks() {
		Random random = new Random(7);
		String[] lines = { "data: a", "data: \u00e9t\u00e9 long enough to span words", "data", "id: 12", "id",
				"event: tick", "event:", ": comment", "retry: 30", "", "", "x: y", "data:x\ry" };
		String[] ends = { "\n", "\r", "\r\n" };
		for (int round = 0; round < 2_000; round++) {
			StringBuilder text = new StringBuilder();
			for (int i = random.nextInt(30); i > 0; i--) {
				text.append(lines[random.nextInt(lines.length)]).append(ends[random.nextInt(ends.length)]);
			}
			byte[] input = utf8(text.toString());
			List<String> whole = parseInChunks(input, Math.max(1, input.length));
			int[] splits = random.ints(random.nextInt(6), 0, input.length + 1).sorted().toArray();
			assertThat(parse(input, splits)).as("%s split at %s", text, Arrays.toString(splits))
				.isEqualTo(whole);
			assertThat(parseInChunks(input, 1)).as("%s byte by byte", text).isEqualTo(whole);
		}
	}

}
