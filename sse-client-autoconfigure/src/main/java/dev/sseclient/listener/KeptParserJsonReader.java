package dev.sseclient.listener;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.async.ByteArrayFeeder;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;

/**
 * Reads JSON event data with parsers kept from one event to the next. Jackson makes a parser,
 * its context, text buffer and symbol table for every {@code readValue}: about 500 of the
 * 1,100 bytes a 64-byte object costs, and a third of its time. A non-blocking parser reads one
 * root value after another, so a few of them, kept here, serve every event: each event's bytes
 * are fed to a free one and its value bound from it.
 *
 * <p>Only what that route reads exactly as {@code readValue(String)} would takes it: data that
 * is an ASCII JSON object or array (Jackson's own UTF-8 decoding of strings is slower than the
 * JDK's), read to its closing bracket with nothing after it. Anything else, and anything the
 * kept parser fails on, is read again with the configured reader, whose value or exception is
 * then the answer: what a listener gets, and how a payload fails, do not change. Data that the
 * configured reader reads and a kept parser cannot (a read feature such as single quotes or
 * comments, which the non-blocking parser lacks) is read twice; after a few such events the
 * kept parsers are left for good.
 */
final class KeptParserJsonReader implements PayloadConverter.Reader {

	/** Root values a parser reads before it is replaced: its line and offset counts stay small. */
	private static final int VALUES_PER_PARSER = 1 << 20;

	private static final int MISREADS_BEFORE_LEAVING = 8;

	private final ObjectReader reader;

	/** The same reader without its trailing-token check, which a kept parser does itself. */
	private final ObjectReader keptReader;

	/** Free parsers; an empty slot is one not made yet or taken by a read under way. */
	private final AtomicReferenceArray<@Nullable KeptParser> free;

	/** Parsers that exist, free or in use: never more than there are slots. */
	private final AtomicInteger made = new AtomicInteger();

	/**
	 * Events the kept parsers failed on and the configured reader read: a feature the
	 * non-blocking parser lacks (single quotes, comments...). Past a few, the route is left.
	 */
	private final AtomicInteger misread = new AtomicInteger();

	private KeptParserJsonReader(ObjectReader reader, int parsers) {
		this.reader = reader;
		this.keptReader = reader.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
		this.free = new AtomicReferenceArray<>(parsers);
	}

	/**
	 * A reader of data as {@code reader} reads it, with kept parsers when nothing the reader is
	 * configured with counts across values (a maximum document length or token count would).
	 * @param parsers the most parsers kept; reads beyond them at once go the configured way
	 */
	static PayloadConverter.Reader of(ObjectReader reader, int parsers) {
		StreamReadConstraints constraints = reader.parserFactory().streamReadConstraints();
		if (constraints.hasMaxDocumentLength() || constraints.hasMaxTokenCount()) {
			return reader::readValue;
		}
		return new KeptParserJsonReader(reader, parsers);
	}

	@Override
	public @Nullable Object read(String data) {
		if (this.misread.get() >= MISREADS_BEFORE_LEAVING || !startsAContainer(data)) {
			return this.reader.readValue(data);
		}
		byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
		if (bytes.length != data.length()) {
			return this.reader.readValue(data);
		}
		KeptParser kept = take();
		if (kept != null) {
			Object value = kept.read(bytes);
			if (value != null) {
				give(kept);
				return value;
			}
			discard(kept);
			Object read = this.reader.readValue(data);
			// read where a kept parser could not: the data needs what only the configured reader has
			this.misread.incrementAndGet();
			return read;
		}
		return this.reader.readValue(data);
	}

	private static boolean startsAContainer(String data) {
		for (int i = 0; i < data.length(); i++) {
			char c = data.charAt(i);
			if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
				return c == '{' || c == '[';
			}
		}
		return false;
	}

	/** A free parser, or a new one while fewer than the slots exist; {@code null} when every one is in use. */
	private @Nullable KeptParser take() {
		for (int i = 0; i < this.free.length(); i++) {
			KeptParser kept = this.free.getAndSet(i, null);
			if (kept != null) {
				return kept;
			}
		}
		int count;
		while ((count = this.made.get()) < this.free.length()) {
			if (this.made.compareAndSet(count, count + 1)) {
				return new KeptParser(this.keptReader);
			}
		}
		return null;
	}

	private void give(KeptParser kept) {
		if (kept.values < VALUES_PER_PARSER) {
			for (int i = 0; i < this.free.length(); i++) {
				if (this.free.get(i) == null && this.free.compareAndSet(i, null, kept)) {
					return;
				}
			}
		}
		discard(kept);
	}

	private void discard(KeptParser kept) {
		kept.close();
		this.made.decrementAndGet();
	}

	/** A non-blocking parser between root values, and the reader that binds from it. */
	private static final class KeptParser {

		private final ObjectReader reader;

		private final JsonParser parser;

		private final ByteArrayFeeder feeder;

		private int values;

		KeptParser(ObjectReader reader) {
			this.reader = reader;
			this.parser = reader.createNonBlockingByteArrayParser();
			this.feeder = (ByteArrayFeeder) this.parser.nonBlockingInputFeeder();
		}

		/**
		 * The value of {@code json}, one whole object or array; {@code null} when this route
		 * cannot tell it (bad or incomplete JSON, something after the value, a deserializer that
		 * threw), and the parser is then of no further use.
		 */
		@Nullable Object read(byte[] json) {
			try {
				this.feeder.feedInput(json, 0, json.length);
				Object value = this.reader.readValue(this.parser);
				boolean whole = this.parser.streamReadContext().inRoot()
						&& this.parser.currentToken() != JsonToken.NOT_AVAILABLE;
				if (value != null && whole && this.parser.nextToken() == JsonToken.NOT_AVAILABLE) {
					this.parser.clearCurrentToken();
					this.values++;
					return value;
				}
			}
			catch (RuntimeException ex) {
				// the configured reader reads it again and gives its own verdict
			}
			return null;
		}

		void close() {
			try {
				this.parser.close();
			}
			catch (JacksonException ex) {
				// nothing held that closing could fail to release
			}
		}

	}

}
