package dev.sseclient.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.DisposableBean;

import dev.sseclient.container.InvalidSseConfigurationException;

/**
 * The event loops that read the starter's streams: Reactor Netty's shared ones (as many as the
 * machine has cores, at least four), or with {@code sse.client.io-threads} loops of their own,
 * their threads named {@code sse-io-*}, closed with the application. An event loop reads its
 * connections one after another, so when thousands of streams get an event in the same moment,
 * the last read of a loop waits for all before it; more loops than cores let the operating
 * system run each as its sockets become readable, as a thread per stream would, for some
 * threads more. The work is the same: on cores shared with the writer, each event is read
 * sooner after its write, and the writer is slowed as much.
 */
final class StreamEventLoops implements DisposableBean {

	static final String PROPERTY = "sse.client.io-threads";

	private final @Nullable LoopResources loops;

	StreamEventLoops(@Nullable Integer threads) {
		if (threads != null && threads < 1) {
			throw new InvalidSseConfigurationException(PROPERTY, "is " + threads + "; streams need at least one thread",
					"Set it to 1 or more, or remove it to read streams on Reactor Netty's shared event loops.");
		}
		this.loops = (threads != null) ? LoopResources.create("sse-io", threads, true) : null;
	}

	/** {@code client} on these loops. */
	HttpClient apply(HttpClient client) {
		LoopResources own = this.loops;
		return (own != null) ? client.runOn(own) : client;
	}

	@Override
	public void destroy() {
		LoopResources own = this.loops;
		if (own != null) {
			own.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
		}
	}

}
