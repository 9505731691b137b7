package dev.sseclient.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.util.ClassUtils;

import dev.sseclient.container.InvalidSseConfigurationException;

/**
 * The connection pool of streams that may speak HTTP/2: per origin, at most
 * {@code max-connections} connections, each carrying up to {@code max-concurrent-streams}
 * streams (and never more than the server's {@code SETTINGS_MAX_CONCURRENT_STREAMS}). Made when
 * the first such stream starts, closed with the application. With Micrometer present its
 * gauges ({@code reactor.netty.connection.provider.*}, pool name {@code sse-client}) count the
 * connections and streams per origin.
 */
final class Http2Connections implements DisposableBean {

	static final String POOL_NAME = "sse-client";

	private static final boolean MICROMETER_PRESENT = ClassUtils.isPresent("io.micrometer.core.instrument.Metrics",
			Http2Connections.class.getClassLoader());

	private final SseClientProperties.Http2 settings;

	private volatile @Nullable ConnectionProvider pool;

	Http2Connections(SseClientProperties.Http2 settings) {
		if (settings.getMaxConnections() < 1) {
			throw new InvalidSseConfigurationException("sse.client.http2.max-connections",
					"is " + settings.getMaxConnections() + "; streams need at least one connection",
					"Set it to 1 or more (the default is 500).");
		}
		if (settings.getMaxConcurrentStreams() < 0) {
			throw new InvalidSseConfigurationException("sse.client.http2.max-concurrent-streams",
					"is " + settings.getMaxConcurrentStreams() + ", below 0",
					"Set it to 0 (as many as the server allows) or a positive number.");
		}
		this.settings = settings;
	}

	ConnectionProvider pool() {
		ConnectionProvider current = this.pool;
		if (current == null) {
			synchronized (this) {
				current = this.pool;
				if (current == null) {
					current = create();
					this.pool = current;
				}
			}
		}
		return current;
	}

	private ConnectionProvider create() {
		int maxStreams = this.settings.getMaxConcurrentStreams();
		return ConnectionProvider.builder(POOL_NAME)
			.maxConnections(this.settings.getMaxConnections())
			// a stream waits for a connection as long as it must; its connect timeout still applies
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(Duration.ofDays(1))
			.allocationStrategy(reactor.netty.http.client.Http2AllocationStrategy.builder()
				.maxConnections(this.settings.getMaxConnections())
				.maxConcurrentStreams((maxStreams > 0) ? maxStreams : -1)
				// no new connection while an open one has room for another stream
				.strictConnectionReuse(true)
				.build())
			.metrics(MICROMETER_PRESENT)
			.build();
	}

	@Override
	public void destroy() {
		ConnectionProvider current = this.pool;
		if (current != null) {
			current.disposeLater().block(Duration.ofSeconds(10));
		}
	}

}
