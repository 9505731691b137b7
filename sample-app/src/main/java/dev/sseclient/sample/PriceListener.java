package dev.sseclient.sample;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

import dev.sseclient.core.SseEvent;
import dev.sseclient.listener.SseListener;

/**
 * Receives the {@code prices} stream declared in {@code application.yml}: two event types, each
 * decoded from JSON into its own record, one log line each.
 */
@Component
class PriceListener {

	private static final Log logger = LogFactory.getLog(PriceListener.class);

	private final AtomicLong ticks = new AtomicLong();

	private final AtomicLong trades = new AtomicLong();

	/** A price tick as the feed sends it. */
	record Tick(String symbol, double price) {
	}

	/** A trade as the feed sends it. */
	record Trade(String symbol, int quantity, double price) {
	}

	@SseListener(stream = "prices", events = "tick")
	void onTick(SseEvent event, Tick tick) {
		this.ticks.incrementAndGet();
		logger.info("tick #" + event.id() + " " + tick.symbol() + " " + tick.price());
	}

	@SseListener(stream = "prices", events = "trade")
	void onTrade(Trade trade) {
		this.trades.incrementAndGet();
		logger.info("trade " + trade.quantity() + " " + trade.symbol() + " @ " + trade.price());
	}

	/** Trades received so far. */
	long trades() {
		return this.trades.get();
	}

	/** Ticks received so far. */
	long ticks() {
		return this.ticks.get();
	}

}
