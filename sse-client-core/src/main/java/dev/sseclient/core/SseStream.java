package dev.sseclient.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * One followed stream: its events, its signals, and control over its connection. Obtain one from
 * {@link SseClient#stream(SseRequest)}; it connects when {@link #items()}, {@link #itemBatches()}
 * or {@link #events()} is subscribed.
 *
 * <p>It keeps the subscription alive: after the server ends the response, the connection
 * breaks, or a retryable status arrives, it waits per {@link ReconnectOptions} and reconnects
 * with {@code Last-Event-ID} set to the id of the last event it delivered. It ends for good on
 * 204, on its completion rule ({@link SseRequest#completeOn()},
 * {@link SseRequest#completeOnEvent()}), on an error that reconnecting cannot fix, when
 * attempts run out, or on {@link #close()}. A {@linkplain SseRequest#isFinite() finite} stream
 * whose response ended before completing fails with {@link SseIncompleteResponseException}
 * rather than sending its request again.
 *
 * <p>Everything it delivers travels one ordered path: events, comments and what happens to the
 * connection reach the subscriber in the order they happened on the wire, whatever the chunking
 * of the bytes. Thread-safe. Items are emitted on the connection's I/O thread, one at a time and
 * in order; use {@code publishOn} before blocking work.
 */
public final class SseStream implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(SseStream.class);

	private static final VarHandle RESTART_GENERATION;

	private static final VarHandle SUBSCRIBED;

	private static final VarHandle FINISHED;

	private static final VarHandle CLOSED_MIRRORED;

	private static final VarHandle STATE;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			RESTART_GENERATION = lookup.findVarHandle(SseStream.class, "restartGeneration", long.class);
			SUBSCRIBED = lookup.findVarHandle(SseStream.class, "subscribed", boolean.class);
			FINISHED = lookup.findVarHandle(SseStream.class, "finished", boolean.class);
			CLOSED_MIRRORED = lookup.findVarHandle(SseStream.class, "closedMirrored", boolean.class);
			STATE = lookup.findVarHandle(SseStream.class, "state", StreamState.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** Failures in a row logged in full before warnings are rate-limited. */
	private static final int FAILURES_LOGGED_IN_FULL = 3;

	private static final long WARNING_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

	private static final long NO_EVENT = Long.MIN_VALUE;

	/** How long an emission waits for another thread's emission into the same sink to end. */
	private static final Duration CONCURRENT_EMISSION_WAIT = Duration.ofSeconds(1);

	private final StreamTransport transport;

	private final SseRequest request;

	private final @Nullable SseItemObserver observer;

	private final Backoff backoff;

	private final Sinks.Many<SseSignal> signals = Sinks.many().multicast().directBestEffort();

	// fields with handles rather than Atomic* objects: an application may hold thousands of streams
	private volatile long restartGeneration;

	private volatile boolean subscribed;

	private volatile boolean finished;

	private volatile boolean closedMirrored;

	private final StreamConnection.Listener connectionListener = new ConnectionListener();

	private volatile StreamState state = StreamState.NEW;

	/**
	 * The last-event-ID the current connection started from; where it stands now is its
	 * parser's (see {@link #lastEventId()}), so that a read writes no reference into the stream.
	 */
	private volatile String lastEventId;

	private volatile @Nullable Duration serverRetry;

	private volatile boolean closeRequested;

	private volatile @Nullable SseException lastFailure;

	private volatile @Nullable SseException lastError;

	private volatile @Nullable Instant lastErrorAt;

	/** How the stream ends, decided when the attempts are over; {@code null} while they go on. */
	private volatile @Nullable StreamState ending;

	private volatile @Nullable SseException endCause;

	private volatile SseSignal.@Nullable Closed closed;

	private volatile @Nullable Instant connectedSince;

	private volatile @Nullable Instant disconnectedSince;

	/**
	 * When the last event came, in epoch milliseconds ({@link #NO_EVENT} before the first): a
	 * number, not an {@code Instant}, as it is written at every read.
	 */
	private volatile long lastEventAtMillis = NO_EVENT;

	private final LongAdder bytesReceived = new LongAdder();

	/** Whether the current connection delivered an event: progress, so failures do not pile up. */
	private volatile boolean deliveredOnConnection;

	// Touched only between attempts, which Reactor's retry protocol runs one after another.
	private int attemptNumber;

	private volatile int failuresInRow;

	private volatile @Nullable StreamConnection current;

	/** Cuts the back-off wait short, while there is one. */
	private volatile Sinks.@Nullable One<Boolean> waitCut;

	private volatile @Nullable String protocol;

	private @Nullable HttpHeaders refreshedHeaders;

	private long lastWarningNanos;

	private int warningsHeldBack;

	SseStream(StreamTransport transport, SseRequest request, @Nullable SseItemObserver observer) {
		this.transport = transport;
		this.request = request;
		this.observer = observer;
		this.backoff = new Backoff(request.reconnect());
		this.lastEventId = request.lastEventId();
	}

	/** The request this stream follows. */
	public SseRequest request() {
		return this.request;
	}

	/** Where the stream is now. */
	public StreamState state() {
		return this.state;
	}

	/**
	 * Move to a state on the way, unless the stream has ended: a close on another thread may
	 * have ended it while the connection's thread was still handling a failure.
	 */
	private void moveTo(StreamState next) {
		StreamState current;
		do {
			current = this.state;
		}
		while (!current.isFinal() && !STATE.compareAndSet(this, current, next));
	}

	/** The last-event-ID the next connection would resume from; empty for none. */
	public String lastEventId() {
		StreamConnection connection = this.current;
		return (connection != null) ? connection.lastEventId() : this.lastEventId;
	}

	/** The most recent failure, a routine end of a response included, or {@code null} if there was none. */
	public @Nullable SseException lastFailure() {
		return this.lastFailure;
	}

	/**
	 * The most recent real failure: anything but a long-lived stream's server ending its
	 * response, which is routine. {@code null} if there was none.
	 */
	public @Nullable SseException lastError() {
		return this.lastError;
	}

	/** When {@link #lastError()} happened, or {@code null}. */
	public @Nullable Instant lastErrorAt() {
		return this.lastErrorAt;
	}

	/** When the current connection opened, or {@code null} while not connected. */
	public @Nullable Instant connectedSince() {
		return this.connectedSince;
	}

	/**
	 * The protocol of the last connection that opened, such as {@code HTTP/1.1} or
	 * {@code HTTP/2.0}; {@code null} before one opened, or when the client's WebClient does not say.
	 */
	public @Nullable String protocol() {
		return this.protocol;
	}

	/** Since when the stream has been trying to (re)connect, or {@code null} while connected or ended. */
	public @Nullable Instant disconnectedSince() {
		return this.disconnectedSince;
	}

	/** When the last event was received, or {@code null} before the first. */
	public @Nullable Instant lastEventAt() {
		long millis = this.lastEventAtMillis;
		return (millis != NO_EVENT) ? Instant.ofEpochMilli(millis) : null;
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
	 * Everything the stream delivers, in the order it happened on the wire: each connection's
	 * {@link SseSignal.Opened}, its events and comments, {@link SseSignal.Failed} and
	 * {@link SseSignal.Retrying} when it ends, and last {@link SseSignal.Closed}, which says how
	 * the stream ended (completed, failed with its cause, or closed). Subscribing connects; it
	 * completes after {@code Closed} and never errors. Demand is honoured down to the socket.
	 * One subscriber per stream, of this, {@link #itemBatches()} or {@link #events()}. Events
	 * not yet delivered when the stream is closed are not delivered; {@code Closed} still is.
	 */
	public Flux<SseItem> items() {
		return new FlattenedReads<SseItem>(sequence(), (item) -> {
			if (item instanceof SseSignal signal) {
				mirror(signal);
				return signal;
			}
			return this.closeRequested ? null : item;
		});
	}

	/**
	 * As {@link #items()}, a list per network read (never empty): for consumers that hand items
	 * on to other threads, where one hand-off per read costs far less than one per event. The
	 * order is that of the lists and within them; a list being consumed when the stream is closed
	 * is not cut short.
	 */
	public Flux<List<SseItem>> itemBatches() {
		return sequence().map(ReadItems::asList).doOnNext((batch) -> {
			if (this.signals.currentSubscriberCount() == 0 && !(batch.get(batch.size() - 1) instanceof SseSignal.Closed)) {
				// nobody to tell, and not the end: no need to look through the read
				return;
			}
			for (SseItem item : batch) {
				if (item instanceof SseSignal signal) {
					mirror(signal);
				}
			}
		});
	}

	/**
	 * The events, in order; subscribing connects. Completes when the stream completes or is
	 * closed, and fails with an {@link SseException} when it stops on an error (an
	 * {@link SseIncompleteResponseException} when a finite stream's response ended before its
	 * completion). Demand is honoured: a slow subscriber slows reading from the socket. One
	 * subscriber per stream, of this, {@link #items()} or {@link #itemBatches()}; comments and
	 * connection signals still reach {@link #signals()}, each right after the events before it.
	 */
	public Flux<SseEvent> events() {
		return new FlattenedReads<SseEvent>(sequence(), (item) -> {
			if (item instanceof SseEvent event) {
				return this.closeRequested ? FlattenedReads.COMPLETE : event;
			}
			SseSignal signal = (SseSignal) item;
			mirror(signal);
			if (signal instanceof SseSignal.Closed closed && closed.state() == StreamState.FAILED
					&& closed.cause() != null) {
				return FlattenedReads.fail(closed.cause());
			}
			return null;
		});
	}

	/**
	 * Comments and connection signals (opened, failed, retrying, closed), in order with the
	 * events: each is emitted when the subscriber of {@link #events()} or {@link #items()} has
	 * been handed the events before it (with {@link #itemBatches()}, when its list is). Hot:
	 * subscribe before the events to see everything; a subscriber that cannot keep up misses
	 * signals rather than slowing the stream. Completes after {@link SseSignal.Closed}.
	 */
	public Flux<SseSignal> signals() {
		return this.signals.asFlux();
	}

	/**
	 * The one ordered path, seen by the client's observer, if any, as it passes.
	 */
	private Flux<Object> sequence() {
		SseItemObserver observer = this.observer;
		return (observer != null) ? read().doOnNext((read) -> {
			for (int i = 0, count = ReadItems.count(read); i < count; i++) {
				observer.onItem(this, ReadItems.item(read, i));
			}
		}) : read();
	}

	/**
	 * A read at a time (see {@link ReadItems}): each connection's items and what ended it, then the stream's
	 * {@code Closed}. Attempts follow each other through {@code repeat}, so a stream that
	 * reconnects for days keeps a fixed chain of operators. {@link #restart()} and
	 * {@link #close()} reach the connection or the back-off wait directly rather than through
	 * operators of their own: thousands of idle streams each keep only this chain.
	 */
	private Flux<Object> read() {
		return Flux.defer(() -> {
			if (this.closeRequested) {
				return Flux.empty();
			}
			if (!SUBSCRIBED.compareAndSet(this, false, true)) {
				return Flux.error(new IllegalStateException(
						"The events of stream '" + this.request.name() + "' can be subscribed only once"));
			}
			return Flux.defer(this::attempt)
				.repeat(() -> this.ending == null && !this.closeRequested)
				.onErrorResume((error) -> {
					// a fault of our own: end the stream visibly rather than leave it hanging
					endWith(StreamState.FAILED, toSseException(error));
					return Flux.empty();
				})
				.concatWith(Mono.fromSupplier(this::closing))
				.doFinally(this::finish);
		});
	}

	/**
	 * Drop the connection and reconnect at once, or cut a back-off wait short. Not reported as a
	 * failure; events already received are still delivered.
	 */
	public void restart() {
		if (!this.state.isFinal()) {
			logger.debug("Restarting stream '" + this.request.name() + "'");
			RESTART_GENERATION.getAndAdd(this, 1L);
			StreamConnection connection = this.current;
			if (connection != null) {
				connection.restart();
			}
			cutWait();
		}
	}

	/** Stop for good: the connection is closed, no further request is made, events complete. */
	@Override
	public void close() {
		this.closeRequested = true;
		StreamConnection connection = this.current;
		if (connection != null) {
			connection.close();
		}
		cutWait();
		if (SUBSCRIBED.compareAndSet(this, false, true)) {
			finish(SignalType.CANCEL);
		}
	}

	/** One connection attempt, then what its end means: items of its own, a wait, or the stream's end. */
	private Flux<Object> attempt() {
		return Flux.defer(this::connectOnce).doOnComplete(() -> {
			if (!this.closeRequested) {
				endWith(StreamState.COMPLETED, null);
			}
		}).onErrorResume(this::afterFailure);
	}

	private Flux<Object> connectOnce() {
		this.attemptNumber++;
		HttpHeaders headers = this.refreshedHeaders;
		this.refreshedHeaders = null;
		// where the previous connection's events left the id
		this.lastEventId = lastEventId();
		if (headers == null) {
			headers = prepareHeaders(new SseAttempt(this.attemptNumber, this.lastEventId, this.lastFailure));
		}
		long generation = this.restartGeneration;
		StreamConnection connection = new StreamConnection(this.transport, this.request, headers, this.lastEventId,
				this.connectionListener);
		this.current = connection;
		// a close or restart that looked before the connection was current
		if (this.closeRequested) {
			return Flux.empty();
		}
		if (this.restartGeneration != generation) {
			connection.restart();
		}
		this.deliveredOnConnection = false;
		if (this.disconnectedSince == null) {
			this.disconnectedSince = Instant.now();
		}
		moveTo(StreamState.CONNECTING);
		return connection.connect();
	}

	/**
	 * Decides what an attempt's end means: the {@code Failed} and {@code Retrying} signals and
	 * the back-off wait, or the {@code Failed} signal and the stream's end. Items, so that they
	 * reach the application after the events before them.
	 */
	private Flux<Object> afterFailure(Throwable error) {
		if (this.connectedSince != null) {
			this.connectedSince = null;
			this.disconnectedSince = Instant.now();
		}
		if (this.closeRequested) {
			return Flux.empty();
		}
		if (error instanceof StreamConnection.RestartRequested) {
			this.failuresInRow = 0;
			return Flux.empty();
		}
		SseException failure = toSseException(error);
		StreamConnection ended = this.current;
		ReconnectOptions options = this.request.reconnect();
		boolean finite = this.request.isFinite();
		if (finite && ended != null && ended.opened()) {
			failure = new SseIncompleteResponseException(this.request.name(), ended.eventsReceived(), failure,
					this.request.resendIncomplete() && options.enabled());
		}
		else if (!options.enabled() && failure instanceof StreamConnection.EndOfStream) {
			// without reconnection, the end of a long-lived stream's response is its normal end
			endWith(StreamState.COMPLETED, null);
			return Flux.empty();
		}
		// progress, for a long-lived stream: events, or a connection that stayed open; a finite
		// stream makes progress only by completing
		if (!finite && (this.deliveredOnConnection || (ended != null && ended.wasOpenFor(options.resetAfter())))) {
			this.failuresInRow = 0;
		}
		this.failuresInRow++;
		recordFailure(failure);
		SseSignal.Failed failed = new SseSignal.Failed(failure, this.failuresInRow);
		int maxAttempts = (finite && options.maxAttempts() < 0) ? ReconnectOptions.FINITE_STREAM_MAX_ATTEMPTS
				: options.maxAttempts();
		if (!options.enabled() || (!failure.isRetryable() && !credentialsRefreshed(failure, ended))) {
			endWith(StreamState.FAILED, failure);
			return Flux.just(failed);
		}
		if (maxAttempts >= 0 && this.failuresInRow > maxAttempts) {
			endWith(StreamState.FAILED, new SseReconnectExhaustedException(this.failuresInRow, failure));
			return Flux.just(failed);
		}
		Duration retryAfter = (failure instanceof SseHttpStatusException status) ? status.getRetryAfter() : null;
		Duration delay = this.backoff.delay(this.failuresInRow, this.serverRetry, retryAfter,
				ThreadLocalRandom.current().nextDouble());
		moveTo(StreamState.RECONNECTING);
		logAttempt(failure, delay);
		long generation = this.restartGeneration;
		Mono<Object> wait = Mono.defer(() -> {
			Sinks.One<Boolean> cut = Sinks.one();
			this.waitCut = cut;
			// a restart or close that looked before the wait began
			if (this.restartGeneration != generation || this.closeRequested) {
				return Mono.empty();
			}
			return Mono.delay(delay).or(cut.asMono().map((restart) -> 0L)).then(Mono.empty());
		}).doFinally((signal) -> this.waitCut = null);
		SseItem[] signals = { failed, new SseSignal.Retrying(delay, this.failuresInRow + 1) };
		return Flux.<Object>just(ReadItems.of(signals, signals.length)).concatWith(wait);
	}

	private void recordFailure(SseException failure) {
		this.lastFailure = failure;
		if (!(failure instanceof StreamConnection.EndOfStream)) {
			this.lastErrorAt = Instant.now();
			this.lastError = failure;
		}
	}

	/** How the stream ends, once the attempts are over. */
	private void endWith(StreamState end, @Nullable SseException cause) {
		if (cause != null) {
			recordFailure(cause);
		}
		this.endCause = cause;
		this.ending = end;
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
		if (failure instanceof SharedConnectionLost lost) {
			// one line for the connection, whatever the number of streams on it
			SharedConnectionLosses.report(lost.connectionId, lost.origin, lost.reason);
			logger.debug(message);
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

	/** After a 401 or 403: ask the customizer for new headers, and retry only if they changed. */
	private boolean credentialsRefreshed(SseException failure, @Nullable StreamConnection ended) {
		if (!(failure instanceof SseHttpStatusException status) || !status.isCredentialsRejected()
				|| this.request.customizer() == null || ended == null) {
			return false;
		}
		HttpHeaders next;
		try {
			next = prepareHeaders(new SseAttempt(this.attemptNumber + 1, lastEventId(), failure));
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

	private void cutWait() {
		Sinks.One<Boolean> cut = this.waitCut;
		if (cut != null) {
			cut.tryEmitValue(Boolean.TRUE);
		}
	}

	private SseException toSseException(Throwable error) {
		if (error instanceof SseException sse) {
			return sse;
		}
		Throwable root = NestedExceptionUtils.getMostSpecificCause(error);
		String reason = (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
		StreamConnection connection = this.current;
		URI url = (connection != null) ? connection.url() : this.request.url();
		SharedConnection shared = (connection != null) ? connection.sharedConnection() : null;
		if (shared != null && shared.isOpen()) {
			// Reactor Netty reports it as a connection "prematurely closed", which only this stream was
			return new SseConnectionException("The server at " + Redaction.url(url) + " reset this stream (HTTP/2 "
					+ "RST_STREAM); its connection, shared with other streams, stays open", error);
		}
		if (shared != null) {
			return new SharedConnectionLost(shared.id(), url, reason, error);
		}
		return new SseConnectionException("Connection to " + Redaction.url(url) + " failed: " + reason, error);
	}

	/** The HTTP/2 connection a stream was multiplexed on was lost: every stream on it fails alike. */
	static final class SharedConnectionLost extends SseConnectionException {

		private static final long serialVersionUID = 1L;

		final String connectionId;

		final String origin;

		final String reason;

		SharedConnectionLost(String connectionId, URI url, String reason, Throwable cause) {
			super("The HTTP/2 connection " + connectionId + " to " + Redaction.url(url) + " was lost: " + reason, cause);
			this.connectionId = connectionId;
			this.origin = url.getScheme() + "://" + url.getHost() + ((url.getPort() != -1) ? ":" + url.getPort() : "");
			this.reason = reason;
		}

	}

	/** The stream's last item, once every item before it went out. */
	private SseSignal.@Nullable Closed closing() {
		StreamState end = this.ending;
		return end(((end != null) ? end : StreamState.CLOSED), this.endCause);
	}

	/** When the sequence is over: ends the stream if {@link #closing()} did not (a cancelled subscriber). */
	private void finish(SignalType signal) {
		end(StreamState.CLOSED, null);
		SseSignal.Closed closed = this.closed;
		if (closed != null) {
			mirror(closed);
		}
	}

	/** Ends the stream once: its final state and the {@code Closed} signal; {@code null} if it had ended. */
	private SseSignal.@Nullable Closed end(StreamState end, @Nullable SseException cause) {
		if (!FINISHED.compareAndSet(this, false, true)) {
			return null;
		}
		this.state = end;
		StreamConnection last = this.current;
		if (last != null) {
			this.lastEventId = last.lastEventId();
		}
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
		SseSignal.Closed closed = new SseSignal.Closed(end, cause);
		this.closed = closed;
		return closed;
	}

	/** Passes a signal on to {@link #signals()} as the subscriber of the items is handed it. */
	private void mirror(SseSignal signal) {
		if (!(signal instanceof SseSignal.Closed)) {
			this.signals.emitNext(signal, retryWhenConcurrent());
		}
		else if (CLOSED_MIRRORED.compareAndSet(this, false, true)) {
			this.signals.emitNext(signal, retryWhenConcurrent());
			this.signals.emitComplete(retryWhenConcurrent());
		}
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
		public SseSignal.Opened opened(StreamConnection connection, String maskedUrl, @Nullable String protocol) {
			SseStream.this.connectedSince = Instant.now();
			SseStream.this.protocol = protocol;
			SseStream.this.disconnectedSince = null;
			moveTo(StreamState.OPEN);
			if (logger.isInfoEnabled()) {
				logger.info("Stream '" + SseStream.this.request.name() + "' opened " + maskedUrl
						+ ((protocol != null) ? " over " + protocol : "")
						+ (SseStream.this.lastEventId.isEmpty() ? "" : " from id " + SseStream.this.lastEventId));
			}
			return new SseSignal.Opened(maskedUrl, SseStream.this.failuresInRow + 1);
		}

		@Override
		public void serverRetry(Duration retry) {
			SseStream.this.serverRetry = retry;
		}

		@Override
		public void received(int bytes) {
			SseStream.this.bytesReceived.add(bytes);
		}

		/**
		 * The stream's last event time moves once per read (it is volatile: a write per event
		 * would be a memory fence per event).
		 */
		@Override
		public void eventsReceived(Instant at) {
			SseStream.this.lastEventAtMillis = at.toEpochMilli();
			if (!SseStream.this.deliveredOnConnection) {
				// progress: the failures before this connection no longer count (a finite
				// stream progresses only by completing)
				SseStream.this.deliveredOnConnection = true;
				if (!SseStream.this.request.isFinite()) {
					SseStream.this.failuresInRow = 0;
				}
			}
		}

	}

}
