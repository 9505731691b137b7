package dev.sseclient.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.http.HttpHeaders;

import dev.sseclient.core.ResponsePolicy.Verdict;

import static org.assertj.core.api.Assertions.assertThat;

class ResponsePolicyTests {

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "-", textBlock = """
			200 | text/event-stream                  | OPEN
			200 | text/event-stream; charset=utf-8   | OPEN
			200 | TEXT/EVENT-STREAM                  | OPEN
			200 | text/html                          | WRONG_CONTENT_TYPE
			200 | -                                  | WRONG_CONTENT_TYPE
			200 | not a media type                   | WRONG_CONTENT_TYPE
			201 | text/event-stream                  | REJECTED
			204 | -                                  | NO_CONTENT
			301 | -                                  | REDIRECT
			302 | -                                  | REDIRECT
			303 | -                                  | REDIRECT
			304 | -                                  | REJECTED
			307 | -                                  | REDIRECT
			308 | -                                  | REDIRECT
			404 | text/event-stream                  | REJECTED
			503 | -                                  | REJECTED
			""")
	void decidesByStatusAndContentType(int status, String contentType, Verdict expected) {
		HttpHeaders headers = new HttpHeaders();
		if (contentType != null) {
			headers.set(HttpHeaders.CONTENT_TYPE, contentType);
		}
		assertThat(ResponsePolicy.decide(status, headers)).isEqualTo(expected);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "-", textBlock = """
			120                             | PT2M
			0                               | PT0S
			' 7 '                           | PT7S
			Tue, 24 Nov 2026 12:00:30 GMT   | PT30S
			Tue, 24 Nov 2026 11:00:00 GMT   | PT0S
			soon                            | -
			-1                              | -
			''                              | -
			""")
	void readsRetryAfterAsSecondsOrHttpDate(String value, Duration expected) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, value);
		assertThat(ResponsePolicy.retryAfter(headers, CLOCK)).isEqualTo(expected);
	}

	@ParameterizedTest
	@CsvSource({ "408, true", "429, true", "500, true", "502, true", "503, true", "400, false", "401, false",
			"403, false", "404, false", "410, false" })
	void retriesOnlyTransientStatuses(int status, boolean retryable) {
		assertThat(new SseHttpStatusException("u", status, "", null).isRetryable()).isEqualTo(retryable);
	}

}
