package dev.sseclient.benchmarks.drivers;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;

/** Square's okhttp-sse: a callback per event on OkHttp's reader thread. */
final class OkHttpSseDriver implements Driver {

	@Override
	public void consume(URI url, int count, Consumer<String> onData) throws Exception {
		OkHttpClient client = new OkHttpClient.Builder().readTimeout(0, TimeUnit.MILLISECONDS).build();
		CountDownLatch done = new CountDownLatch(1);
		EventSource source = EventSources.createFactory(client)
			.newEventSource(new Request.Builder().url(url.toString()).build(), new EventSourceListener() {

				private int received;

				@Override
				public void onEvent(EventSource eventSource, String id, String type, String data) {
					onData.accept(data);
					if (++this.received == count) {
						done.countDown();
					}
				}

			});
		done.await();
		source.cancel();
		client.dispatcher().executorService().shutdown();
		client.connectionPool().evictAll();
	}

}
