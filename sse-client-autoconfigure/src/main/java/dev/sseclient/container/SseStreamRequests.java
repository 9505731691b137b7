package dev.sseclient.container;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import dev.sseclient.core.ReconnectOptions;
import dev.sseclient.core.SseEvent;
import dev.sseclient.core.SseIncompleteResponseException;
import dev.sseclient.core.SseRequest;
import dev.sseclient.core.SseSignal;
import dev.sseclient.core.SseStream;
import dev.sseclient.listener.PayloadConverter;

/**
 * Opens one request with a declared stream's settings (URL, headers, request customizers, SSL
 * bundle or proxy, limits, completion rule): one AI answer per question, each with its own body.
 * Such a request is finite: never re-sent after its response opened (see
 * {@link dev.sseclient.core.SseIncompleteResponseException}); without a completion rule of its
 * own, the end of the response completes it. Their events and ends are counted in the declared
 * stream's meters ({@code sse.client.events.received}, {@code sse.client.stream.ends}), so tags
 * stay bounded however many requests are made.
 *
 * <pre>{@code
 * Flux<ChatChunk> answer = requests.payloads("chat", new Question(text), ChatChunk.class);
 * }</pre>
 */
public class SseStreamRequests {

	private final SseStreamRegistry registry;

	private final PayloadConverter payloads;

	public SseStreamRequests(SseStreamRegistry registry, PayloadConverter payloads) {
		this.registry = registry;
		this.payloads = payloads;
	}

	/**
	 * The events of one request made from a declared stream's settings, changed by
	 * {@code request} (a body, a header). Subscribing sends the request.
	 * @throws IllegalArgumentException for a stream that is not declared
	 */
	public Flux<SseEvent> events(String stream, Consumer<SseRequest.Builder> request) {
		SseStreamContainer container = container(stream);
		StreamDefinition definition = container.getDefinition();
		SseRequest.Builder builder = definition.request().mutate().lastEventId("");
		if (!definition.request().isFinite()) {
			builder.reconnect(ReconnectOptions.disabled());
		}
		request.accept(builder);
		SseRequest made = builder.build();
		List<SseStreamObserver> observers = this.registry.observers();
		return Flux.defer(() -> {
			SseStream opened = definition.client().stream(made);
			RequestClock clock = new RequestClock();
			// counted under the declared stream's name: its tag values stay the declared ones
			opened.signals()
				.ofType(SseSignal.Closed.class)
				.subscribe((closed) -> observers.forEach((observer) -> observer.onSignal(container, closed)));
			// events() fails when the request does, demand or not; the request's meters are
			// recorded before its end reaches the subscriber, so whoever sees the end sees them
			Consumer<String> ended = (outcome) -> {
				if (clock.end()) {
					observers.forEach((observer) -> observer.onRequestEnded(container, clock.firstEvent(),
							clock.elapsed(), clock.events, outcome));
				}
			};
			return opened.events().doOnNext((event) -> {
				clock.event();
				observers.forEach((observer) -> observer.onEvent(container, event));
			})
				.doOnComplete(() -> ended.accept("completed"))
				.doOnError((failure) -> ended.accept(
						(failure instanceof SseIncompleteResponseException) ? "incomplete" : "failed"))
				.doOnCancel(() -> ended.accept("cancelled"));
		});
	}

	/** When a request went out, when its first event came, and how many came; its events arrive one at a time. */
	private static final class RequestClock {

		private final long startedAt = System.nanoTime();

		private long firstEventAt;

		int events;

		private final AtomicBoolean ended = new AtomicBoolean();

		void event() {
			if (this.events++ == 0) {
				this.firstEventAt = System.nanoTime();
			}
		}

		@Nullable Duration firstEvent() {
			return (this.events > 0) ? Duration.ofNanos(this.firstEventAt - this.startedAt) : null;
		}

		/** Whether this is the request's first end: a cancel may race a completion. */
		boolean end() {
			return this.ended.compareAndSet(false, true);
		}

		Duration elapsed() {
			return Duration.ofNanos(System.nanoTime() - this.startedAt);
		}

	}

	/**
	 * The payloads of one request with {@code body} (a {@code String} or {@code byte[]} as is,
	 * anything else written as JSON with the application's {@code JsonMapper}), each event's data
	 * read as {@code type} as a listener's payload would be.
	 */
	public <T> Flux<T> payloads(String stream, Object body, Class<T> type) {
		Function<String, @Nullable T> reader = this.payloads.reader(type);
		byte[] bytes = this.payloads.write(body);
		return events(stream, (request) -> request.body(bytes)).handle((event, sink) -> {
			T payload = reader.apply(event.data());
			if (payload != null) {
				sink.next(payload);
			}
		});
	}

	/**
	 * As {@link #payloads(String, Object, Class)}, for code without Reactor types (a Spring MVC
	 * controller, a virtual thread): consume it in try-with-resources on a thread that may wait,
	 * not one of Reactor's. One payload is asked for at a time; closing the stream ends the
	 * request. A failure of the answer is thrown from the stream's terminal operation.
	 * <pre>{@code
	 * try (Stream<ChatChunk> answer = requests.payloadStream("chat", question, ChatChunk.class)) {
	 *     answer.forEach((chunk) -> emitter.send(chunk.text()));
	 * }
	 * }</pre>
	 */
	public <T> Stream<T> payloadStream(String stream, Object body, Class<T> type) {
		return payloads(stream, body, type).toStream(1);
	}

	private SseStreamContainer container(String stream) {
		SseStreamContainer container = this.registry.getContainer(stream);
		if (container == null) {
			throw new IllegalArgumentException(
					"No stream named '" + stream + "'; declared: " + this.registry.getStreamNames());
		}
		return container;
	}

}
