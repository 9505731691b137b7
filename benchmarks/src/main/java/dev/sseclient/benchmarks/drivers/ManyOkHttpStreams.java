package dev.sseclient.benchmarks.drivers;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;

/**
 * The same many-streams run as {@link ManyStreams}, through okhttp-sse: HTTP/2 with prior
 * knowledge or HTTP/1.1, its dispatcher opened up so every stream runs at once.
 */
final class ManyOkHttpStreams {

	private ManyOkHttpStreams() {
	}

	static String run(URI url, String protocol, int streams, int ticks) throws Exception {
		long heapBefore = ManyStreams.usedHeapAfterGc();
		int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
		Dispatcher dispatcher = new Dispatcher();
		dispatcher.setMaxRequests(streams);
		dispatcher.setMaxRequestsPerHost(streams);
		OkHttpClient client = new OkHttpClient.Builder().dispatcher(dispatcher)
			.readTimeout(0, TimeUnit.MILLISECONDS)
			.protocols(protocol.equals("h2c") ? List.of(Protocol.H2_PRIOR_KNOWLEDGE) : List.of(Protocol.HTTP_1_1))
			.build();
		CountDownLatch opened = new CountDownLatch(streams);
		CountDownLatch finished = new CountDownLatch(streams);
		AtomicLong received = new AtomicLong();
		AtomicLong outOfOrder = new AtomicLong();
		// from the tick's due moment and from the server's write to the callback (the burst regime)
		ManyStreams.BurstLatency latency = new ManyStreams.BurstLatency();
		List<EventSource> all = new ArrayList<>(streams);
		long start = System.nanoTime();
		for (int i = 0; i < streams; i++) {
			all.add(EventSources.createFactory(client)
				.newEventSource(new Request.Builder().url(url.toString()).build(), new EventSourceListener() {

					private int next = 1;

					@Override
					public void onOpen(EventSource eventSource, Response response) {
						opened.countDown();
					}

					@Override
					public void onEvent(EventSource eventSource, String id, String type, String data) {
						if (id == null || Integer.parseInt(id) != this.next++) {
							outOfOrder.incrementAndGet();
						}
						received.incrementAndGet();
						latency.record(data, System.nanoTime());
					}

					@Override
					public void onClosed(EventSource eventSource) {
						finished.countDown();
					}

					@Override
					public void onFailure(EventSource eventSource, Throwable failure, Response response) {
						finished.countDown();
					}

				}));
		}
		boolean allOpen = opened.await(60, TimeUnit.SECONDS);
		double openSeconds = (System.nanoTime() - start) / 1e9;
		ManyStreams.Bursts bursts = ManyStreams.measureBursts(latency, received::get, ticks);
		int threads = ManagementFactory.getThreadMXBean().getThreadCount();
		long heapDuring = ManyStreams.usedHeapAfterGc();
		long rss = ManyStreams.residentSetBytes();
		int connections = client.connectionPool().connectionCount();
		boolean allFinished = finished.await(ticks + 60L, TimeUnit.SECONDS);
		all.forEach(EventSource::cancel);
		client.dispatcher().executorService().shutdown();
		long expected = (long) streams * ticks;
		return String.format(Locale.ROOT,
				"client=okhttp-sse protocol=%s streams=%d connections=%d allOpen=%s openSeconds=%.2f threadsBefore=%d"
						+ " threads=%d heapPerStreamKB=%.2f rssMB=%.0f received=%d lost=%d outOfOrder=%d finished=%s %s",
				protocol, streams, connections, allOpen, openSeconds, threadsBefore, threads,
				(heapDuring - heapBefore) / 1024.0 / streams, rss / 1048576.0, received.get(),
				expected - received.get(), outOfOrder.get(), allFinished, bursts.fields());
	}

}
