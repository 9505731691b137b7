package dev.sseclient.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;
import reactor.core.publisher.SynchronousSink;
import reactor.util.retry.Retry;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * One followed stream: its events, its signals, and control over its connection. Obtain one from
 * {@link SseClient#stream(SseRequest)}; it connects when {@link #events()} is subscribed.
 *
 * <p>It keeps the subscription alive: after the server ends the response, the connection
 * breaks, or a retryable status arrives, it waits per {@link ReconnectOptions} and reconnects
 * with {@code Last-Event-ID} set to the id of the last event it delivered. It ends for good on
 * 204, on the {@link SseRequest#completeOn() completion data}, on an error that reconnecting
 * cannot fix, when attempts run out, or on {@link #close()}.
 *
 * <p>Thread-safe. Events are emitted on the connection's I/O thread, one at a time and in
 * order; use {@code publishOn} before blocking work.
 */
public final class SseStream implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(SseStream.class);

	/** Failures in a row logged in full before warnings are rate-limited. */
	private static final int FAILURES_LOGGED_IN_FULL = 3;

	private static final long WARNING_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

	/** Reads parsed ahead of the subscriber: each holds the events of one chunk of bytes. */
	private static final int BATCHES_PREFETCHED = 2;

	/** How long an emission waits for another thread's emission into the same sink to end. */
	private static final Duration CONCURRENT_EMISSION_WAIT = Duration.ofSeconds(1);

	private final WebClient webClient;

	private final SseRequest request;

	private final Backoff backoff;

	private final Sinks.Many<SseSignal> signals = Sinks.many().multicast().directBestEffort();

	private final Sinks.Many<Long> restarts = Sinks.many().replay().latest();

	private final Sinks.One<Boolean> closeRequest = Sinks.one();

	private final AtomicLong restartGeneration = new AtomicLong();

	private final AtomicBoolean subscribed = new AtomicBoolean();

	private final AtomicBoolean finished = new AtomicBoolean();

	private final StreamConnection.Listener connectionListener = new ConnectionListener();

	private final AtomicReference<StreamState> state = new AtomicReference<>(StreamState.NEW);

	private volatile String lastEventId;

	private volatile @Nullable Duration serverRetry;

	private volatile boolean closeRequested;

	private volatile @Nullable SseException lastFailure;

	private volatile @Nullable Instant connectedSince;

	private volatile @Nullable Instant disconnectedSince;

	private volatile @Nullable Instant lastEventAt;

	private final LongAdder bytesReceived = new LongAdder();

	/** Whether the current connection delivered an event: progress, so failures do not pile up. */
	private volatile boolean deliveredOnConnection;

	// Touched only between attempts, which Reactor's retry protocol runs one after another.
	private int attemptNumber;

	private volatile int failuresInRow;

	private @Nullable StreamConnection current;

	private @Nullable HttpHeaders refreshedHeaders;

	private long lastWarningNanos;

	private int warningsHeldBack;

	SseStream(WebClient webClient, SseRequest request) {
		this.webClient = webClient;
		this.request = request;
		this.backoff = new Backoff(request.reconnect());
		this.lastEventId = request.lastEventId();
	}

	/** The request this stream follows. */
	public SseRequest request() {
		return this.request;
	}

	/** Where the stream is now. */
	public StreamState state() {
		return this.state.get();
	}

	/**
	 * Move to a state on the way, unless the stream has ended: a close on another thread may
	 * have ended it while the connection's thread was still handling a failure.
	 */
	private void moveTo(StreamState next) {
		this.state.getAndUpdate((current) -> current.isFinal() ? current : next);
	}

	/** The last-event-ID the next connection would resume from; empty for none. */
	public String lastEventId() {
		return this.lastEventId;
	}

	/** The most recent failure, or {@code null} if there was none. */
	public @Nullable SseException lastFailure() {
		return this.lastFailure;
	}

	/** When the current connection opened, or {@code null} while not connected. */
	public @Nullable Instant connectedSince() {
		return this.connectedSince;
	}

	/** Since when the stream has been trying to (re)connect, or {@code null} while connected or ended. */
	public @Nullable Instant disconnectedSince() {
		return this.disconnectedSince;
	}

	/** When the last event was received, or {@code null} before the first. */
	public @Nullable Instant lastEventAt() {
		return this.lastEventAt;
	}

	/** Bytes of response bodies received over all connections, for metrics. */
	public long bytesReceived() {
		return this.bytesReceived.sum();
	}

	/** Failed attempts in a row since the last connection that delivered an event or stayed open. */
	public int failuresInRow() {
		return this.failuresInRow;
	}

	/**
	 * The events, in order; subscribing connects. Completes when the stream completes or is
	 * closed, and fails with an {@link SseException} when it stops on an error. Demand is
	 * honoured: a slow subscriber slows reading from the socket. One subscriber per stream, of
	 * this or of {@link #eventBatches()}.
	 */
	public Flux<SseEvent> events() {
		return eventBatches().concatMapIterable(Function.identity(), BATCHES_PREFETCHED)
			.takeWhile((event) -> !this.closeRequested);
	}

	/**
	 * The events as they arrive, a list per network read, never empty: for consumers that hand
	 * events on to other threads, where one hand-off per read costs far less than one per event.
	 * Otherwise as {@link #events()}, except that a list being consumed when the stream is closed
	 * is not cut short.
	 */
	public Flux<List<SseEvent>> eventBatches() {
		return Flux.defer(() -> {
			if (this.closeRequested) {
				return Flux.empty();
			}
			if (!this.subscribed.compareAndSet(false, true)) {
				return Flux.error(new IllegalStateException(
						"The events of stream '" + this.request.name() + "' can be subscribed only once"));
			}
			return Flux.defer(this::connectOnce)
				.retryWhen(Retry.from((failures) -> failures.concatMap((signal) -> afterFailure(signal.failure()), 0)))
				.onErrorResume(this::endsNormally, (error) -> Flux.empty())
				.onErrorMap((error) -> toSseException(error))
				.takeUntilOther(this.closeRequest.asMono())
				.doOnError((error) -> this.lastFailure = (SseException) error)
				.doFinally(this::finish);
		});
	}

	/**
	 * Comments and connection signals (opened, failed, retrying, closed), as they happen. Hot:
	 * subscribe before {@link #events()} to see everything; a subscriber that cannot keep up
	 * misses signals rather than slowing the stream. Completes after {@link SseSignal.Closed}.
	 */
	public Flux<SseSignal> signals() {
		return this.signals.asFlux();
	}

	/**
	 * Drop the connection and reconnect at once, or cut a back-off wait short. Not reported as a
	 * failure; events already received are still delivered.
	 */
	public void restart() {
		if (!this.state.get().isFinal()) {
			logger.debug("Restarting stream '" + this.request.name() + "'");
			this.restarts.emitNext(this.restartGeneration.incrementAndGet(), retryWhenConcurrent());
		}
	}

	/** Stop for good: the connection is closed, no further request is made, events complete. */
	@Override
	public void close() {
		this.closeRequested = true;
		this.closeRequest.tryEmitValue(Boolean.TRUE);
		if (this.subscribed.compareAndSet(false, true)) {
			finish(SignalType.CANCEL);
		}
	}

	private Flux<List<SseEvent>> connectOnce() {
		this.attemptNumber++;
		HttpHeaders headers = this.refreshedHeaders;
		this.refreshedHeaders = null;
		if (headers == null) {
			headers = prepareHeaders(new SseAttempt(this.attemptNumber, this.lastEventId, this.lastFailure));
		}
		long generation = this.restartGeneration.get();
		StreamConnection connection = new StreamConnection(this.webClient, this.request, headers, this.lastEventId,
				this.connectionListener);
		this.current = connection;
		this.deliveredOnConnection = false;
		if (this.disconnectedSince == null) {
			this.disconnectedSince = Instant.now();
		}
		moveTo(StreamState.CONNECTING);
		return connection.connect(restartsAfter(generation)).handle(this::deliver);
	}

	/**
	 * What one read completed: the events go on as one batch; comments and id moves are handled
	 * here. The stream's last id and time move once per read (they are volatile: a write per
	 * event would be a memory fence per event).
	 */
	private void deliver(List<Object> items, SynchronousSink<List<SseEvent>> sink) {
		List<SseEvent> events = new ArrayList<>(items.size());
		String lastId = null;
		SseEvent lastEvent = null;
		boolean completed = false;
		for (Object item : items) {
			if (item instanceof SseEvent event) {
				lastId = event.id();
				lastEvent = event;
				if (event.data().equals(this.request.completeOn())) {
					completed = true;
					break;
				}
				events.add(event);
			}
			else if (item instanceof SseSignal.Comment comment) {
				emit(comment);
			}
			else if (item instanceof StreamConnection.LastEventIdUpdate update) {
				lastId = update.id();
			}
		}
		if (lastId != null) {
			this.lastEventId = lastId;
		}
		if (lastEvent != null) {
			this.lastEventAt = lastEvent.receivedAt();
			if (!this.deliveredOnConnection) {
				// progress: the failures before this connection no longer count
				this.deliveredOnConnection = true;
				this.failuresInRow = 0;
			}
		}
		if (!events.isEmpty()) {
			sink.next(events);
		}
		if (completed) {
			sink.complete();
		}
	}

	private Mono<Long> afterFailure(Throwable error) {
		if (this.connectedSince != null) {
			this.connectedSince = null;
			this.disconnectedSince = Instant.now();
		}
		if (error instanceof StreamConnection.RestartRequested) {
			this.failuresInRow = 0;
			return Mono.just(0L);
		}
		SseException failure = toSseException(error);
		StreamConnection ended = this.current;
		ReconnectOptions options = this.request.reconnect();
		if (this.deliveredOnConnection || (ended != null && ended.wasOpenFor(options.resetAfter()))) {
			this.failuresInRow = 0;
		}
		this.failuresInRow++;
		this.lastFailure = failure;
		emit(new SseSignal.Failed(failure, this.failuresInRow));
		if (!options.enabled()) {
			return Mono.error(failure);
		}
		if (!failure.isRetryable() && !credentialsRefreshed(failure, ended)) {
			return Mono.error(failure);
		}
		if (options.maxAttempts() >= 0 && this.failuresInRow > options.maxAttempts()) {
			return Mono.error(new SseReconnectExhaustedException(this.failuresInRow, failure));
		}
		Duration retryAfter = (failure instanceof SseHttpStatusException status) ? status.getRetryAfter() : null;
		Duration delay = this.backoff.delay(this.failuresInRow, this.serverRetry, retryAfter,
				ThreadLocalRandom.current().nextDouble());
		moveTo(StreamState.RECONNECTING);
		emit(new SseSignal.Retrying(delay, this.failuresInRow + 1));
		logAttempt(failure, delay);
		long generation = this.restartGeneration.get();
		return Mono.delay(delay).or(restartsAfter(generation).next().map((restart) -> 0L));
	}

	/**
	 * INFO when the server ended the response (routine); WARN for other failures, but in a
	 * reconnect storm only the first few in a row and then one a minute, with a count of those
	 * held back (which go to DEBUG).
	 */
	private void logAttempt(SseException failure, Duration delay) {
		String message = "Stream '" + this.request.name() + "': " + failure.getMessage() + "; reconnecting in "
				+ delay.toMillis() + " ms (attempt " + (this.failuresInRow + 1) + ")";
		if (failure instanceof StreamConnection.EndOfStream) {
			logger.info(message);
			return;
		}
		long now = System.nanoTime();
		if (this.failuresInRow <= FAILURES_LOGGED_IN_FULL || now - this.lastWarningNanos >= WARNING_INTERVAL_NANOS) {
			if (this.warningsHeldBack > 0) {
				message += " (" + this.warningsHeldBack + " similar warnings held back)";
			}
			logger.warn(message);
			this.lastWarningNanos = now;
			this.warningsHeldBack = 0;
		}
		else {
			this.warningsHeldBack++;
			logger.debug(message);
		}
	}

	/** Without reconnection, the server ending the response is the stream's normal end. */
	private boolean endsNormally(Throwable error) {
		return error instanceof StreamConnection.EndOfStream && !this.request.reconnect().enabled();
	}

	/** After a 401 or 403: ask the customizer for new headers, and retry only if they changed. */
	private boolean credentialsRefreshed(SseException failure, @Nullable StreamConnection ended) {
		if (!(failure instanceof SseHttpStatusException status) || !status.isCredentialsRejected()
				|| this.request.customizer() == null || ended == null) {
			return false;
		}
		HttpHeaders next;
		try {
			next = prepareHeaders(new SseAttempt(this.attemptNumber + 1, this.lastEventId, failure));
		}
		catch (SseException ex) {
			// the refresh itself failed; the next attempt asks the customizer again
			return true;
		}
		if (next.equals(ended.headers())) {
			return false;
		}
		this.refreshedHeaders = next;
		return true;
	}

	private HttpHeaders prepareHeaders(SseAttempt attempt) {
		HttpHeaders headers = HttpHeaders.copyOf(this.request.headers());
		if (!headers.containsHeader(HttpHeaders.ACCEPT)) {
			headers.setAccept(java.util.List.of(MediaType.TEXT_EVENT_STREAM));
		}
		headers.setCacheControl("no-cache");
		if (this.request.bodyBytes() != null && !headers.containsHeader(HttpHeaders.CONTENT_TYPE)) {
			headers.setContentType(MediaType.APPLICATION_JSON);
		}
		if (!attempt.lastEventId().isEmpty()) {
			// header values travel as ISO-8859-1: send the id's UTF-8 bytes, as browsers do
			headers.set("Last-Event-ID",
					new String(attempt.lastEventId().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
		}
		SseRequestCustomizer customizer = this.request.customizer();
		if (customizer != null) {
			try {
				customizer.customize(attempt, headers);
			}
			catch (RuntimeException ex) {
				throw new SseException("The request customizer of stream '" + this.request.name()
						+ "' failed before attempt " + attempt.number() + ": " + ex, ex, true);
			}
		}
		return headers;
	}

	private Flux<Long> restartsAfter(long generation) {
		return this.restarts.asFlux().filter((restart) -> restart > generation);
	}

	private SseException toSseException(Throwable error) {
		if (error instanceof SseException sse) {
			return sse;
		}
		Throwable root = NestedExceptionUtils.getMostSpecificCause(error);
		String reason = (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
		return new SseConnectionException(
				"Connection to " + Redaction.url(this.request.url()) + " failed: " + reason, error);
	}

	private void finish(SignalType signal) {
		if (!this.finished.compareAndSet(false, true)) {
			return;
		}
		StreamState end;
		SseException cause = null;
		if (signal == SignalType.ON_ERROR) {
			end = StreamState.FAILED;
			cause = this.lastFailure;
		}
		else if (signal == SignalType.ON_COMPLETE && !this.closeRequested) {
			end = StreamState.COMPLETED;
		}
		else {
			end = StreamState.CLOSED;
		}
		this.state.set(end);
		this.current = null;
		this.connectedSince = null;
		this.disconnectedSince = null;
		if (end == StreamState.FAILED) {
			logger.error("Stream '" + this.request.name() + "' stopped for good: "
					+ ((cause != null) ? cause.getMessage() : ""));
		}
		else if (logger.isInfoEnabled()) {
			logger.info("Stream '" + this.request.name() + "' " + end.name().toLowerCase(java.util.Locale.ROOT));
		}
		emit(new SseSignal.Closed(end, cause));
		this.signals.emitComplete(retryWhenConcurrent());
	}

	private void emit(SseSignal signal) {
		this.signals.emitNext(signal, retryWhenConcurrent());
	}

	/**
	 * A new handler per emission: Reactor's busy-looping handler fixes its deadline when it is
	 * created, so a shared one stops retrying for good a second after it was made.
	 */
	private static Sinks.EmitFailureHandler retryWhenConcurrent() {
		return Sinks.EmitFailureHandler.busyLooping(CONCURRENT_EMISSION_WAIT);
	}

	private final class ConnectionListener implements StreamConnection.Listener {

		@Override
		public void opened(StreamConnection connection, String maskedUrl) {
			SseStream.this.connectedSince = Instant.now();
			SseStream.this.disconnectedSince = null;
			moveTo(StreamState.OPEN);
			if (logger.isInfoEnabled()) {
				logger.info("Stream '" + SseStream.this.request.name() + "' opened " + maskedUrl
						+ (SseStream.this.lastEventId.isEmpty() ? "" : " from id " + SseStream.this.lastEventId));
			}
			emit(new SseSignal.Opened(maskedUrl, SseStream.this.failuresInRow + 1));
		}

		@Override
		public void serverRetry(Duration retry) {
			SseStream.this.serverRetry = retry;
		}

		@Override
		public void received(int bytes) {
			SseStream.this.bytesReceived.add(bytes);
		}

	}

}
