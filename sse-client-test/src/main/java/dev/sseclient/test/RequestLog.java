package dev.sseclient.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The requests a test server received: all of them, and those a test has not taken yet. */
final class RequestLog {

	private final BlockingQueue<RecordedRequest> unclaimed = new LinkedBlockingQueue<>();

	private final List<RecordedRequest> all = new CopyOnWriteArrayList<>();

	void add(RecordedRequest request) {
		this.all.add(request);
		this.unclaimed.add(request);
	}

	RecordedRequest take(Duration timeout) {
		try {
			RecordedRequest request = this.unclaimed.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (request == null) {
				throw new AssertionError("No request arrived within " + timeout);
			}
			return request;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	List<RecordedRequest> all() {
		return List.copyOf(this.all);
	}

	int count() {
		return this.all.size();
	}

}
