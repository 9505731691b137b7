package dev.sseclient.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.util.UriUtils;

import dev.sseclient.container.InvalidSseConfigurationException;
import dev.sseclient.container.RuntimeStreams;
import dev.sseclient.container.StreamDefinition;
import dev.sseclient.core.ReconnectOptions;
import dev.sseclient.core.SseClient;
import dev.sseclient.core.Redaction;
import dev.sseclient.core.SseRequest;
import dev.sseclient.core.SseRequestCustomizer;

/**
 * The declared streams, bound and checked at startup. Each stream is bound onto the
 * {@code sse.client.defaults}, so it overrides only what it sets; a bad value fails startup
 * naming the property where it was set.
 */
public final class StreamDefinitions {

	static final String PREFIX = "sse.client";

	private static final String STREAMS = "streams";

	private static final String TEMPLATES = "templates";

	/** A template parameter, such as {@code {device}}. */
	private static final Pattern PARAMETER = Pattern.compile("\\{([A-Za-z0-9_.-]+)\\}");

	private final Map<String, StreamDefinition> definitions;

	private StreamDefinitions(Map<String, StreamDefinition> definitions) {
		this.definitions = Collections.unmodifiableMap(definitions);
	}

	/** The definitions by stream name, in declaration order. */
	public Map<String, StreamDefinition> asMap() {
		return this.definitions;
	}

	static StreamDefinitions bind(Environment environment, SseRequestCustomizers customizers, StreamClients clients) {
		UnknownProperties.check(ConfigurationPropertySources.get(environment));
		StreamProperties streams = StreamProperties.read(environment, STREAMS);
		Map<String, StreamDefinition> definitions = new LinkedHashMap<>();
		for (String name : streams.names()) {
			Paths paths = new Paths(STREAMS, name, streams);
			SseClientProperties.Stream stream = streams.bind(prefix(STREAMS, name));
			definitions.put(name, definition(name, stream, paths, customizers, clients, null));
		}
		return new StreamDefinitions(definitions);
	}

	/** The names of the declared streams. */
	static Set<String> names(Environment environment) {
		return StreamProperties.read(environment, STREAMS).names();
	}

	/**
	 * A short hash of each declared stream's and template's definition, keyed
	 * {@code stream:<name>} and {@code template:<name>}, for instances to compare theirs.
	 */
	static Map<String, String> fingerprints(Environment environment) {
		Map<String, String> fingerprints = new LinkedHashMap<>();
		StreamProperties.read(environment, STREAMS).fingerprints().forEach((name, hash) -> fingerprints.put("stream:" + name, hash));
		StreamProperties.read(environment, TEMPLATES).fingerprints().forEach((name, hash) -> fingerprints.put("template:" + name, hash));
		return fingerprints;
	}

	/** The names of the templates. */
	static Set<String> templateNames(Environment environment) {
		return StreamProperties.read(environment, TEMPLATES).names();
	}

	private static StreamDefinition definition(String name, SseClientProperties.Stream stream, Paths paths,
			SseRequestCustomizers customizers, StreamClients clients, @Nullable String template) {
		SseRequest request = request(name, stream, paths, customizers.forStream(name));
		SseClient client = clients.forStream(request.url(), stream, paths::of);
		// a template's streams share meters unless it asks for them per stream
		String meterGroup = (template != null && !stream.isPerStreamMeters()) ? template : null;
		return new StreamDefinition(name, request, client, positive(stream.getBufferSize(), paths.of("buffer-size")),
				stream.getOverflow(), stream.isAutoStartup(), template, meterGroup, stream.getListenerThread());
	}

	/**
	 * Definitions of streams registered at run time. From a request: as given, named, with the
	 * customizers for its name unless it brings its own, and the defaults' buffer and overflow.
	 * From a template: its settings bound as a declared stream's are, parameters filled in.
	 * Templates are read when the registry starts, so they may use properties known only then.
	 */
	static RuntimeStreams runtime(Environment environment, SseClientProperties properties,
			SseRequestCustomizers customizers, StreamClients clients) {
		return new Templates(environment, properties.getDefaults(), customizers, clients);
	}

	private static final class Templates implements RuntimeStreams {

		private final SseClientProperties.Stream defaults;

		private final SseRequestCustomizers customizers;

		private final StreamClients clients;

		/** Read when first asked for: when the registry starts. */
		private final SingletonSupplier<StreamProperties> templates;

		/** Each template bound and checked once, at its first stream or at validation. */
		private final Map<String, Prototype> prototypes = new ConcurrentHashMap<>();

		Templates(Environment environment, SseClientProperties.Stream defaults, SseRequestCustomizers customizers,
				StreamClients clients) {
			this.defaults = defaults;
			this.customizers = customizers;
			this.clients = clients;
			this.templates = SingletonSupplier.of(() -> StreamProperties.read(environment, TEMPLATES));
		}

		private StreamProperties templates() {
			return this.templates.obtain();
		}

		@Override
		public Set<String> templateNames() {
			return templates().names();
		}

		/**
		 * Tries each template once, with every parameter set to {@code x}, so a template that
		 * can never work fails startup naming its property.
		 */
		@Override
		public void validate() {
			for (String template : templateNames()) {
				Prototype prototype = prototype(template);
				this.clients.forStream(prototype.request().url(), prototype.settings(), prototype.paths()::of);
			}
		}

		/**
		 * The template's settings, bound once, and a request made from them with every parameter
		 * set to {@code x}: binding is most of what registering a stream took, and its streams
		 * share what the parameters do not change.
		 */
		private Prototype prototype(String template) {
			return this.prototypes.computeIfAbsent(template, (name) -> {
				Paths paths = new Paths(TEMPLATES, name, templates());
				SseClientProperties.Stream settings = templates().bind(prefix(TEMPLATES, name));
				Set<String> parameters = parametersOf(settings);
				SseClientProperties.Stream filled = templates().bind(prefix(TEMPLATES, name));
				fill(filled, name, parameters.stream().collect(Collectors.toMap(Function.identity(), (parameter) -> "x")));
				positive(filled.getBufferSize(), paths.of("buffer-size"));
				return new Prototype(settings, paths, parameters, request(name, filled, paths, null));
			});
		}

		@Override
		public StreamDefinition define(String name, SseRequest request) {
			SseRequest.Builder named = request.mutate().name(name);
			if (request.customizer() == null) {
				named.customizer(this.customizers.forStream(name));
			}
			return new StreamDefinition(name, named.build(), this.clients.forRequest(request.url(), this.defaults),
					Math.max(1, this.defaults.getBufferSize()), this.defaults.getOverflow(), true, null,
					this.defaults.isPerStreamMeters() ? null : StreamDefinition.REGISTERED,
					this.defaults.getListenerThread());
		}

		@Override
		public StreamDefinition define(String name, String template, Map<String, String> parameters) {
			Set<String> names = templateNames();
			if (!names.contains(template)) {
				throw new IllegalArgumentException("No stream template named '" + template + "'; declared under "
						+ PREFIX + ".templates: " + names);
			}
			Prototype prototype = prototype(template);
			SseClientProperties.Stream settings = prototype.settings();
			checkParameters(template, prototype.parameters(), parameters);
			URI url = sharingOrigin(prototype.request().url(),
					url(replace(settings.getUrl(), parameters, true), () -> prototype.paths().of("url")));
			SseRequest.Builder request = prototype.request()
				.mutate(url)
				.name(name)
				.customizer(this.customizers.forStream(name));
			settings.getHeaders().forEach((header, value) -> {
				if (PARAMETER.matcher(value).find()) {
					request.header(header, replace(value, parameters, false));
				}
			});
			if (settings.getBody() != null && PARAMETER.matcher(settings.getBody()).find()) {
				request.body(replace(settings.getBody(), parameters, false));
			}
			SseClient client = this.clients.forStream(url, settings, prototype.paths()::of);
			// a template's streams share meters unless it asks for them per stream
			String meterGroup = settings.isPerStreamMeters() ? null : template;
			return new StreamDefinition(name, request.build(), client, settings.getBufferSize(), settings.getOverflow(),
					settings.isAutoStartup(), template, meterGroup, settings.getListenerThread());
		}

	}

	/**
	 * {@code url} as the template's url resolved against its path and query when that is the
	 * same URL: it then shares the template's scheme, authority and host instead of holding
	 * strings of its own (thousands of streams of one origin add up), else {@code url}.
	 */
	private static URI sharingOrigin(URI template, URI url) {
		String path = url.getRawPath();
		if (url.getRawAuthority() == null || path == null || !path.startsWith("/")
				|| !url.getRawAuthority().equals(template.getRawAuthority())) {
			return url;
		}
		String reference = path + ((url.getRawQuery() != null) ? "?" + url.getRawQuery() : "")
				+ ((url.getRawFragment() != null) ? "#" + url.getRawFragment() : "");
		URI shared = template.resolve(URI.create(reference));
		return (shared.equals(url) && shared.toString().equals(url.toString())) ? shared : url;
	}

	/**
	 * A template bound once: its settings as written, where its properties are, its parameters,
	 * and a checked request with each parameter set to {@code x}.
	 */
	private record Prototype(SseClientProperties.Stream settings, Paths paths, Set<String> parameters,
			SseRequest request) {
	}

	/** Puts the parameters into the template's url (URL-encoded), headers and body. */
	private static void fill(SseClientProperties.Stream settings, String template, Map<String, String> parameters) {
		checkParameters(template, parametersOf(settings), parameters);
		if (settings.getUrl() != null) {
			settings.setUrl(replace(settings.getUrl(), parameters, true));
		}
		settings.getHeaders().replaceAll((header, value) -> replace(value, parameters, false));
		if (settings.getBody() != null) {
			settings.setBody(replace(settings.getBody(), parameters, false));
		}
	}

	/** Fails naming what is missing or unknown when the parameters are not the template's. */
	private static void checkParameters(String template, Set<String> wanted, Map<String, String> parameters) {
		for (String parameter : wanted) {
			if (!parameters.containsKey(parameter)) {
				throw new IllegalArgumentException("Stream template '" + template + "' needs the parameter '" + parameter
						+ "'; given: " + parameters.keySet());
			}
		}
		for (String given : parameters.keySet()) {
			if (!wanted.contains(given)) {
				throw new IllegalArgumentException("Stream template '" + template + "' has no parameter '" + given
						+ "'; its parameters: " + wanted);
			}
		}
	}

	private static Set<String> parametersOf(SseClientProperties.Stream settings) {
		Set<String> names = new LinkedHashSet<>();
		List<String> texts = new ArrayList<>(settings.getHeaders().values());
		texts.add(settings.getUrl());
		texts.add(settings.getBody());
		for (String text : texts) {
			if (text != null) {
				Matcher matcher = PARAMETER.matcher(text);
				while (matcher.find()) {
					names.add(matcher.group(1));
				}
			}
		}
		return names;
	}

	private static String replace(String text, Map<String, String> parameters, boolean encode) {
		return PARAMETER.matcher(text).replaceAll((match) -> {
			String value = parameters.get(match.group(1));
			return Matcher.quoteReplacement(encode ? UriUtils.encode(value, StandardCharsets.UTF_8) : value);
		});
	}

	private static SseRequest request(String name, SseClientProperties.Stream stream, Paths paths,
			SseRequestCustomizer customizer) {
		SseRequest.Builder builder = SseRequest.builder(url(stream.getUrl(), () -> paths.of("url")))
			.name(name)
			.method(method(stream.getMethod(), paths.of("method")))
			.body(stream.getBody())
			.completeOn(stream.getCompleteOn())
			.completeOnEvent(notEmpty(stream.getCompleteOnEvent(), paths.of("complete-on-event")))
			.resendIncomplete(stream.isResendIncomplete())
			.reconnect(reconnect(stream.getReconnect(), paths))
			.connectTimeout(positive(stream.getConnectTimeout(), paths, "connect-timeout"))
			.idleTimeout(notNegative(stream.getIdleTimeout(), paths, "idle-timeout"))
			.maxEventSize(maxEventSize(stream, paths.of("max-event-size")))
			.customizer(customizer);
		stream.getHeaders().forEach(builder::header);
		stream.getSensitiveHeaders().forEach(builder::sensitiveHeader);
		try {
			builder.lastEventId(stream.getLastEventId());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidSseConfigurationException(paths.of("last-event-id"), "contains NUL, CR or LF",
					"Remove the control characters from " + paths.of("last-event-id") + ".");
		}
		return builder.build();
	}

	private static @Nullable String notEmpty(@Nullable String value, String path) {
		if (value != null && value.isEmpty()) {
			throw new InvalidSseConfigurationException(path, "is empty",
					"Set " + path + " to the event type that ends the stream, such as message_stop, or remove it.");
		}
		return value;
	}

	/**
	 * The url, checked. {@code where} names the property, asked only when the url is not usable:
	 * finding it takes a look through the property sources, once per stream registered at run time.
	 */
	private static URI url(String url, Supplier<String> where) {
		if (url == null || url.isBlank()) {
			String path = where.get();
			throw new InvalidSseConfigurationException(path, "is missing",
					"Set " + path + " to the http or https URL of the event stream.");
		}
		URI uri;
		try {
			uri = new URI(url.trim());
		}
		catch (URISyntaxException ex) {
			String path = where.get();
			throw new InvalidSseConfigurationException(path, "is not a valid URL: " + ex.getReason(),
					"Set " + path + " to an http or https URL such as https://feed.example.com/events.");
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : null;
		if (!url.contains("://") && (scheme == null || !(scheme.equals("http") || scheme.equals("https")))) {
			// localhost:8080/ticks reads as scheme 'localhost'; feed.example.com/x as a bare path
			String path = where.get();
			String shown = withoutScheme(url.trim());
			throw new InvalidSseConfigurationException(path, "('" + shown + "') has no http:// or https:// in front",
					"Set " + path + " to http://" + shown + " or https://" + shown + ".");
		}
		if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
			String path = where.get();
			throw new InvalidSseConfigurationException(path,
					(scheme == null) ? "'" + Redaction.url(uri) + "' is not an absolute URL"
							: "has the unsupported scheme '" + scheme + "'",
					"Set " + path + " to an http or https URL such as https://feed.example.com/events.");
		}
		if (uri.getHost() == null) {
			String path = where.get();
			throw new InvalidSseConfigurationException(path, "'" + Redaction.url(uri) + "' has no host",
					"Set " + path + " to an http or https URL with a host.");
		}
		return uri;
	}

	/** The value with its secrets masked, read as if it began with http://. */
	private static String withoutScheme(String url) {
		try {
			return Redaction.url(new URI("http://" + url)).substring("http://".length());
		}
		catch (URISyntaxException ex) {
			return url.replaceAll("[?@].*", "…");
		}
	}

	private static HttpMethod method(String method, String path) {
		String upper = method.trim().toUpperCase(Locale.ROOT);
		if (upper.isEmpty() || !upper.chars().allMatch((c) -> c >= 'A' && c <= 'Z')) {
			throw new InvalidSseConfigurationException(path, "'" + method + "' is not an HTTP method",
					"Set " + path + " to GET, POST or another HTTP method.");
		}
		return HttpMethod.valueOf(upper);
	}

	private static ReconnectOptions reconnect(SseClientProperties.Reconnect reconnect, Paths paths) {
		Duration initial = notNegative(reconnect.getInitialDelay(), paths, "reconnect.initial-delay");
		Duration max = notNegative(reconnect.getMaxDelay(), paths, "reconnect.max-delay");
		if (max.compareTo(initial) < 0) {
			String path = paths.of("reconnect.max-delay");
			String initialWritten = paths.written("reconnect.initial-delay", initial);
			throw new InvalidSseConfigurationException(path,
					"(" + paths.written("reconnect.max-delay", max) + ") is below reconnect.initial-delay ("
							+ initialWritten + ")",
					"Set " + path + " to at least " + initialWritten + ", or lower " + paths.of("reconnect.initial-delay")
							+ ".");
		}
		if (!(reconnect.getMultiplier() >= 1.0) || Double.isInfinite(reconnect.getMultiplier())) {
			throw new InvalidSseConfigurationException(paths.of("reconnect.multiplier"),
					"(" + reconnect.getMultiplier() + ") must be at least 1",
					"Set " + paths.of("reconnect.multiplier") + " to 1 (constant delay) or more, such as 2.");
		}
		if (!(reconnect.getJitter() >= 0 && reconnect.getJitter() <= 1)) {
			throw new InvalidSseConfigurationException(paths.of("reconnect.jitter"),
					"(" + reconnect.getJitter() + ") must be between 0 and 1",
					"Set " + paths.of("reconnect.jitter") + " to a fraction such as 0.5.");
		}
		if (reconnect.getMaxAttempts() < -1) {
			throw new InvalidSseConfigurationException(paths.of("reconnect.max-attempts"),
					"(" + reconnect.getMaxAttempts() + ") must be -1 (no limit) or more",
					"Set " + paths.of("reconnect.max-attempts") + " to -1 or a number of attempts.");
		}
		return ReconnectOptions.defaults()
			.withEnabled(reconnect.isEnabled())
			.withDelays(initial, max)
			.withMultiplier(reconnect.getMultiplier())
			.withJitter(reconnect.getJitter())
			.withResetAfter(notNegative(reconnect.getResetAfter(), paths, "reconnect.reset-after"))
			.withMaxAttempts(reconnect.getMaxAttempts());
	}

	private static int maxEventSize(SseClientProperties.Stream stream, String path) {
		long bytes = stream.getMaxEventSize().toBytes();
		if (bytes <= 0 || bytes > Integer.MAX_VALUE - 16) {
			throw new InvalidSseConfigurationException(path, "(" + stream.getMaxEventSize() + ") is out of range",
					"Set " + path + " to a size between 1B and 2GB, such as 1MB.");
		}
		return (int) bytes;
	}

	private static Duration notNegative(Duration value, Paths paths, String relative) {
		if (value.isNegative()) {
			String path = paths.of(relative);
			throw new InvalidSseConfigurationException(path, "(" + paths.written(relative, value) + ") must not be negative",
					"Set " + path + " to zero or a positive duration such as 1s.");
		}
		return value;
	}

	private static Duration positive(Duration value, Paths paths, String relative) {
		if (value.isNegative() || value.isZero()) {
			String path = paths.of(relative);
			throw new InvalidSseConfigurationException(path, "(" + paths.written(relative, value) + ") must be positive",
					"Set " + path + " to a positive duration such as 10s.");
		}
		return value;
	}

	private static int positive(int value, String path) {
		if (value < 1) {
			throw new InvalidSseConfigurationException(path, "(" + value + ") must be at least 1",
					"Set " + path + " to a positive number such as 256.");
		}
		return value;
	}

	/**
	 * The stream's prefix as the binder matches it: {@code streams.device-9} and
	 * {@code streams[device-9]} are different names to it (dashes count only in brackets), so a
	 * plain name keeps the form it is written in.
	 */
	private static String prefix(String section, String name) {
		return name.matches("[a-z0-9-]+") ? PREFIX + "." + section + "." + name
				: PREFIX + "." + section + "[" + name + "]";
	}

	/**
	 * Names the property a value came from: the stream's (or template's) own, or the defaults it
	 * inherited.
	 */
	private record Paths(String section, String name, StreamProperties properties) {

		String of(String relative) {
			return (find(ownName(relative)) == null && find(defaultName(relative)) != null)
					? PREFIX + ".defaults." + relative : PREFIX + "." + this.section + "." + this.name + "." + relative;
		}

		/** The value as the user wrote it (such as {@code -1s}), else {@code fallback}. */
		String written(String relative, Object fallback) {
			ConfigurationProperty property = find(ownName(relative));
			if (property == null) {
				property = find(defaultName(relative));
			}
			return (property != null && property.getValue() != null) ? property.getValue().toString().trim()
					: String.valueOf(fallback);
		}

		private ConfigurationPropertyName ownName(String relative) {
			return ConfigurationPropertyName.of(prefix(this.section, this.name) + "." + relative);
		}

		private static ConfigurationPropertyName defaultName(String relative) {
			return ConfigurationPropertyName.of(PREFIX + ".defaults." + relative);
		}

		private @Nullable ConfigurationProperty find(ConfigurationPropertyName name) {
			return this.properties.find(name);
		}

	}

}
