package dev.sseclient.autoconfigure;

import java.io.InputStream;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.core.SseConnectionException;
import dev.sseclient.listener.SseListener;
import dev.sseclient.test.RecordedRequest;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stream's own SSL bundle and proxy, against real TLS and a real CONNECT tunnel on loopback.
 */
class StreamConnectionSettingsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class, SslAutoConfiguration.class))
		.withPropertyValues("spring.ssl.bundle.jks.feed.truststore.location=classpath:tls/trust.p12",
				"spring.ssl.bundle.jks.feed.truststore.password=secret",
				"spring.ssl.bundle.jks.feed.truststore.type=PKCS12",
				"sse.client.defaults.reconnect.initial-delay=50ms", "sse.client.defaults.reconnect.max-delay=200ms")
		.withBean(Received.class);

	static class Received {

		final List<String> data = new CopyOnWriteArrayList<>();

		@SseListener(stream = "prices")
		void on(String data) {
			this.data.add(data);
		}

	}

	@Test
	void sslBundleTrustsTheServersCertificate() throws Exception {
		try (SseTestServer server = SseTestServer.startTls(serverContext())) {
			server.enqueue(SseScript.stream().event("1", null, "over tls").hold());
			this.contextRunner
				.withPropertyValues("sse.client.streams.prices.url=" + server.url("/prices"),
						"sse.client.streams.prices.ssl-bundle=feed")
				.run((context) -> {
					assertThat(server.url()).hasScheme("https");
					await().until(() -> context.getBean(Received.class).data.contains("over tls"));
				});
		}
	}

	@Test
	void untrustedCertificateIsAClearConnectionFailure() throws Exception {
		try (SseTestServer server = SseTestServer.startTls(serverContext())) {
			server.dispatcher((request) -> SseScript.stream().event("1", null, "never trusted").hold());
			this.contextRunner.withPropertyValues("sse.client.streams.prices.url=" + server.url("/prices"))
				.run((context) -> {
					SseStreamContainer container = context.getBean(SseStreamRegistry.class).getContainer("prices");
					await().until(() -> container.getStream() != null && container.getStream().lastFailure() != null);
					assertThat(container.getStream().lastFailure()).isInstanceOf(SseConnectionException.class)
						.hasMessageStartingWith("Connection to " + server.url("/prices") + " failed: ")
						.hasMessageContaining("certification path");
					assertThat(context.getBean(Received.class).data).isEmpty();
				});
		}
	}

	@Test
	void unknownSslBundleFailsStartupNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("sse.client.streams.prices.url=https://localhost/prices",
					"sse.client.streams.prices.ssl-bundle=nope")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new InvalidSseConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).isEqualTo("Invalid sse-client configuration: "
						+ "sse.client.streams.prices.ssl-bundle names the SSL bundle 'nope', which does not exist; "
						+ "bundles: [feed].");
			});
	}

	@Test
	void proxyTunnelsTheStreamWithItsCredentials() {
		try (SseTestServer proxy = SseTestServer.start()) {
			proxy.enqueue(SseScript.stream().event("1", null, "via proxy").hold());
			this.contextRunner
				.withPropertyValues("sse.client.streams.prices.url=http://feed.example.invalid/prices",
						"sse.client.streams.prices.proxy.host=127.0.0.1",
						"sse.client.streams.prices.proxy.port=" + proxy.port(),
						"sse.client.streams.prices.proxy.username=alice",
						"sse.client.streams.prices.proxy.password=s3cret")
				.run((context) -> {
					await().until(() -> context.getBean(Received.class).data.contains("via proxy"));
					RecordedRequest connect = proxy.takeRequest();
					assertThat(connect.method()).isEqualTo("CONNECT");
					assertThat(connect.target()).isEqualTo("feed.example.invalid:80");
					assertThat(connect.header("Proxy-Authorization"))
						.isEqualTo("Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes()));
					RecordedRequest tunnelled = proxy.takeRequest();
					assertThat(tunnelled.target()).isEqualTo("/prices");
					assertThat(tunnelled.header("Host")).isEqualTo("feed.example.invalid");
				});
		}
	}

	private static SSLContext serverContext() throws Exception {
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		try (InputStream in = StreamConnectionSettingsTests.class.getResourceAsStream("/tls/server.p12")) {
			keyStore.load(in, "secret".toCharArray());
		}
		KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keys.init(keyStore, "secret".toCharArray());
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keys.getKeyManagers(), null, null);
		return context;
	}

}
