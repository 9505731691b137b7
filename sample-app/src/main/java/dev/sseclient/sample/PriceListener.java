package dev.sseclient.sample;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

import dev.sseclient.core.SseEvent;
import dev.sseclient.listener.SseListener;

/**
 * Receives the ticks of the {@code prices} stream declared in {@code application.yml}, as JSON
 * decoded into {@link Tick}, one log line each.
 */
@Component
class PriceListener {

	private static final Log logger = LogFactory.getLog(PriceListener.class);

	private final AtomicLong ticks = new AtomicLong();

	/** A price tick as the feed sends it. */
	record Tick(String symbol, double price) {
	}

	@SseListener(stream = "prices", events = "tick")
	void onTick(SseEvent event, Tick tick) {
		this.ticks.incrementAndGet();
		logger.info("tick #" + event.id() + " " + tick.symbol() + " " + tick.price());
	}

	/** Ticks received so far. */
	long ticks() {
		return this.ticks.get();
	}

}
