package dev.sseclient.listener;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method that receives the events of a stream declared under
 * {@code sse.client.streams}.
 *
 * <pre>{@code
 * @SseListener(stream = "prices", events = "tick")
 * void onTick(Tick tick) { ... }              // data decoded from JSON
 *
 * @SseListener(stream = "prices")
 * void onAny(SseEvent event) { ... }          // the envelope: stream, id, type, data, receivedAt
 * }</pre>
 *
 * <p>Parameters: at most one {@link dev.sseclient.core.SseEvent} and at most one payload: the
 * data as {@code String}, a simple type converted by the conversion service, or anything else
 * read from JSON with the application's {@code JsonMapper}. Return {@code void}, or a
 * {@code Mono} or {@code CompletionStage} that is awaited before the stream's next event; a
 * Kotlin {@code suspend fun} is awaited the same way. With {@link #batch()}, the method takes
 * one list of events or payloads instead.
 * Events of one stream reach its listeners one at a time, in order, off the I/O threads.
 *
 * <p>Usable as a meta-annotation.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SseListener {

	/**
	 * The stream's name under {@code sse.client.streams}, or a pattern in which {@code *} stands
	 * for any characters ({@code device-*}): the listener then receives the events of every
	 * matching stream, declared or registered at run time ({@code SseEvent.stream()} says
	 * which). Placeholders are resolved.
	 */
	String stream() default "";

	/** Several streams (names or patterns), as {@link #stream()}; the listener receives them all. */
	String[] streams() default {};

	/**
	 * A template under {@code sse.client.templates}: the listener receives the events of every
	 * stream registered at run time from it.
	 */
	String template() default "";

	/** Event types to receive; empty for all. */
	String[] events() default {};

	/** The listener's id in logs, errors and metrics; defaults to {@code SimpleClassName.method}. */
	String id() default "";

	/**
	 * The bean name of an {@link SseListenerErrorHandler} for this listener's failures, instead
	 * of the application's. Declare it with {@code @Bean(defaultCandidate = false)}, so that it
	 * does not also become the application's handler.
	 */
	String errorHandler() default "";

	/**
	 * Whether the method takes its events in batches: one {@code List<SseEvent>} or
	 * {@code List<T>} parameter receiving the events that one network read or buffer drain
	 * brings, up to {@link #maxBatchSize()}, in order. The stream's checkpoint moves past a batch
	 * once every listener returned from it; a failure hands the whole batch to the error handler,
	 * which may retry or skip it. An event whose data cannot be read as {@code T} goes to the
	 * error handler alone and is left out of the batch.
	 */
	boolean batch() default false;

	/**
	 * The most events in one batch; placeholders are resolved. Defaults to
	 * {@code sse.client.listener.max-batch-size}.
	 */
	String maxBatchSize() default "";

	/**
	 * Whether each call of this method is an Observation (a span and trace context inside the
	 * method, a long-task timer) rather than a sample of the listener's timer: {@code "true"}
	 * or {@code "false"}, placeholders resolved. Empty for
	 * {@code sse.client.listener.observation-enabled} (default {@code false}).
	 */
	String observation() default "";

}
