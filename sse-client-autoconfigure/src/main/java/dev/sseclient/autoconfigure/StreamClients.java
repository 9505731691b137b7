package dev.sseclient.autoconfigure;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;
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
 * Picks the client a stream connects through: the shared one, or, for a stream with its own SSL
 * bundle or proxy, a client on its own Reactor Netty client, made by Boot's builder from the
 * stream's settings. That client does not follow redirects itself, so the engine's redirect policy (no credentials to another origin, bounded
 * hops) still applies.
 */
final class StreamClients {

	private static final boolean HTTP_CLIENT_SETTINGS_PRESENT = ClassUtils.isPresent(
			"org.springframework.boot.http.client.ReactorHttpClientBuilder",
			StreamClients.class.getClassLoader());

	private final SseClient shared;

	private final Function<HttpClient, SseClient> clientOn;

	private final @Nullable SslBundles sslBundles;

	StreamClients(SseClient shared, Function<HttpClient, SseClient> clientOn, @Nullable SslBundles sslBundles) {
		this.shared = shared;
		this.clientOn = clientOn;
		this.sslBundles = sslBundles;
	}

	/** The client of streams without an SSL bundle or proxy of their own. */
	SseClient shared() {
		return this.shared;
	}

	SseClient forStream(@Nullable String sslBundleName, SseClientProperties.Proxy proxy, String sslBundlePath) {
		if (sslBundleName == null && proxy.getHost() == null) {
			return this.shared;
		}
		if (!HTTP_CLIENT_SETTINGS_PRESENT) {
			throw new InvalidSseConfigurationException(sslBundlePath.replace("ssl-bundle", "proxy / ssl-bundle"),
					"needs spring-boot-http-client on the classpath", "Add the sse-client-starter dependency.");
		}
		HttpClientSettings settings = HttpClientSettings.defaults().withRedirects(HttpRedirects.DONT_FOLLOW);
		if (sslBundleName != null) {
			settings = settings.withSslBundle(sslBundle(sslBundleName, sslBundlePath));
		}
		ReactorHttpClientBuilder httpClient = new ReactorHttpClientBuilder().withHttpClientFactory(SseClient::newHttpClient);
		if (proxy.getHost() != null) {
			httpClient = httpClient.withHttpClientCustomizer((client) -> client.proxy((spec) -> {
				ProxyProvider.Builder builder = spec.type(ProxyProvider.Proxy.HTTP)
					.host(proxy.getHost())
					.port(proxy.getPort());
				if (proxy.getUsername() != null) {
					String password = (proxy.getPassword() != null) ? proxy.getPassword() : "";
					builder.username(proxy.getUsername()).password((user) -> password);
				}
			}));
		}
		return this.clientOn.apply(httpClient.build(settings));
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

}
