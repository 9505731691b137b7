package dev.sseclient.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.convert.ApplicationConversionService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * JSON payloads are read with parsers kept between events: every event reads as the
 * application's {@code JsonMapper} alone would read it, and fails as it would.
 */
class JsonPayloadReadingTests {

	record Quote(String symbol, double price, int size) {
	}

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final Function<String, Quote> quotes = converter(this.mapper).reader(Quote.class);

	@Test
	void readsEveryEventOfALongRunWithTheSameResultAsTheMapper() {
		for (int i = 0; i < 10_000; i++) {
			String data = "{\"symbol\":\"S" + i + "\",\"price\":" + i + ".5,\"size\":" + i + "}" + ((i % 3 == 0) ? " \n" : "");
			assertThat(this.quotes.apply(data)).isEqualTo(this.mapper.readValue(data, Quote.class));
		}
	}

	@Test
	void anEventThatCannotBeReadFailsAsTheMapperFailsAndTheNextOneReads() {
		String broken = "{\"symbol\":\"AC\",\"price\":oops}";
		Class<? extends Throwable> mappers = catchType(() -> this.mapper.readValue(broken, Quote.class));
		assertThatThrownBy(() -> this.quotes.apply(broken)).isInstanceOf(mappers)
			.hasMessageContaining("oops");
		assertThat(this.quotes.apply("{\"symbol\":\"AC\",\"price\":1.5,\"size\":2}")).isEqualTo(new Quote("AC", 1.5, 2));
	}

	@Test
	void anIncompleteObjectFailsRatherThanGivingWhatWasReadOfIt() {
		assertThatThrownBy(() -> this.quotes.apply("{\"symbol\":\"AC\",\"price\":1.5"))
			.isInstanceOf(JacksonException.class);
		assertThatThrownBy(() -> this.quotes.apply("{\"symbol\":\"AC\"")).isInstanceOf(JacksonException.class)
			.hasMessageContaining("end-of-input");
		assertThatThrownBy(() -> this.quotes.apply("[{\"symbol\":\"AC\"}")).isInstanceOf(JacksonException.class);
		assertThat(this.quotes.apply("{\"symbol\":\"AB\",\"price\":2.5,\"size\":3}")).isEqualTo(new Quote("AB", 2.5, 3));
	}

	@Test
	void contentAfterTheValueIsJudgedByTheMappersOwnSetting() {
		String twoValues = "{\"symbol\":\"AC\",\"price\":1.5,\"size\":2} {\"symbol\":\"X\"}";
		// Jackson 3 refuses trailing tokens by default
		assertThatThrownBy(() -> this.quotes.apply(twoValues)).isInstanceOf(JacksonException.class)
			.hasMessageContaining("Trailing token");
		JsonMapper lenient = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
		Function<String, Quote> lenientQuotes = converter(lenient).reader(Quote.class);
		assertThat(lenientQuotes.apply(twoValues)).isEqualTo(new Quote("AC", 1.5, 2));
		assertThat(lenientQuotes.apply("{\"symbol\":\"AB\",\"price\":2.5,\"size\":3}")).isEqualTo(new Quote("AB", 2.5, 3));
	}

	@Test
	void arraysGenericTypesNonAsciiTextAndScalarsReadAsTheMapperReadsThem() {
		PayloadConverter converter = converter(this.mapper);
		@SuppressWarnings("unchecked")
		Function<String, List<Object>> lists = (Function<String, List<Object>>) (Function<?, ?>) converter.reader(List.class);
		assertThat(lists.apply("[1, \"two\", {\"three\": 3}]")).containsExactly(1, "two", Map.of("three", 3));
		assertThat(this.quotes.apply("{\"symbol\":\"Zürich €\",\"price\":1.0,\"size\":1}").symbol()).isEqualTo("Zürich €");
		assertThat(converter(this.mapper).reader(Quote[].class).apply("[{\"symbol\":\"A\",\"price\":1,\"size\":1}]"))
			.containsExactly(new Quote("A", 1, 1));
		assertThat(converter(this.mapper).reader(Map.class).apply("  {\"a\": [1, 2]}")).isEqualTo(Map.of("a", List.of(1, 2)));
	}

	@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
	@JsonSubTypes({ @JsonSubTypes.Type(value = Trade.class, name = "trade"), @JsonSubTypes.Type(value = Halt.class, name = "halt") })
	sealed interface Market permits Trade, Halt {
	}

	record Trade(String symbol, int size) implements Market {
	}

	record Halt(String symbol) implements Market {
	}

	@Test
	void polymorphicPayloadsWhoseTypeComesLastAndLargeEventsRead() {
		Function<String, Market> markets = converter(this.mapper).reader(Market.class);
		for (int i = 0; i < 100; i++) {
			assertThat(markets.apply("{\"symbol\":\"AC\",\"size\":" + i + ",\"kind\":\"trade\"}")).isEqualTo(new Trade("AC", i));
			assertThat(markets.apply("{\"kind\":\"halt\",\"symbol\":\"AC\"}")).isEqualTo(new Halt("AC"));
		}
		String large = "x".repeat(300_000);
		assertThat(this.quotes.apply("{\"symbol\":\"" + large + "\",\"price\":1,\"size\":1}").symbol()).isEqualTo(large);
		assertThat(this.quotes.apply("{\"symbol\":\"AC\",\"price\":1,\"size\":2}")).isEqualTo(new Quote("AC", 1, 2));
	}

	@Test
	void readsWhatOnlyTheMappersOwnParserAcceptsForAsLongAsItComes() {
		JsonMapper singleQuotes = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
			.enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
			.build();
		Function<String, Quote> quotes = converter(singleQuotes).reader(Quote.class);
		for (int i = 0; i < 50; i++) {
			assertThat(quotes.apply("{'symbol':'AC', /* a comment */ 'price':1.5,'size':" + i + "}")).isEqualTo(new Quote("AC", 1.5, i));
			assertThat(quotes.apply("{\"symbol\":\"AB\",\"price\":2.5,\"size\":" + i + "}")).isEqualTo(new Quote("AB", 2.5, i));
		}
	}

	@Test
	void readsConcurrentlyFromManyThreadsWithoutMixingEvents() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(16);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int t = 0; t < 16; t++) {
				int thread = t;
				results.add(pool.submit(() -> {
					int read = 0;
					for (int i = 0; i < 5_000; i++) {
						Quote quote = this.quotes.apply("{\"symbol\":\"T" + thread + "\",\"price\":" + i + ",\"size\":" + thread + "}");
						assertThat(quote).isEqualTo(new Quote("T" + thread, i, thread));
						read++;
					}
					return read;
				}));
			}
			for (Future<Integer> result : results) {
				assertThat(result.get()).isEqualTo(5_000);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aMaximumDocumentLengthHoldsPerEventNotOverAllEvents() {
		JsonMapper limited = JsonMapper.builder(JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxDocumentLength(100).build())
			.build()).build();
		Function<String, Quote> limitedQuotes = converter(limited).reader(Quote.class);
		for (int i = 0; i < 100; i++) {
			assertThat(limitedQuotes.apply("{\"symbol\":\"AC\",\"price\":1.5,\"size\":" + i + "}").size()).isEqualTo(i);
		}
		assertThatThrownBy(() -> limitedQuotes.apply("{\"symbol\":\"" + "A".repeat(200) + "\",\"price\":1,\"size\":1}"))
			.isInstanceOf(JacksonException.class)
			.hasMessageContaining("Document length");
	}

	private static PayloadConverter converter(JsonMapper mapper) {
		return new PayloadConverter(mapper, ApplicationConversionService.getSharedInstance());
	}

	private static Class<? extends Throwable> catchType(Runnable action) {
		try {
			action.run();
		}
		catch (RuntimeException ex) {
			return ex.getClass();
		}
		throw new AssertionError("expected a failure");
	}

}
