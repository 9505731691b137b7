package dev.sseclient.aot

import dev.sseclient.listener.SseListener
import kotlinx.coroutines.delay
import org.springframework.stereotype.Component

/** A Kotlin data class payload. */
data class Tick(val symbol: String, val price: Double, val note: String? = null)

/** A suspend listener taking a data class. */
@Component
class KotlinListeners(private val received: Received) {

	@SseListener(stream = "ticks")
	suspend fun onTick(tick: Tick) {
		delay(1)
		if (tick.symbol == "ACME" && tick.note == null) {
			received.mark("kotlin-suspend-data-class")
		}
	}

}
