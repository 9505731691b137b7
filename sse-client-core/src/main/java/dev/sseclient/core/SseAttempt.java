package dev.sseclient.core;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link SseRequestCustomizer} knows about the attempt it prepares.
 *
 * @param number the attempt's number over the stream's life, from 1
 * @param lastEventId the id the attempt resumes from, empty for none
 * @param previousFailure why the previous attempt ended, or {@code null} for the first
 */
public record SseAttempt(int number, String lastEventId, @Nullable SseException previousFailure) {
}
