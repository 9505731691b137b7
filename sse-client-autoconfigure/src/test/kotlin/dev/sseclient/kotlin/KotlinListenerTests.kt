package dev.sseclient.kotlin

import dev.sseclient.autoconfigure.SseClientAutoConfiguration
import dev.sseclient.core.SseClient
import dev.sseclient.core.SseRequest
import dev.sseclient.listener.SseListener
import dev.sseclient.test.SseScript
import dev.sseclient.test.SseTestServer
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.reactive.asFlow
import kotlinx.coroutines.runBlocking
import org.assertj.core.api.Assertions.assertThat
import org.awaitility.Awaitility.await
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Test
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration
import org.springframework.boot.test.context.runner.ApplicationContextRunner
import java.util.concurrent.CopyOnWriteArrayList

/**
 * Kotlin: suspend listeners awaited in order, data classes read from JSON (one by one and in
 * batches), the programmatic API
 * as a Flow and the blocking reader in a for loop.
 */
class KotlinListenerTests {

	private val server = SseTestServer.start()

	private val contextRunner = ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration::class.java, SseClientAutoConfiguration::class.java))
		.withPropertyValues("sse.client.streams.prices.url=" + server.url("/prices"))

	@AfterEach
	fun stopServer() {
		server.close()
	}

	data class Tick(val symbol: String, val price: Double, val note: String? = null)

	class Listener {

		val seen = CopyOnWriteArrayList<String>()

		@SseListener(stream = "prices", events = ["tick"])
		suspend fun onTick(tick: Tick) {
			seen.add("start ${tick.symbol}")
			delay(50)
			seen.add("end ${tick.symbol} ${tick.price} ${tick.note}")
		}

	}

	@Test
	fun `a suspend listener is awaited before the next event and gets data classes`() {
		server.enqueue(SseScript.stream()
			.event("1", "tick", """{"symbol":"ACME","price":101.5}""")
			.event("2", "tick", """{"symbol":"INIT","price":7,"note":"first"}""")
			.hold())
		contextRunner.withBean(Listener::class.java).run { context ->
			val listener = context.getBean(Listener::class.java)
			await().until { listener.seen.size == 4 }
			assertThat(listener.seen).containsExactly("start ACME", "end ACME 101.5 null", "start INIT",
				"end INIT 7.0 first")
		}
	}

	class BatchListener {

		val batches = CopyOnWriteArrayList<List<String>>()

		@SseListener(stream = "prices", batch = true, maxBatchSize = "2")
		suspend fun onTicks(ticks: List<Tick>) {
			delay(20)
			batches.add(ticks.map { it.symbol })
		}

	}

	@Test
	fun `a suspend batch listener gets lists of data classes`() {
		server.enqueue(SseScript.stream()
			.send(SseScript.format("1", "tick", """{"symbol":"A","price":1}""")
					+ SseScript.format("2", "tick", """{"symbol":"B","price":2}""")
					+ SseScript.format("3", "tick", """{"symbol":"C","price":3}"""))
			.hold())
		contextRunner.withBean(BatchListener::class.java).run { context ->
			val listener = context.getBean(BatchListener::class.java)
			await().until { listener.batches.sumOf { it.size } == 3 }
			assertThat(listener.batches.flatten()).containsExactly("A", "B", "C")
			assertThat(listener.batches).allSatisfy { assertThat(it.size).isBetween(1, 2) }
		}
	}

	@Test
	fun `the programmatic API reads as a Flow and the blocking reader as a for loop`() {
		server.enqueue(SseScript.stream().event("a").event("b").event("[DONE]").hold())
		server.enqueue(SseScript.stream().event("c").event("[DONE]").hold())
		val client = SseClient.create()
		val answer = SseRequest.get(server.url("/answer")).completeOn("[DONE]").build()
		val data = runBlocking { client.events(answer).asFlow().map { it.data() }.toList() }
		assertThat(data).containsExactly("a", "b")
		val read = mutableListOf<String>()
		client.open(answer).use { events ->
			for (event in events) {
				read.add(event.data())
			}
		}
		assertThat(read).containsExactly("c")
	}

}
