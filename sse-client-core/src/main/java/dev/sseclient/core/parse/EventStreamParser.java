package dev.sseclient.core.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * A push parser for {@code text/event-stream}, following the WHATWG HTML "event stream
 * interpretation" rules exactly. Feed it byte chunks of any size, in order; it reports events,
 * comments, {@code retry} values and last-event-ID changes to an {@link EventStreamHandler}.
 *
 * <p>It works on bytes: line ends (CRLF, LF, lone CR) and field names are found without
 * decoding, and UTF-8 is decoded once per field value, with invalid sequences replaced by
 * U+FFFD. Lines and events are bounded by configured limits; exceeding one throws
 * {@link EventStreamLimitException} and leaves the parser unusable.
 *
 * <p>One instance parses one connection's response body. The last-event-ID persists across
 * connections: construct the next parser with {@link #getLastEventId()} of the previous one.
 * Not thread-safe.
 */
public final class EventStreamParser {

	/** The default limit for one event's data and for one line: 1 MiB. */
	public static final int DEFAULT_MAX_SIZE = 1024 * 1024;

	private static final byte LF = '\n';

	private static final byte CR = '\r';

	private static final byte COLON = ':';

	private static final byte SPACE = ' ';

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	/** {@link #lastEventId}, for an ordered store and load: other threads read it. */
	private static final VarHandle LAST_EVENT_ID;

	static {
		try {
			LAST_EVENT_ID = MethodHandles.lookup().findVarHandle(EventStreamParser.class, "lastEventId", String.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private static final long ALL_LF = 0x0A0A0A0A0A0A0A0AL;

	private static final long ALL_CR = 0x0D0D0D0D0D0D0D0DL;

	private static final long ALL_ONES = 0x0101010101010101L;

	private static final long ALL_HIGH_BITS = 0x8080808080808080L;

	private static final byte[] BOM = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };

	private static final int BOM_DONE = -1;

	/** Buffers that grew past this are given back after use, so idle streams stay small. */
	private static final int RETAINED_CAPACITY = 8 * 1024;

	/** Buffers start empty (most lines never need one) and grow from this size. */
	private static final int MIN_CAPACITY = 64;

	private static final byte[] NO_BYTES = new byte[0];

	private final EventStreamHandler handler;

	private final int maxLineSize;

	private final int maxEventSize;

	/** Bytes of a line that started in an earlier chunk and has not ended yet. */
	private byte[] line = NO_BYTES;

	private int lineLength;

	/** The previous chunk ended with CR: an LF starting the next chunk belongs to it. */
	private boolean skipLeadingLf;

	/** How many BOM bytes matched so far at stream start, or {@link #BOM_DONE}. */
	private int bomMatched;

	private byte[] data = NO_BYTES;

	private int dataLength;

	/**
	 * An event's first data line, not copied yet: most events have one, and it becomes the
	 * payload straight from the chunk when the event ends in the same chunk. Copied into
	 * {@link #data} when a second line comes or the chunk ends first.
	 */
	private byte @Nullable [] firstLine;

	private int firstLineOffset;

	private int firstLineLength;

	private @Nullable String eventType;

	private byte @Nullable [] lastTypeBytes;

	private @Nullable String lastTypeString;

	/** The spec's "last event ID buffer": set by id fields, committed at the next dispatch. */
	private String lastEventIdBuffer;

	/**
	 * The last-event-ID of the stream: what a reconnection sends. Written by the parsing thread
	 * with an ordered store (no fence), read by others with {@link #getLastEventId()}.
	 */
	private String lastEventId;

	/**
	 * A parser with the default limits and no initial last-event-ID.
	 */
	public EventStreamParser(EventStreamHandler handler) {
		this(handler, "", DEFAULT_MAX_SIZE, DEFAULT_MAX_SIZE);
	}

	/**
	 * @param handler receives what is parsed
	 * @param lastEventId the last-event-ID in effect at stream start (empty for none)
	 * @param maxLineSize the largest line accepted, in bytes, line end excluded
	 * @param maxEventSize the largest event data accepted, in bytes
	 */
	public EventStreamParser(EventStreamHandler handler, String lastEventId, int maxLineSize, int maxEventSize) {
		if (maxLineSize <= 0 || maxEventSize <= 0) {
			throw new IllegalArgumentException("Limits must be positive");
		}
		this.handler = handler;
		this.lastEventId = lastEventId;
		this.lastEventIdBuffer = lastEventId;
		this.maxLineSize = maxLineSize;
		this.maxEventSize = maxEventSize;
	}

	/**
	 * The stream's last-event-ID: the id in effect at the most recent dispatch point. An id set
	 * by an event that never completed is not included. Any thread may ask.
	 */
	public String getLastEventId() {
		return (String) LAST_EVENT_ID.getAcquire(this);
	}

	/**
	 * Parse the next chunk of the stream.
	 * @throws EventStreamLimitException if a line or an event exceeds its limit
	 */
	public void feed(byte[] bytes, int offset, int length) {
		int end = offset + length;
		int position = offset;
		if (this.bomMatched != BOM_DONE) {
			position = skipBom(bytes, position, end);
		}
		if (position < end) {
			scan(bytes, position, end);
		}
	}

	/** Parse the next chunk of the stream. */
	public void feed(byte[] bytes) {
		feed(bytes, 0, bytes.length);
	}

	/**
	 * The stream ended. A partial event (and an id it set) is discarded, as the spec says.
	 */
	public void endOfStream() {
		this.lineLength = 0;
		this.dataLength = 0;
		this.firstLine = null;
		this.eventType = null;
		this.lastEventIdBuffer = this.lastEventId;
		this.line = shrink(this.line);
		this.data = shrink(this.data);
	}

	private int skipBom(byte[] bytes, int position, int end) {
		while (position < end && this.bomMatched < BOM.length) {
			if (bytes[position] != BOM[this.bomMatched]) {
				int matched = this.bomMatched;
				this.bomMatched = BOM_DONE;
				if (matched > 0) {
					scan(BOM, 0, matched);
				}
				return position;
			}
			this.bomMatched++;
			position++;
		}
		if (this.bomMatched == BOM.length) {
			this.bomMatched = BOM_DONE;
		}
		return position;
	}

	private void scan(byte[] bytes, int start, int end) {
		int position = start;
		if (this.skipLeadingLf) {
			this.skipLeadingLf = false;
			if (bytes[position] == LF) {
				position++;
			}
		}
		int lineStart = position;
		while (position < end) {
			int lineEnd = nextLineBreak(bytes, position, end);
			if (lineEnd < 0) {
				break;
			}
			byte b = bytes[lineEnd];
			if (this.lineLength > 0) {
				appendToLine(bytes, lineStart, lineEnd - lineStart);
				processLine(this.line, 0, this.lineLength);
				this.lineLength = 0;
				this.line = shrink(this.line);
			}
			else {
				int length = lineEnd - lineStart;
				if (length > this.maxLineSize) {
					throw new EventStreamLimitException("a line", this.maxLineSize);
				}
				processLine(bytes, lineStart, length);
			}
			position = lineEnd + 1;
			if (b == CR) {
				if (position == end) {
					this.skipLeadingLf = true;
				}
				else if (bytes[position] == LF) {
					position++;
				}
			}
			lineStart = position;
		}
		if (lineStart < end) {
			appendToLine(bytes, lineStart, end - lineStart);
		}
		// the caller may reuse its array once this returns
		copyFirstLine();
	}

	/**
	 * The index of the first CR or LF in {@code bytes[from, end)}, or -1. Tests eight bytes at a
	 * time: a byte equal to CR or LF turns into a zero byte after an XOR, and
	 * {@code (x - 0x01..) & ~x & 0x80..} marks the zero bytes (exactly for the first one, which
	 * is the one taken).
	 */
	static int nextLineBreak(byte[] bytes, int from, int end) {
		int i = from;
		// words may reach past end (not past the array): short lines need no byte-by-byte tail
		for (; i < end && i + Long.BYTES <= bytes.length; i += Long.BYTES) {
			long word = (long) LONGS.get(bytes, i);
			long lf = word ^ ALL_LF;
			long cr = word ^ ALL_CR;
			long found = (((lf - ALL_ONES) & ~lf) | ((cr - ALL_ONES) & ~cr)) & ALL_HIGH_BITS;
			if (found != 0) {
				int index = i + (Long.numberOfTrailingZeros(found) >>> 3);
				return (index < end) ? index : -1;
			}
		}
		for (; i < end; i++) {
			byte b = bytes[i];
			if (b == LF || b == CR) {
				return i;
			}
		}
		return -1;
	}

	private void appendToLine(byte[] bytes, int offset, int length) {
		int needed = this.lineLength + length;
		if (needed > this.maxLineSize) {
			throw new EventStreamLimitException("a line", this.maxLineSize);
		}
		this.line = ensureCapacity(this.line, needed, this.maxLineSize);
		System.arraycopy(bytes, offset, this.line, this.lineLength, length);
		this.lineLength = needed;
	}

	private void processLine(byte[] bytes, int offset, int length) {
		if (length == 0) {
			dispatch();
			return;
		}
		int end = offset + length;
		if (bytes[offset] == COLON) {
			this.handler.onComment(decode(bytes, valueStart(bytes, offset + 1, end), end));
			return;
		}
		// the usual lines first, without searching for the colon
		if (length >= 5 && bytes[offset + 4] == COLON && matches(bytes, offset, "data")) {
			int valueStart = valueStart(bytes, offset + 5, end);
			appendData(bytes, valueStart, end - valueStart);
			return;
		}
		if (length >= 3 && bytes[offset + 2] == COLON && bytes[offset] == 'i' && bytes[offset + 1] == 'd') {
			setId(bytes, valueStart(bytes, offset + 3, end), end);
			return;
		}
		if (length >= 6 && bytes[offset + 5] == COLON && matches(bytes, offset, "event")) {
			this.eventType = decodeType(bytes, valueStart(bytes, offset + 6, end), end);
			return;
		}
		int colon = indexOf(bytes, offset, end, COLON);
		int nameEnd = (colon < 0) ? end : colon;
		int valueStart = (colon < 0) ? end : valueStart(bytes, colon + 1, end);
		switch (nameEnd - offset) {
			case 2 -> {
				if (bytes[offset] == 'i' && bytes[offset + 1] == 'd') {
					setId(bytes, valueStart, end);
				}
			}
			case 4 -> {
				if (matches(bytes, offset, "data")) {
					appendData(bytes, valueStart, end - valueStart);
				}
			}
			case 5 -> {
				if (matches(bytes, offset, "event")) {
					this.eventType = decodeType(bytes, valueStart, end);
				}
				else if (matches(bytes, offset, "retry")) {
					setRetry(bytes, valueStart, end);
				}
			}
			default -> {
				// unknown field: ignored
			}
		}
	}

	private static int valueStart(byte[] bytes, int afterColon, int end) {
		return (afterColon < end && bytes[afterColon] == SPACE) ? afterColon + 1 : afterColon;
	}

	private void appendData(byte[] bytes, int offset, int length) {
		if (this.dataLength == 0 && this.firstLine == null && bytes != this.line) {
			if (length > this.maxEventSize) {
				throw new EventStreamLimitException("an event", this.maxEventSize);
			}
			this.firstLine = bytes;
			this.firstLineOffset = offset;
			this.firstLineLength = length;
			return;
		}
		copyFirstLine();
		copyData(bytes, offset, length);
	}

	private void copyFirstLine() {
		byte[] first = this.firstLine;
		if (first != null) {
			this.firstLine = null;
			copyData(first, this.firstLineOffset, this.firstLineLength);
		}
	}

	private void copyData(byte[] bytes, int offset, int length) {
		int needed = this.dataLength + length + 1;
		if (needed - 1 > this.maxEventSize) {
			throw new EventStreamLimitException("an event", this.maxEventSize);
		}
		this.data = ensureCapacity(this.data, needed, this.maxEventSize + 1);
		System.arraycopy(bytes, offset, this.data, this.dataLength, length);
		this.data[needed - 1] = LF;
		this.dataLength = needed;
	}

	private void setId(byte[] bytes, int start, int end) {
		if (indexOf(bytes, start, end, (byte) 0) < 0) {
			this.lastEventIdBuffer = (start == end) ? "" : decode(bytes, start, end);
		}
	}

	private void setRetry(byte[] bytes, int start, int end) {
		if (start == end) {
			return;
		}
		long value = 0;
		for (int i = start; i < end; i++) {
			int digit = bytes[i] - '0';
			if (digit < 0 || digit > 9) {
				return;
			}
			value = (value > (Long.MAX_VALUE - digit) / 10) ? Long.MAX_VALUE : value * 10 + digit;
		}
		this.handler.onRetry(value);
	}

	private void dispatch() {
		if (this.lastEventIdBuffer != this.lastEventId) {
			LAST_EVENT_ID.setRelease(this, this.lastEventIdBuffer);
			this.handler.onLastEventIdChanged(this.lastEventIdBuffer);
		}
		String payload;
		byte[] first = this.firstLine;
		if (first != null) {
			this.firstLine = null;
			payload = new String(first, this.firstLineOffset, this.firstLineLength, StandardCharsets.UTF_8);
		}
		else if (this.dataLength == 0) {
			this.eventType = null;
			return;
		}
		else {
			payload = new String(this.data, 0, this.dataLength - 1, StandardCharsets.UTF_8);
		}
		String type = (this.eventType == null || this.eventType.isEmpty()) ? "message" : this.eventType;
		this.dataLength = 0;
		this.eventType = null;
		if (this.data.length > RETAINED_CAPACITY) {
			this.data = NO_BYTES;
		}
		this.handler.onEvent(this.lastEventId, type, payload);
	}

	/** Event types repeat: reuse the previous string when the bytes are the same. */
	private String decodeType(byte[] bytes, int start, int end) {
		byte[] previous = this.lastTypeBytes;
		if (previous != null && Arrays.equals(previous, 0, previous.length, bytes, start, end)) {
			return this.lastTypeString;
		}
		String type = decode(bytes, start, end);
		this.lastTypeBytes = Arrays.copyOfRange(bytes, start, end);
		this.lastTypeString = type;
		return type;
	}

	private static String decode(byte[] bytes, int start, int end) {
		return new String(bytes, start, end - start, StandardCharsets.UTF_8);
	}

	private static boolean matches(byte[] bytes, int offset, String asciiName) {
		for (int i = 0; i < asciiName.length(); i++) {
			if (bytes[offset + i] != asciiName.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	private static int indexOf(byte[] bytes, int start, int end, byte value) {
		for (int i = start; i < end; i++) {
			if (bytes[i] == value) {
				return i;
			}
		}
		return -1;
	}

	private static byte[] ensureCapacity(byte[] buffer, int needed, int limit) {
		if (needed <= buffer.length) {
			return buffer;
		}
		int grown = (int) Math.min((long) limit, Math.max(Math.max((long) buffer.length * 2, needed), MIN_CAPACITY));
		return Arrays.copyOf(buffer, grown);
	}

	private static byte[] shrink(byte[] buffer) {
		return (buffer.length > RETAINED_CAPACITY) ? NO_BYTES : buffer;
	}

}
