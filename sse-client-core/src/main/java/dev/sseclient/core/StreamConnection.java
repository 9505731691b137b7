package dev.sseclient.core;

import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.Assert;

import dev.sseclient.core.parse.EventStreamHandler;
import dev.sseclient.core.parse.EventStreamParser;

/**
 * One connection attempt of a stream and, when it opens, its response body. Emits
 * {@link SseSignal.Opened} when the response opened, then, for each chunk of bytes read, the
 * {@link SseEvent}s and {@link SseSignal.Comment}s it completed, in stream order (one list per
 * chunk, so that the operators downstream run per read rather than per event), then ends with the
 * reason the connection ended: an error, or completion after a 204 or the request's completion
 * rule (the rest of that read is ignored).
 *
 * <p>Bytes received before the connection broke are still parsed and emitted before the
 * error, so nothing that arrived is lost. A timer enforces the connect timeout (until the
 * response status arrived, redirects included) and the idle timeout (no byte while the
 * subscriber is ready for more: a slow subscriber is not mistaken for a silent server).
 */
final class StreamConnection implements EventStreamHandler {

	private static final Log logger = LogFactory.getLog(StreamConnection.class);

	/** The demand not yet met: a field with a handle rather than an object of its own per stream. */
	private static final VarHandle OUTSTANDING_DEMAND;

	static {
		try {
			OUTSTANDING_DEMAND = MethodHandles.lookup().findVarHandle(StreamConnection.class, "outstandingDemand", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** The server ended the response normally. */
	static final class EndOfStream extends SseConnectionException {

		private static final long serialVersionUID = 1L;

		EndOfStream(String url) {
			super("The server at " + url + " ended the stream", null);
		}

	}

	/** The caller asked for a restart; not a failure. */
	static final class RestartRequested extends RuntimeException {

		private static final long serialVersionUID = 1L;

		RestartRequested() {
			super("restart requested", null, false, false);
		}

	}

	private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[16 * 1024]);

	private static final ThreadLocal<ReadState> READ_STATE = ThreadLocal.withInitial(ReadState::new);

	private static final String BODY_SNIPPET_ELLIPSIS = "…";

	private static final int BODY_SNIPPET_BYTES = 512;

	private final StreamTransport transport;

	private final SseRequest request;

	/** The headers of this attempt; let go once the response opened (only a refused attempt's are compared). */
	private volatile @Nullable HttpHeaders headers;

	/**
	 * The request on its way, redirects followed; let go once the response opened, so that an
	 * open stream holds no copy of its request.
	 */
	private volatile @Nullable Hop hop;

	private final EventStreamParser parser;

	private final Listener listener;

	private final long idleTimeoutNanos;

	private volatile long outstandingDemand;

	/** Ends the exchange: a timeout, a restart or the stream's close. */
	private final Sinks.One<Boolean> stop = Sinks.one();

	/** The connect or idle timeout's next check; one at a time. */
	private volatile @Nullable Disposable timer;

	/** The exchange is over: no timer may be armed any more. */
	private volatile boolean ended;

	private volatile long openedAtNanos;

	private volatile long lastActivityNanos;

	private volatile boolean responded;

	private volatile boolean noContent;

	private volatile boolean restarted;

	private volatile boolean closing;

	private volatile @Nullable SseTimeoutException timedOut;

	private volatile @Nullable Throwable bodyFailure;

	/** Where this attempt connects: the request's URL, or where a redirect led. */
	private volatile URI url;

	/** Whether each event is logged at DEBUG; looked up once per read, not per event. */
	private boolean debugEvents;

	/** Items of the previous read: the next list starts that large, not growing item by item. */
	private int previousItems = 4;

	/** Events parsed on this connection: plain, written and read on the connection's thread. */
	private int eventsReceived;

	private volatile boolean completed;

	/**
	 * Where the last-event-ID stands for good, else {@code null}: at the completion (ids parsed
	 * after it are not the stream's), or before a read that failed (its events were not delivered).
	 */
	private volatile @Nullable String idAtEnd;

	private volatile @Nullable SharedConnection sharedConnection;

	/** What the stream learns from its connection as it happens. */
	interface Listener {

		/** The response opened; returns the signal that goes ahead of the connection's events. */
		SseSignal.Opened opened(StreamConnection connection, String maskedUrl, @Nullable String protocol);

		void serverRetry(Duration retry);

		void received(int bytes);

		/** A read completed one or more events, received at {@code at}. */
		void eventsReceived(Instant at);

	}

	StreamConnection(StreamTransport transport, SseRequest request, HttpHeaders headers, String lastEventId,
			Listener listener) {
		this.transport = transport;
		this.request = request;
		this.headers = headers;
		this.listener = listener;
		this.parser = new EventStreamParser(this, lastEventId, request.maxLineSize(), request.maxEventSize());
		this.idleTimeoutNanos = request.idleTimeout().toNanos();
		this.url = request.url();
	}

	/** Where this attempt connects or connected: the request's URL, or where a redirect led. */
	URI url() {
		return this.url;
	}

	/** The headers this attempt sent, or {@code null} once its response opened. */
	@Nullable HttpHeaders headers() {
		return this.headers;
	}

	/** The HTTP/2 connection the opened response is multiplexed on, or {@code null}. */
	@Nullable SharedConnection sharedConnection() {
		return this.sharedConnection;
	}

	/** Whether the response opened (200 with {@code text/event-stream}). */
	boolean opened() {
		return this.openedAtNanos != 0;
	}

	/** Events this connection delivered. */
	int eventsReceived() {
		return this.eventsReceived;
	}

	/** Whether the connection opened and stayed open for at least {@code period}. */
	boolean wasOpenFor(Duration period) {
		long opened = this.openedAtNanos;
		return opened != 0 && System.nanoTime() - opened >= period.toNanos();
	}

	/**
	 * Connect, and emit what the stream sends until it ends, times out, or is stopped by
	 * {@link #restart()} or {@link #close()}.
	 */
	Flux<Object> connect() {
		return Flux.defer(() -> {
			schedule(this::checkConnectTimeout, this.request.connectTimeout().toNanos());
			HttpHeaders headers = this.headers;
			Assert.state(headers != null, "A connection attempt is made once");
			return exchange(new Hop(this.request.url(), this.request.method(), this.request.bodyBytes(), headers,
					this.request.maxRedirects()))
				.takeUntilOther(this.stop.asMono())
				.doFinally((signal) -> {
					this.ended = true;
					cancelTimer();
				})
				.concatWith(Mono.defer(this::ending));
		});
	}

	/** End the exchange so that the stream reconnects at once. */
	void restart() {
		this.restarted = true;
		this.stop.tryEmitValue(Boolean.TRUE);
	}

	/** End the exchange for good: the stream is closing. */
	void close() {
		this.closing = true;
		this.stop.tryEmitValue(Boolean.TRUE);
	}

	private Flux<Object> exchange(Hop hop) {
		this.url = hop.url();
		this.hop = hop;
		return this.transport.exchange(hop.url(), hop.method(), hop.body(), hop.headers(), this::respond);
	}

	private Flux<Object> respond(StreamTransport.Response response) {
		Hop hop = this.hop;
		Assert.state(hop != null, "A response answers a request");
		int status = response.status();
		HttpHeaders responseHeaders = response.headers();
		String maskedUrl = Redaction.url(hop.url());
		return switch (ResponsePolicy.decide(status, responseHeaders)) {
			case OPEN -> {
				this.hop = null;
				this.headers = null;
				this.sharedConnection = response.sharedConnection();
				SseSignal.Opened opened = open(maskedUrl, response.protocol());
				response.headersRead();
				yield Flux.<Object>just(opened).concatWith(parse(response));
			}
			case NO_CONTENT -> {
				this.noContent = true;
				yield response.releaseBody().thenMany(Flux.empty());
			}
			case REDIRECT -> response.releaseBody()
				.thenMany(Flux.defer(() -> redirect(hop, status, responseHeaders.getFirst(HttpHeaders.LOCATION))));
			case WRONG_CONTENT_TYPE -> bodySnippet(response).flatMapMany((snippet) -> Flux.error(
					new SseContentTypeException(maskedUrl, responseHeaders.getFirst(HttpHeaders.CONTENT_TYPE), snippet)));
			case REJECTED -> bodySnippet(response).flatMapMany((snippet) -> Flux.error(new SseHttpStatusException(
					maskedUrl, status, snippet, ResponsePolicy.retryAfter(responseHeaders, Clock.systemUTC()))));
		};
	}

	private Flux<Object> redirect(Hop hop, int status, @Nullable String location) {
		URI from = hop.url();
		HttpMethod method = hop.method();
		String maskedFrom = Redaction.url(from);
		if (hop.redirectsLeft() == 0) {
			return Flux.error(new SseRedirectException("Stopped after " + this.request.maxRedirects()
					+ " redirects in a row (the last a " + status + " from " + maskedFrom + "): a redirect loop?"));
		}
		if (location == null || location.isBlank()) {
			return Flux.error(new SseRedirectException(
					"The server at " + maskedFrom + " answered " + status + " without a Location header"));
		}
		URI target;
		try {
			target = from.resolve(location.trim());
		}
		catch (IllegalArgumentException ex) {
			return Flux.error(new SseRedirectException("The server at " + maskedFrom + " answered " + status
					+ " with an unusable Location '" + location + "'"));
		}
		String scheme = (target.getScheme() != null) ? target.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!(scheme.equals("http") || scheme.equals("https")) || target.getHost() == null) {
			return Flux.error(new SseRedirectException("The server at " + maskedFrom + " redirected to "
					+ Redaction.url(target) + ", which is not an http or https URL"));
		}
		HttpMethod nextMethod = method;
		byte[] nextBody = hop.body();
		HttpHeaders nextHeaders = HttpHeaders.copyOf(hop.headers());
		boolean becomesGet = (status == 303 && method != HttpMethod.HEAD)
				|| ((status == 301 || status == 302) && method == HttpMethod.POST);
		if (becomesGet) {
			nextMethod = HttpMethod.GET;
			nextBody = null;
			nextHeaders.remove(HttpHeaders.CONTENT_TYPE);
			nextHeaders.remove(HttpHeaders.CONTENT_LENGTH);
		}
		if (!sameOrigin(from, target)) {
			List.copyOf(nextHeaders.headerNames())
				.stream()
				.filter(this.request::isSensitiveHeader)
				.forEach(nextHeaders::remove);
		}
		return exchange(new Hop(target, nextMethod, nextBody, nextHeaders, hop.redirectsLeft() - 1));
	}

	private SseSignal.Opened open(String maskedUrl, @Nullable String protocol) {
		long now = System.nanoTime();
		this.openedAtNanos = now;
		this.lastActivityNanos = now;
		this.responded = true;
		if (this.idleTimeoutNanos > 0) {
			schedule(this::checkIdleTimeout, this.idleTimeoutNanos);
		}
		else {
			cancelTimer();
		}
		return this.listener.opened(this, maskedUrl, protocol);
	}

	private Flux<Object> parse(StreamTransport.Response response) {
		return response.body(this::parseChunk)
			.doOnRequest(this::demanded)
			.onErrorResume((error) -> {
				this.bodyFailure = error;
				return Mono.empty();
			})
			.takeUntil((read) -> this.completed)
			.filter((read) -> read != ReadItems.NONE);
	}

	private void demanded(long n) {
		long before;
		do {
			before = this.outstandingDemand;
		}
		while (!OUTSTANDING_DEMAND.compareAndSet(this, before, (before + n < 0) ? Long.MAX_VALUE : before + n));
		if (before == 0) {
			this.lastActivityNanos = System.nanoTime();
		}
	}

	/** The items the read completed, as {@link ReadItems} describes. */
	private Object parseChunk(ByteBuf buffer) {
		long demand;
		do {
			demand = this.outstandingDemand;
		}
		while (demand != Long.MAX_VALUE && !OUTSTANDING_DEMAND.compareAndSet(this, demand, demand - 1));
		this.lastActivityNanos = System.nanoTime();
		this.debugEvents = logger.isDebugEnabled();
		this.listener.received(buffer.readableBytes());
		ReadState read = READ_STATE.get();
		read.initialCapacity = this.previousItems;
		String idBeforeRead = this.parser.getLastEventId();
		SseItem only;
		SseItem[] items;
		int count;
		Instant receivedAt;
		try {
			feed(buffer);
			only = read.first;
			items = read.items;
			count = read.count;
			receivedAt = read.receivedAt;
		}
		catch (RuntimeException ex) {
			// the read's events go with it, undelivered: the connection ends where the read began
			this.idAtEnd = idBeforeRead;
			throw ex;
		}
		finally {
			// the thread's state holds on to nothing of this read, and is ready for the next
			read.clear();
		}
		if (receivedAt != null) {
			this.listener.eventsReceived(receivedAt);
		}
		if (items == null) {
			return (only != null) ? only : ReadItems.NONE;
		}
		this.previousItems = Math.max(4, count);
		return ReadItems.of(items, count);
	}

	/**
	 * Heap bytes (what the chunked-body decoder hands on) are parsed in place; others through a
	 * per-thread scratch array.
	 */
	private void feed(ByteBuf bytes) {
		if (bytes.hasArray()) {
			this.parser.feed(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
			return;
		}
		byte[] scratch = SCRATCH.get();
		int index = bytes.readerIndex();
		int end = index + bytes.readableBytes();
		while (index < end) {
			int length = Math.min(end - index, scratch.length);
			bytes.getBytes(index, scratch, 0, length);
			this.parser.feed(scratch, 0, length);
			index += length;
		}
	}

	@Override
	public void onEvent(String lastEventId, String type, String data) {
		if (this.completed) {
			return;
		}
		if (data.equals(this.request.completeOn())) {
			// the completion data is no event of the stream's: not delivered
			complete();
			return;
		}
		// the id moved, if it did, through onLastEventIdChanged just before
		ReadState read = READ_STATE.get();
		Instant receivedAt = read.receivedAt();
		this.eventsReceived++;
		if (this.debugEvents) {
			logger.debug("Stream '" + this.request.name() + "': event id '" + lastEventId + "', type '" + type + "', "
					+ data.length() + " chars of data");
		}
		read.add(new SseEvent(this.request.name(), lastEventId, type, data, receivedAt));
		if (type.equals(this.request.completeOnEvent())) {
			complete();
		}
	}

	/** The stream's last event came: ids parsed after it are not the stream's. */
	private void complete() {
		this.idAtEnd = this.parser.getLastEventId();
		this.completed = true;
	}

	@Override
	public void onComment(String comment) {
		if (!this.completed) {
			READ_STATE.get().add(new SseSignal.Comment(comment));
		}
	}

	@Override
	public void onRetry(long millis) {
		this.listener.serverRetry(Duration.ofMillis(millis));
	}

	@Override
	public void onLastEventIdChanged(String lastEventId) {
		// the stream asks the parser for it when it needs it: no write per event here
	}

	/** The last-event-ID in effect on this connection so far; any thread may ask. */
	String lastEventId() {
		String atEnd = this.idAtEnd;
		return (atEnd != null) ? atEnd : this.parser.getLastEventId();
	}

	/** Why the connection ended, once it ended without an error of its own. */
	private Mono<Object> ending() {
		if (this.closing) {
			return Mono.empty();
		}
		if (this.restarted) {
			return Mono.error(new RestartRequested());
		}
		SseTimeoutException timeout = this.timedOut;
		if (timeout != null) {
			return Mono.error(timeout);
		}
		if (this.noContent || this.completed) {
			return Mono.empty();
		}
		Throwable failure = this.bodyFailure;
		if (failure != null) {
			return Mono.error(failure);
		}
		return Mono.error(new EndOfStream(Redaction.url(this.url)));
	}

	/**
	 * Arms the one timer of this connection, replacing the one before: a task on Reactor's
	 * parallel scheduler rather than a chain of operators, so that an idle stream costs little.
	 */
	private void schedule(Runnable check, long delayNanos) {
		Disposable previous = this.timer;
		if (previous != null) {
			previous.dispose();
		}
		if (this.ended) {
			return;
		}
		Disposable next = Schedulers.parallel().schedule(check, delayNanos, TimeUnit.NANOSECONDS);
		this.timer = next;
		if (this.ended) {
			// ended meanwhile, after the end cancelled the timer it saw
			next.dispose();
		}
	}

	private void cancelTimer() {
		Disposable timer = this.timer;
		if (timer != null) {
			timer.dispose();
		}
	}

	/** Until the response status arrived (redirects included). */
	private void checkConnectTimeout() {
		if (this.responded || this.ended) {
			return;
		}
		this.timedOut = new SseTimeoutException("No response from " + Redaction.url(this.url)
				+ " within the connect timeout of " + this.request.connectTimeout().toMillis() + " ms", false);
		this.stop.tryEmitValue(Boolean.TRUE);
	}

	/**
	 * No byte for the idle timeout while the subscriber was ready for more (a slow subscriber is
	 * not a silent server); otherwise wakes again at the next possible deadline.
	 */
	private void checkIdleTimeout() {
		if (this.ended) {
			return;
		}
		long silentFor = System.nanoTime() - this.lastActivityNanos;
		if (this.outstandingDemand > 0 && silentFor >= this.idleTimeoutNanos) {
			this.timedOut = new SseTimeoutException("The server at " + Redaction.url(this.url) + " sent nothing for "
					+ this.request.idleTimeout().toMillis() + " ms (idle timeout)", true);
			this.stop.tryEmitValue(Boolean.TRUE);
			return;
		}
		schedule(this::checkIdleTimeout, Math.max(this.idleTimeoutNanos - silentFor, 1_000_000));
	}

	/** The start of an error body, for the exception's message: at most 512 bytes, one line. */
	private static Mono<String> bodySnippet(StreamTransport.Response response) {
		ByteArrayOutputStream start = new ByteArrayOutputStream();
		return response.body((buffer) -> {
			int length = Math.min(buffer.readableBytes(), BODY_SNIPPET_BYTES + 1 - start.size());
			byte[] bytes = new byte[length];
			buffer.getBytes(buffer.readerIndex(), bytes);
			start.writeBytes(bytes);
			return start.size();
		}).takeUntil((read) -> read > BODY_SNIPPET_BYTES).onErrorComplete().then(Mono.fromSupplier(() -> {
			byte[] bytes = start.toByteArray();
			String text = new String(bytes, 0, Math.min(bytes.length, BODY_SNIPPET_BYTES), StandardCharsets.UTF_8)
				.replaceAll("[\\p{Cntrl}&&[^\t]]+", " ")
				.strip();
			return (bytes.length > BODY_SNIPPET_BYTES) ? text + BODY_SNIPPET_ELLIPSIS : text;
		}));
	}

	/** One request of the attempt: the first, or one a redirect led to. */
	private record Hop(URI url, HttpMethod method, byte @Nullable [] body, HttpHeaders headers, int redirectsLeft) {
	}

	private static boolean sameOrigin(URI a, URI b) {
		return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
				&& effectivePort(a) == effectivePort(b);
	}

	private static int effectivePort(URI url) {
		if (url.getPort() != -1) {
			return url.getPort();
		}
		return url.getScheme().equalsIgnoreCase("https") ? 443 : 80;
	}

	/**
	 * What the read being parsed produced, kept per thread rather than per connection: the
	 * connection is old by the time it reads, and with thousands of streams a reference written
	 * into each at every read is a card for G1 to refine, where one object per event loop is
	 * written over and over. Reads in the same millisecond on a thread share one {@code Instant},
	 * across streams, as a burst of one event per stream would otherwise make one per event.
	 */
	private static final class ReadState {

		private @Nullable SseItem first;

		private SseItem @Nullable [] items;

		private int count;

		/** How large a list of the read's items starts. */
		private int initialCapacity = 4;

		private @Nullable Instant receivedAt;

		private Instant lastInstant = Instant.EPOCH;

		void clear() {
			this.first = null;
			this.items = null;
			this.count = 0;
			this.receivedAt = null;
		}

		/** When the read's events arrived: the first event's millisecond, for every event of the read. */
		Instant receivedAt() {
			Instant at = this.receivedAt;
			if (at == null) {
				long millis = System.currentTimeMillis();
				at = this.lastInstant;
				if (at.toEpochMilli() != millis) {
					at = Instant.ofEpochMilli(millis);
					this.lastInstant = at;
				}
				this.receivedAt = at;
			}
			return at;
		}

		/** The read's first item alone; a list is made only for a second (one event per read is common). */
		void add(SseItem item) {
			if (this.first == null) {
				this.first = item;
				return;
			}
			SseItem[] pending = this.items;
			if (pending == null) {
				pending = new SseItem[this.initialCapacity];
				pending[0] = this.first;
				this.count = 1;
			}
			else if (this.count == pending.length) {
				pending = Arrays.copyOf(pending, pending.length * 2);
			}
			pending[this.count++] = item;
			this.items = pending;
		}

	}

}
