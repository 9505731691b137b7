package dev.sseclient.container;

import java.util.concurrent.CountDownLatch;

import org.jspecify.annotations.Nullable;

/**
 * A non-daemon thread that holds the JVM up while streams are followed. An application without a
 * web server (a consumer that follows a feed and writes to a database) would otherwise exit
 * right after startup: every thread of the connections and of the listener pool is a daemon.
 * Ends when the registry stops: on context close or SIGTERM.
 */
final class KeepAlive {

	private @Nullable CountDownLatch released;

	synchronized void start() {
		if (this.released != null) {
			return;
		}
		CountDownLatch latch = new CountDownLatch(1);
		Thread thread = new Thread(() -> {
			try {
				latch.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "sse-keep-alive");
		thread.setDaemon(false);
		thread.start();
		this.released = latch;
	}

	synchronized void stop() {
		CountDownLatch latch = this.released;
		if (latch != null) {
			latch.countDown();
			this.released = null;
		}
	}

}
