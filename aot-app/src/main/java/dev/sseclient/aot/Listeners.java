package dev.sseclient.aot;

import java.util.List;

import org.springframework.stereotype.Component;

import dev.sseclient.core.SseEvent;
import dev.sseclient.listener.SseListener;

/** A listener of each Java kind. */
@Component
class Listeners {

	private final Received received;

	Listeners(Received received) {
		this.received = received;
	}

	@SseListener(stream = "quotes")
	void onQuote(Quote quote) {
		if (quote.symbol().equals("ACME") && quote.price() > 0) {
			this.received.mark("record");
		}
	}

	@SseListener(stream = "news")
	void onNews(News news) {
		if (news.getTitle() != null && !news.getTitle().isEmpty()) {
			this.received.mark("pojo");
		}
	}

	@SseListener(stream = "batches", batch = true)
	void onBatch(List<Quote> quotes) {
		if (!quotes.isEmpty() && quotes.get(0).symbol().equals("ACME")) {
			this.received.mark("batch-list");
		}
	}

	@SseListener(stream = "lists")
	void onList(List<Quote> quotes) {
		if (quotes.size() == 2) {
			this.received.mark("list-payload");
		}
	}

	@SseListener(template = "device")
	void onDevice(Quote reading, SseEvent event) {
		if (event.stream().startsWith("device-")) {
			this.received.mark("template-" + event.stream());
		}
	}

	/** A record payload. */
	record Quote(String symbol, double price) {
	}

	/** A bean-style payload. */
	static class News {

		private String title;

		public String getTitle() {
			return this.title;
		}

		public void setTitle(String title) {
			this.title = title;
		}

	}

}
