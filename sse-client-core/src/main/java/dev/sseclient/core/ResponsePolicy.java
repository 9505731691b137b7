package dev.sseclient.core;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * The one place that decides what a response status means for a stream: 200 with
 * {@code text/event-stream} opens, 204 ends it for good, redirects are followed, everything else
 * is rejected (whether a rejection is retried is {@link SseHttpStatusException}'s call).
 */
final class ResponsePolicy {

	enum Verdict {

		OPEN, NO_CONTENT, REDIRECT, WRONG_CONTENT_TYPE, REJECTED

	}

	private ResponsePolicy() {
	}

	static Verdict decide(int status, HttpHeaders headers) {
		return switch (status) {
			case 200 -> isEventStream(headers.getFirst(HttpHeaders.CONTENT_TYPE)) ? Verdict.OPEN
					: Verdict.WRONG_CONTENT_TYPE;
			case 204 -> Verdict.NO_CONTENT;
			case 301, 302, 303, 307, 308 -> Verdict.REDIRECT;
			default -> Verdict.REJECTED;
		};
	}

	/** Whether a content type is {@code text/event-stream}; parameters such as charset are ignored. */
	static boolean isEventStream(@Nullable String contentType) {
		if (contentType == null) {
			return false;
		}
		try {
			return MediaType.TEXT_EVENT_STREAM.equalsTypeAndSubtype(MediaType.parseMediaType(contentType));
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

	/** {@code Retry-After} as delta-seconds or an HTTP-date, or {@code null} when absent or unreadable. */
	static @Nullable Duration retryAfter(HttpHeaders headers, Clock clock) {
		String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
		if (value == null || value.isBlank()) {
			return null;
		}
		String trimmed = value.trim();
		if (trimmed.chars().allMatch(Character::isDigit)) {
			try {
				return Duration.ofSeconds(Long.parseLong(trimmed));
			}
			catch (NumberFormatException ex) {
				return Duration.ofSeconds(Long.MAX_VALUE / 1000);
			}
		}
		try {
			ZonedDateTime when = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
			Duration delay = Duration.between(clock.instant(), when.toInstant());
			return delay.isNegative() ? Duration.ZERO : delay;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
