package dev.sseclient.core;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

import dev.sseclient.core.parse.EventStreamParser;

/**
 * Everything needed to follow one stream: where, how to ask, how to reconnect, and the limits
 * that protect the client. Immutable; build one with {@link #get(String)},
 * {@link #post(String, String)} or {@link #builder(URI)}.
 *
 * <pre>{@code
 * SseRequest request = SseRequest.post("https://llm.example.com/v1/chat", "{\"stream\": true}")
 *         .header("Authorization", "Bearer " + token)
 *         .completeOn("[DONE]")
 *         .build();
 * }</pre>
 */
public final class SseRequest {

	private static final Set<String> DEFAULT_SENSITIVE_HEADERS = Set.of("authorization", "proxy-authorization",
			"cookie");

	private final String name;

	private final boolean named;

	private final URI url;

	private final HttpMethod method;

	private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

	private static final HttpHeaders NO_HEADERS = HttpHeaders.readOnlyHttpHeaders(new HttpHeaders());

	private final HttpHeaders headers;

	private final byte @Nullable [] body;

	private final String lastEventId;

	private final @Nullable String completeOn;

	private final @Nullable String completeOnEvent;

	private final boolean resendIncomplete;

	private final ReconnectOptions reconnect;

	private final Duration connectTimeout;

	private final Duration idleTimeout;

	private final int maxEventSize;

	private final int maxLineSize;

	private final int maxRedirects;

	private final Set<String> sensitiveHeaders;

	private final @Nullable SseRequestCustomizer customizer;

	private SseRequest(Builder builder) {
		this.url = builder.url;
		this.name = (builder.name != null) ? builder.name : defaultName(builder.url);
		this.named = builder.name != null;
		this.method = builder.method;
		// most requests set no headers: one shared empty instance (thousands of streams add up)
		this.headers = builder.headers.isEmpty() ? NO_HEADERS
				: HttpHeaders.readOnlyHttpHeaders(HttpHeaders.copyOf(builder.headers));
		this.body = (builder.body != null) ? builder.body.clone() : null;
		this.lastEventId = builder.lastEventId;
		this.completeOn = builder.completeOn;
		this.completeOnEvent = builder.completeOnEvent;
		this.resendIncomplete = builder.resendIncomplete;
		this.reconnect = builder.reconnect;
		this.connectTimeout = builder.connectTimeout;
		this.idleTimeout = builder.idleTimeout;
		this.maxEventSize = builder.maxEventSize;
		this.maxLineSize = (builder.maxLineSize > 0) ? builder.maxLineSize : builder.maxEventSize;
		this.maxRedirects = builder.maxRedirects;
		Set<String> sensitive = Set.copyOf(builder.sensitiveHeaders);
		// the usual set is shared: thousands of streams need not hold a copy each
		this.sensitiveHeaders = sensitive.equals(DEFAULT_SENSITIVE_HEADERS) ? DEFAULT_SENSITIVE_HEADERS : sensitive;
		this.customizer = builder.customizer;
	}

	/** A GET request for the stream at {@code url}. */
	public static Builder get(String url) {
		return builder(URI.create(url));
	}

	/** A POST request with a body (JSON unless a {@code Content-Type} header says otherwise). */
	public static Builder post(String url, String body) {
		return builder(URI.create(url)).method(HttpMethod.POST).body(body);
	}

	/** A GET request for the stream at {@code url}; change anything on the builder. */
	public static Builder builder(URI url) {
		return new Builder(url);
	}

	/** The name used in events, logs and errors. */
	public String name() {
		return this.name;
	}

	/** Whether the name was given, rather than made from the URL's host and path. */
	public boolean isNamed() {
		return this.named;
	}

	public URI url() {
		return this.url;
	}

	public HttpMethod method() {
		return this.method;
	}

	/** The headers the caller set, read-only. */
	public HttpHeaders headers() {
		return this.headers;
	}

	/** The body sent with every attempt, or {@code null}. */
	public byte @Nullable [] body() {
		return (this.body != null) ? this.body.clone() : null;
	}

	/** The last-event-ID to send on the first attempt, empty for none. */
	public String lastEventId() {
		return this.lastEventId;
	}

	/** Event data that ends the stream normally (not delivered), or {@code null}. */
	public @Nullable String completeOn() {
		return this.completeOn;
	}

	/** The event type that ends the stream normally (delivered, then the stream completes), or {@code null}. */
	public @Nullable String completeOnEvent() {
		return this.completeOnEvent;
	}

	/**
	 * Whether the stream is finite: it has a completion rule ({@link #completeOn()} or
	 * {@link #completeOnEvent()}), so a response that ends without it is a failure, not a reason
	 * to reconnect.
	 */
	public boolean isFinite() {
		return this.completeOn != null || this.completeOnEvent != null;
	}

	/**
	 * Whether a finite stream whose response ended before completing sends its request again
	 * (with {@code Last-Event-ID}) instead of failing. Off by default: for an AI answer, a new
	 * request is a new, paid answer.
	 */
	public boolean resendIncomplete() {
		return this.resendIncomplete;
	}

	public ReconnectOptions reconnect() {
		return this.reconnect;
	}

	/** How long an attempt may take until the response status and headers arrived. */
	public Duration connectTimeout() {
		return this.connectTimeout;
	}

	/** How long an open stream may stay silent before it reconnects; zero for no limit. */
	public Duration idleTimeout() {
		return this.idleTimeout;
	}

	public int maxEventSize() {
		return this.maxEventSize;
	}

	public int maxLineSize() {
		return this.maxLineSize;
	}

	public int maxRedirects() {
		return this.maxRedirects;
	}

	/** Lower-case names of headers named as carrying credentials; see {@link #isSensitiveHeader(String)}. */
	public Set<String> sensitiveHeaders() {
		return this.sensitiveHeaders;
	}

	/**
	 * Whether a header carries credentials, and so is never sent to another origin after a
	 * redirect: named in {@link #sensitiveHeaders()}, or looking like one by the rule that masks
	 * URL query parameters ({@code auth}, {@code key}, {@code token}, {@code secret},
	 * {@code password}, {@code session}, {@code cookie}...), such as {@code X-Api-Key}.
	 */
	public boolean isSensitiveHeader(String name) {
		return this.sensitiveHeaders.contains(name.toLowerCase(Locale.ROOT)) || Redaction.looksSensitive(name);
	}

	public @Nullable SseRequestCustomizer customizer() {
		return this.customizer;
	}

	byte @Nullable [] bodyBytes() {
		return this.body;
	}

	/** A builder starting from this request. */
	public Builder mutate() {
		return mutate(this.url);
	}

	/**
	 * A builder starting from this request, for another URL: many streams that differ only in
	 * their URL (a template's) share its settings rather than each holding copies.
	 */
	public Builder mutate(URI url) {
		Builder builder = new Builder(url).method(this.method)
			.lastEventId(this.lastEventId)
			.completeOn(this.completeOn)
			.completeOnEvent(this.completeOnEvent)
			.resendIncomplete(this.resendIncomplete)
			.reconnect(this.reconnect)
			.connectTimeout(this.connectTimeout)
			.idleTimeout(this.idleTimeout)
			.maxEventSize(this.maxEventSize)
			.maxLineSize(this.maxLineSize)
			.maxRedirects(this.maxRedirects)
			.customizer(this.customizer);
		builder.headers.addAll(this.headers);
		if (this.named) {
			builder.name(this.name);
		}
		builder.body = this.body;
		builder.sensitiveHeaders.clear();
		builder.sensitiveHeaders.addAll(this.sensitiveHeaders);
		return builder;
	}

	@Override
	public String toString() {
		return "SseRequest[" + this.name + ": " + this.method + " " + Redaction.url(this.url) + "]";
	}

	private static String defaultName(URI url) {
		return url.getHost() + ((url.getRawPath() != null) ? url.getRawPath() : "");
	}

	/**
	 * Builds an {@link SseRequest}. Defaults: GET, reconnect per
	 * {@link ReconnectOptions#defaults()}, connect timeout 10 s, idle timeout 5 min, events and
	 * lines up to 1 MiB, 10 redirects, {@code Authorization}, {@code Proxy-Authorization} and
	 * {@code Cookie} sensitive.
	 */
	public static final class Builder {

		private final URI url;

		private @Nullable String name;

		private HttpMethod method = HttpMethod.GET;

		private final HttpHeaders headers = new HttpHeaders();

		private byte @Nullable [] body;

		private String lastEventId = "";

		private @Nullable String completeOn;

		private @Nullable String completeOnEvent;

		private boolean resendIncomplete;

		private ReconnectOptions reconnect = ReconnectOptions.defaults();

		private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

		private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

		private int maxEventSize = EventStreamParser.DEFAULT_MAX_SIZE;

		private int maxLineSize;

		private int maxRedirects = 10;

		private final Set<String> sensitiveHeaders = new TreeSet<>(DEFAULT_SENSITIVE_HEADERS);

		private @Nullable SseRequestCustomizer customizer;

		private Builder(URI url) {
			this.url = validate(url);
		}

		/** The name used in events, logs and errors; defaults to host and path. */
		public Builder name(String name) {
			this.name = name;
			return this;
		}

		public Builder method(HttpMethod method) {
			this.method = method;
			return this;
		}

		/** Set a header, replacing earlier values. */
		public Builder header(String name, String value) {
			this.headers.set(name, value);
			return this;
		}

		/** Add all of these headers. */
		public Builder headers(HttpHeaders headers) {
			this.headers.addAll(headers);
			return this;
		}

		/** A body sent with every attempt, UTF-8 encoded; JSON unless a Content-Type header says otherwise. */
		public Builder body(@Nullable String body) {
			this.body = (body != null) ? body.getBytes(StandardCharsets.UTF_8) : null;
			return this;
		}

		/** A body sent with every attempt; JSON unless a Content-Type header says otherwise. */
		public Builder body(byte @Nullable [] body) {
			this.body = (body != null) ? body.clone() : null;
			return this;
		}

		/** The last-event-ID to resume from on the first attempt, for example a stored checkpoint. */
		public Builder lastEventId(String lastEventId) {
			if (lastEventId.indexOf('\0') >= 0 || lastEventId.indexOf('\n') >= 0 || lastEventId.indexOf('\r') >= 0) {
				throw new IllegalArgumentException("A last-event-ID cannot contain NUL, CR or LF");
			}
			this.lastEventId = lastEventId;
			return this;
		}

		/**
		 * Event data that ends the stream normally, such as {@code [DONE]}; the event is not
		 * delivered. Makes the stream {@linkplain SseRequest#isFinite() finite}.
		 */
		public Builder completeOn(@Nullable String data) {
			this.completeOn = data;
			return this;
		}

		/**
		 * An event type that ends the stream normally, such as {@code message_stop}: the event is
		 * delivered, then the stream completes. Makes the stream
		 * {@linkplain SseRequest#isFinite() finite}.
		 */
		public Builder completeOnEvent(@Nullable String type) {
			if (type != null && type.isEmpty()) {
				throw new IllegalArgumentException("completeOnEvent must not be empty");
			}
			this.completeOnEvent = type;
			return this;
		}

		/**
		 * For a finite stream: send the request again (with {@code Last-Event-ID}) when a response
		 * ends before completing, instead of failing. Off by default.
		 */
		public Builder resendIncomplete(boolean resend) {
			this.resendIncomplete = resend;
			return this;
		}

		public Builder reconnect(ReconnectOptions reconnect) {
			this.reconnect = reconnect;
			return this;
		}

		/** Time allowed until the response status and headers arrived (connect, TLS, redirects included). */
		public Builder connectTimeout(Duration connectTimeout) {
			if (connectTimeout.isNegative() || connectTimeout.isZero()) {
				throw new IllegalArgumentException("connectTimeout must be positive, was " + connectTimeout);
			}
			this.connectTimeout = connectTimeout;
			return this;
		}

		/** Silence allowed on an open stream before reconnecting; zero for no limit. */
		public Builder idleTimeout(Duration idleTimeout) {
			if (idleTimeout.isNegative()) {
				throw new IllegalArgumentException("idleTimeout must be zero (none) or positive, was " + idleTimeout);
			}
			this.idleTimeout = idleTimeout;
			return this;
		}

		/** The largest event data accepted, in bytes; also the line limit unless that is set. */
		public Builder maxEventSize(int bytes) {
			if (bytes <= 0) {
				throw new IllegalArgumentException("maxEventSize must be positive, was " + bytes);
			}
			this.maxEventSize = bytes;
			return this;
		}

		/** The largest line accepted, in bytes. */
		public Builder maxLineSize(int bytes) {
			if (bytes <= 0) {
				throw new IllegalArgumentException("maxLineSize must be positive, was " + bytes);
			}
			this.maxLineSize = bytes;
			return this;
		}

		/** Redirects followed in a row before giving up; 0 follows none. */
		public Builder maxRedirects(int maxRedirects) {
			if (maxRedirects < 0) {
				throw new IllegalArgumentException("maxRedirects must be zero or positive, was " + maxRedirects);
			}
			this.maxRedirects = maxRedirects;
			return this;
		}

		/**
		 * Another header that carries credentials, beyond those that look like it: never sent to
		 * another origin.
		 */
		public Builder sensitiveHeader(String name) {
			this.sensitiveHeaders.add(name.toLowerCase(Locale.ROOT));
			return this;
		}

		/** A hook called before every attempt, for example to refresh a token. */
		public Builder customizer(@Nullable SseRequestCustomizer customizer) {
			this.customizer = customizer;
			return this;
		}

		public SseRequest build() {
			return new SseRequest(this);
		}

		private static URI validate(URI url) {
			String scheme = url.getScheme();
			if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
				throw new IllegalArgumentException(
						"A stream URL must be absolute with scheme http or https, was '" + Redaction.url(url) + "'");
			}
			if (url.getHost() == null || url.getHost().isEmpty()) {
				throw new IllegalArgumentException("A stream URL needs a host, was '" + Redaction.url(url) + "'");
			}
			return url;
		}

	}

}
