package dev.sseclient.autoconfigure;

import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;


import org.jspecify.annotations.Nullable;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.transport.ProxyProvider;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.ReactorHttpClientBuilder;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.ClassUtils;

import dev.sseclient.container.InvalidSseConfigurationException;
import dev.sseclient.core.SseClient;

/**
 * Picks the client a stream connects through: the shared one (HTTP/1.1, a connection per
 * stream), or one made for the stream's SSL bundle, proxy and protocols by Boot's builder, kept
 * and shared by every stream with the same settings. Streams that may speak HTTP/2 to their
 * origin connect through the pooled client of {@link Http2Connections}. No client follows
 * redirects itself, so the engine's redirect policy (no credentials to another origin, bounded
 * hops) still applies.
 */
final class StreamClients {

	private static final boolean HTTP_CLIENT_SETTINGS_PRESENT = ClassUtils.isPresent(
			"org.springframework.boot.http.client.ReactorHttpClientBuilder", StreamClients.class.getClassLoader());

	private final SseClient shared;

	private final Function<HttpClient, SseClient> clientOn;

	private final @Nullable SslBundles sslBundles;

	private final Http2Connections http2;

	private final Map<Settings, SseClient> made = new ConcurrentHashMap<>();

	StreamClients(SseClient shared, Function<HttpClient, SseClient> clientOn, @Nullable SslBundles sslBundles,
			Http2Connections http2) {
		this.shared = shared;
		this.clientOn = clientOn;
		this.sslBundles = sslBundles;
		this.http2 = http2;
	}

	/** The client of a stream registered from a request: the defaults' settings apply. */
	SseClient forRequest(URI url, SseClientProperties.Stream defaults) {
		return forStream(url, defaults, (relative) -> StreamDefinitions.PREFIX + ".defaults." + relative);
	}

	/**
	 * The client of a stream to {@code url} with these settings; {@code path} names where one
	 * of them was set ({@code sse.client.streams.prices.protocols}), for messages.
	 */
	SseClient forStream(URI url, SseClientProperties.Stream stream, UnaryOperator<String> path) {
		// the property's name only for a message: looking it up took a tenth of a registration
		Set<HttpProtocol> protocols = protocols(url, stream.getProtocols(), () -> path.apply("protocols"));
		String sslBundleName = stream.getSslBundle();
		SseClientProperties.Proxy proxy = stream.getProxy();
		if (sslBundleName == null && proxy.getHost() == null && protocols.equals(Set.of(HttpProtocol.HTTP11))) {
			return this.shared;
		}
		if (!HTTP_CLIENT_SETTINGS_PRESENT) {
			throw new InvalidSseConfigurationException(path.apply("proxy") + " / ssl-bundle / protocols",
					"needs spring-boot-http-client on the classpath", "Add the sse-client-starter dependency.");
		}
		SslBundle sslBundle = (sslBundleName != null) ? sslBundle(sslBundleName, path.apply("ssl-bundle")) : null;
		Settings settings = new Settings(sslBundleName, proxy.getHost(), proxy.getPort(), proxy.getUsername(),
				proxy.getPassword(), protocols);
		return this.made.computeIfAbsent(settings, (key) -> this.clientOn.apply(httpClient(key, sslBundle)));
	}

	/**
	 * The protocols that apply to {@code url}: h2 only over TLS, h2c only over cleartext; none
	 * of them left means HTTP/1.1.
	 */
	private static Set<HttpProtocol> protocols(URI url, List<SseClientProperties.Protocol> configured,
			Supplier<String> path) {
		if (configured.isEmpty()) {
			throw new InvalidSseConfigurationException(path.get(), "is empty",
					"Name at least one protocol: h2, http11 or h2c (the default is h2, http11).");
		}
		boolean secure = "https".equals(String.valueOf(url.getScheme()).toLowerCase(Locale.ROOT));
		Set<HttpProtocol> protocols = EnumSet.noneOf(HttpProtocol.class);
		for (SseClientProperties.Protocol protocol : configured) {
			switch (protocol) {
				case HTTP11 -> protocols.add(HttpProtocol.HTTP11);
				case H2 -> {
					if (secure) {
						protocols.add(HttpProtocol.H2);
					}
				}
				case H2C -> {
					if (!secure) {
						protocols.add(HttpProtocol.H2C);
					}
				}
			}
		}
		return protocols.isEmpty() ? Set.of(HttpProtocol.HTTP11) : protocols;
	}

	private HttpClient httpClient(Settings settings, @Nullable SslBundle sslBundle) {
		boolean http2 = !settings.protocols().equals(Set.of(HttpProtocol.HTTP11));
		HttpClientSettings clientSettings = HttpClientSettings.defaults().withRedirects(HttpRedirects.DONT_FOLLOW);
		if (sslBundle != null && !http2) {
			clientSettings = clientSettings.withSslBundle(sslBundle);
		}
		HttpProtocol[] protocols = settings.protocols().toArray(HttpProtocol[]::new);
		ReactorHttpClientBuilder builder = new ReactorHttpClientBuilder()
			.withHttpClientFactory(
					() -> http2 ? SseClient.newHttpClient(this.http2.pool(), protocols) : SseClient.newHttpClient())
			// as the shared client: no gzip, which servers and proxies buffer, holding events back
			.withHttpClientCustomizer((client) -> client.compress(false));
		if (sslBundle != null && http2) {
			// Boot's builder makes an SSL context without ALPN: this one offers h2
			builder = builder.withHttpClientCustomizer((client) -> client.secure((spec) -> spec.sslContext(
					Http2SslContextSpec.forClient().configure((ssl) -> ssl
						.keyManager(sslBundle.getManagers().getKeyManagerFactory())
						.trustManager(sslBundle.getManagers().getTrustManagerFactory())))));
		}
		if (settings.proxyHost() != null) {
			builder = builder.withHttpClientCustomizer((client) -> client.proxy((spec) -> {
				ProxyProvider.Builder proxy = spec.type(ProxyProvider.Proxy.HTTP)
					.host(Objects.requireNonNull(settings.proxyHost()))
					.port(settings.proxyPort());
				if (settings.proxyUsername() != null) {
					String password = (settings.proxyPassword() != null) ? settings.proxyPassword() : "";
					proxy.username(settings.proxyUsername()).password((user) -> password);
				}
			}));
		}
		return builder.build(clientSettings);
	}

	private SslBundle sslBundle(String name, String path) {
		if (this.sslBundles == null) {
			throw new InvalidSseConfigurationException(path, "names the SSL bundle '" + name + "', but no SSL bundles "
					+ "are configured", "Declare the bundle under spring.ssl.bundle.jks." + name + " or spring.ssl.bundle.pem."
							+ name + ".");
		}
		try {
			return this.sslBundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidSseConfigurationException(path,
					"names the SSL bundle '" + name + "', which does not exist; bundles: "
							+ this.sslBundles.getBundleNames(),
					"Declare the bundle under spring.ssl.bundle.jks." + name + " or spring.ssl.bundle.pem." + name
							+ ", or name an existing one.");
		}
	}

	/** What makes two streams' clients the same. */
	private record Settings(@Nullable String sslBundle, @Nullable String proxyHost, int proxyPort,
			@Nullable String proxyUsername, @Nullable String proxyPassword, Set<HttpProtocol> protocols) {
	}

}
