package dev.sseclient.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Follows streams for a test and records what they emit: events, signals and the terminal
 * error. Closing it closes every stream it followed.
 */
final class StreamRecorder implements AutoCloseable {

	/** Reconnect fast and without jitter, so delays are exact and tests are quick. */
	static final ReconnectOptions FAST = ReconnectOptions.defaults()
		.withDelays(Duration.ofMillis(10), Duration.ofMillis(50))
		.withJitter(0);

	final SseClient client = SseClient.create();

	final List<SseEvent> events = new CopyOnWriteArrayList<>();

	final List<SseSignal> signals = new CopyOnWriteArrayList<>();

	final AtomicReference<Throwable> error = new AtomicReference<>();

	private final List<SseStream> streams = new CopyOnWriteArrayList<>();

	/** Open a stream for {@code request}, record it, and subscribe to its signals and events. */
	SseStream follow(SseRequest request) {
		SseStream stream = track(this.client.stream(request));
		stream.signals().subscribe(this.signals::add);
		stream.events().subscribe(this.events::add, this.error::set);
		return stream;
	}

	/** Close {@code stream} with the others when the test ends. */
	SseStream track(SseStream stream) {
		this.streams.add(stream);
		return stream;
	}

	/** The causes of the {@link SseSignal.Failed} signals, in order. */
	List<SseException> failures() {
		return this.signals.stream()
			.filter(SseSignal.Failed.class::isInstance)
			.map((signal) -> ((SseSignal.Failed) signal).cause())
			.toList();
	}

	/** The delays of the {@link SseSignal.Retrying} signals, in order. */
	List<Duration> retryDelays() {
		return this.signals.stream()
			.filter(SseSignal.Retrying.class::isInstance)
			.map((signal) -> ((SseSignal.Retrying) signal).delay())
			.toList();
	}

	@Override
	public void close() {
		this.streams.forEach(SseStream::close);
	}

}
