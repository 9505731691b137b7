package dev.sseclient.listener;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.aop.framework.autoproxy.BeanNameAutoProxyCreator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.container.SseStreamContainer;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.container.SseStreamRequestCustomizer;
import dev.sseclient.core.SseEvent;
import dev.sseclient.core.StreamState;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Declared streams feeding listener beans in a real application context, from a real server on
 * loopback.
 */
class DeclarativeStreamsTests {

	private final SseTestServer server = SseTestServer.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
		.withPropertyValues("sse.client.defaults.reconnect.initial-delay=20ms",
				"sse.client.defaults.reconnect.max-delay=100ms", "sse.client.defaults.reconnect.jitter=0",
				"sse.client.streams.prices.url=" + this.server.url("/prices"));

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	record Tick(String symbol, double price) {
	}

	static class TypedListeners {

		final List<Object> received = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		@SseListener(stream = "prices", events = "tick")
		void onTick(Tick tick) {
			this.received.add(tick);
			this.threads.add(Thread.currentThread().getName());
		}

		@SseListener(stream = "prices", events = "batch")
		void onBatch(List<Tick> ticks) {
			this.received.add(ticks);
		}

		@SseListener(stream = "prices", events = "stats")
		void onStats(SseEvent event, Map<String, Integer> stats) {
			this.received.add(event.id() + ":" + stats);
		}

		@SseListener(stream = "prices", events = "count")
		void onCount(int count) {
			this.received.add(count);
		}

		@SseListener(stream = "prices", events = "note")
		void onNote(String text) {
			this.received.add(text);
		}

	}

	@Test
	void typedPayloadsReachTheirListenersOffTheIoThreads() {
		this.server.enqueue(SseScript.stream()
			.event("1", "tick", "{\"symbol\":\"ACME\",\"price\":10.5}")
			.event("2", "batch", "[{\"symbol\":\"A\",\"price\":1},{\"symbol\":\"B\",\"price\":2}]")
			.event("3", "stats", "{\"up\":3,\"down\":1}")
			.event("4", "count", " 42 ")
			.event("5", "note", "plain text, not JSON")
			.event("6", "ignored", "nobody listens to this type")
			.hold());
		this.contextRunner.withBean(TypedListeners.class).run((context) -> {
			TypedListeners listeners = context.getBean(TypedListeners.class);
			await().until(() -> listeners.received.size() == 5);
			assertThat(listeners.received).containsExactly(new Tick("ACME", 10.5),
					List.of(new Tick("A", 1), new Tick("B", 2)), "3:{up=3, down=1}", 42, "plain text, not JSON");
			assertThat(listeners.threads).allMatch((name) -> name.startsWith("sse-listener-"));
		});
	}

	static class BlockingListeners {

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger inCall = new AtomicInteger();

		final AtomicInteger mostInCall = new AtomicInteger();

		final List<String> called = new CopyOnWriteArrayList<>();

		final List<ClassLoader> classLoaders = new CopyOnWriteArrayList<>();

		@SseListener(stream = "a")
		void onA(String data) throws InterruptedException {
			block(data);
		}

		@SseListener(stream = "b")
		void onB(String data) throws InterruptedException {
			block(data);
		}

		@SseListener(stream = "c")
		void onC(String data) throws InterruptedException {
			block(data);
		}

		private void block(String data) throws InterruptedException {
			this.mostInCall.accumulateAndGet(this.inCall.incrementAndGet(), Math::max);
			this.classLoaders.add(Thread.currentThread().getContextClassLoader());
			this.called.add(data);
			this.release.await(10, TimeUnit.SECONDS);
			this.inCall.decrementAndGet();
		}

	}

	@Test
	void blockingListenersUseNoMoreThreadsThanConfiguredAndTheApplicationClassLoader() {
		this.server.dispatcher((request) -> SseScript.stream().event("1", "message", request.target().substring(1)).hold());
		this.contextRunner.withBean(BlockingListeners.class)
			.withClassLoader(new FilteredClassLoader(getClass().getClassLoader()))
			.withPropertyValues("sse.client.listener.max-threads=2", "sse.client.streams.a.url=" + this.server.url("/a"),
					"sse.client.streams.b.url=" + this.server.url("/b"), "sse.client.streams.c.url=" + this.server.url("/c"))
			.run((context) -> {
				BlockingListeners listeners = context.getBean(BlockingListeners.class);
				await().until(() -> listeners.inCall.get() == 2);
				// the third stream waits for a thread while two listeners block theirs
				await().during(Duration.ofMillis(300)).until(() -> listeners.called.size() == 2);
				assertThat(listeners.called).hasSize(2);
				listeners.release.countDown();
				await().until(() -> listeners.called.size() == 3);
				assertThat(listeners.called).containsExactlyInAnyOrder("a", "b", "c");
				assertThat(listeners.mostInCall).hasValue(2);
				assertThat(listeners.classLoaders).containsOnly(context.getClassLoader());
			});
	}

	static class CountingListener {

		final AtomicInteger received = new AtomicInteger();

		@SseListener(stream = "prices")
		void on(String data) {
			this.received.incrementAndGet();
		}

	}

	@Test
	void aStreamStartedRightAfterItWasStoppedRunsAgain() {
		// a busy stream: its connection's thread is handing on events when the stop comes
		this.server.dispatcher((request) -> SseScript.stream()
			.generate(200_000, (index) -> SseScript.format(String.valueOf(index + 1), null, "x"))
			.hold());
		this.contextRunner.withBean(CountingListener.class).run((context) -> {
			CountingListener listener = context.getBean(CountingListener.class);
			SseStreamRegistry registry = context.getBean(SseStreamRegistry.class);
			for (int i = 0; i < 10; i++) {
				int before = listener.received.get();
				await().until(() -> listener.received.get() > before);
				registry.stop("prices");
				registry.start("prices");
				assertThat(registry.getContainer("prices").isRunning()).isTrue();
			}
			int before = listener.received.get();
			await().until(() -> listener.received.get() > before);
		});
	}

	static class FailingListeners {

		final List<String> received = new CopyOnWriteArrayList<>();

		@SseListener(stream = "prices", events = "tick")
		void onTick(Tick tick) {
			if (tick.price() < 0) {
				throw new IllegalStateException("negative price");
			}
			this.received.add(tick.symbol());
		}

	}

	@Test
	void listenerFailureAndMalformedJsonDoNotStopTheStream() {
		this.server.enqueue(SseScript.stream()
			.event("1", "tick", "{\"symbol\":\"A\",\"price\":1}")
			.event("2", "tick", "{\"symbol\":\"B\",\"price\":-1}")
			.event("3", "tick", "{not json")
			.event("4", "tick", "{\"symbol\":\"D\",\"price\":4}")
			.hold());
		List<ListenerFailure> failures = new CopyOnWriteArrayList<>();
		this.contextRunner.withBean(FailingListeners.class)
			.withBean(SseListenerErrorHandler.class, () -> (failure) -> {
				failures.add(failure);
				return ErrorAction.proceed();
			})
			.run((context) -> {
				FailingListeners listeners = context.getBean(FailingListeners.class);
				await().until(() -> listeners.received.size() == 2);
				assertThat(listeners.received).containsExactly("A", "D");
				assertThat(failures).extracting((failure) -> failure.event().id()).containsExactly("2", "3");
				assertThat(failures.get(0).cause()).hasMessage("negative price");
				assertThat(failures.get(0).listenerId()).isEqualTo("FailingListeners.onTick");
				assertThat(failures.get(1).cause()).isInstanceOf(PayloadConversionException.class)
					.hasMessageStartingWith("Could not read the data of event '3' (tick) of stream 'prices' for "
							+ "FailingListeners.onTick");
				assertThat(this.server.requestCount()).isEqualTo(1);
				assertThat(registry(context).getContainer("prices").getLastEventId()).isEqualTo("4");
			});
	}

	static class FlakyListener {

		final AtomicInteger calls = new AtomicInteger();

		private final int failures;

		FlakyListener(int failures) {
			this.failures = failures;
		}

		final List<String> received = new CopyOnWriteArrayList<>();

		@SseListener(stream = "prices")
		void on(SseEvent event) {
			if (event.id().equals("1") && this.calls.incrementAndGet() <= this.failures) {
				throw new IllegalStateException("transient");
			}
			this.received.add(event.id());
		}

	}

	@Test
	void retryingErrorHandlerCallsAgainBeforeTheNextEvent() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").event("2", null, "b").hold());
		this.contextRunner.withBean(FlakyListener.class, () -> new FlakyListener(2))
			.withBean(SseListenerErrorHandler.class,
					() -> new RetryingErrorHandler(5, Duration.ofMillis(10), Duration.ofMillis(50)))
			.run((context) -> {
				FlakyListener listener = context.getBean(FlakyListener.class);
				await().until(() -> listener.received.size() == 2);
				assertThat(listener.received).containsExactly("1", "2");
				assertThat(listener.calls).hasValue(3);
			});
	}

	@Test
	void stoppingErrorHandlerStopsTheStreamAndARestartResumesFromTheLastProcessedEvent() {
		this.server.enqueue(SseScript.stream().event("0", null, "ok").event("1", null, "fails").hold());
		this.server.enqueue(SseScript.stream().event("1", null, "fails").event("2", null, "b").hold());
		this.contextRunner.withBean(FlakyListener.class, () -> new FlakyListener(1))
			.withBean(SseListenerErrorHandler.class, StoppingErrorHandler::new)
			.run((context) -> {
				SseStreamContainer container = registry(context).getContainer("prices");
				await().until(() -> container.getState() == StreamState.CLOSED);
				assertThat(container.getLastEventId()).isEqualTo("0");
				this.server.takeRequest();
				registry(context).start("prices");
				assertThat(this.server.takeRequest().header("Last-Event-ID")).isEqualTo("0");
				FlakyListener listener = context.getBean(FlakyListener.class);
				await().until(() -> listener.received.contains("2"));
				assertThat(listener.received).containsExactly("0", "1", "2");
			});
	}

	static class SlowAndFast {

		final CountDownLatch release = new CountDownLatch(1);

		final List<String> fast = new CopyOnWriteArrayList<>();

		@SseListener(stream = "slow")
		void onSlow(String data) throws InterruptedException {
			this.release.await(20, TimeUnit.SECONDS);
		}

		@SseListener(stream = "prices")
		void onFast(String data) {
			this.fast.add(data);
		}

	}

	@Test
	void aBlockedListenerDelaysOnlyItsOwnStream() {
		this.server.dispatcher((request) -> request.target().equals("/slow")
				? SseScript.stream().event("1", null, "s1").event("2", null, "s2").hold()
				: SseScript.stream().event("1", null, "f1").pause(Duration.ofMillis(100)).event("2", null, "f2").hold());
		this.contextRunner.withPropertyValues("sse.client.streams.slow.url=" + this.server.url("/slow"))
			.withBean(SlowAndFast.class)
			.run((context) -> {
				SlowAndFast listeners = context.getBean(SlowAndFast.class);
				await().until(() -> listeners.fast.size() == 2);
				assertThat(registry(context).getContainer("slow").getLastEventId()).isEmpty();
				listeners.release.countDown();
				await().until(() -> registry(context).getContainer("slow").getLastEventId().equals("2"));
			});
	}

	static class AsyncListener {

		final AtomicInteger concurrent = new AtomicInteger();

		final AtomicInteger maxConcurrent = new AtomicInteger();

		final List<String> received = new CopyOnWriteArrayList<>();

		@SseListener(stream = "prices", events = "mono")
		Mono<Void> onMono(String data) {
			return work(data);
		}

		@SseListener(stream = "prices", events = "future")
		CompletionStage<Void> onFuture(String data) {
			return work(data).toFuture();
		}

		private Mono<Void> work(String data) {
			this.maxConcurrent.accumulateAndGet(this.concurrent.incrementAndGet(), Math::max);
			return Mono.delay(Duration.ofMillis(30)).doOnNext((tick) -> {
				this.received.add(data);
				this.concurrent.decrementAndGet();
			}).then();
		}

	}

	@Test
	void asyncResultsAreAwaitedBeforeTheNextEvent() {
		SseScript script = SseScript.stream();
		for (int i = 0; i < 6; i++) {
			script.event(String.valueOf(i), (i % 2 == 0) ? "mono" : "future", "e" + i);
		}
		this.server.enqueue(script.hold());
		this.contextRunner.withBean(AsyncListener.class).run((context) -> {
			AsyncListener listener = context.getBean(AsyncListener.class);
			await().until(() -> listener.received.size() == 6);
			assertThat(listener.received).containsExactly("e0", "e1", "e2", "e3", "e4", "e5");
			assertThat(listener.maxConcurrent).hasValue(1);
		});
	}

	@Test
	void finiteStreamCompletesOnItsSentinelWithoutReconnecting() {
		this.server.enqueue(SseScript.stream().event(" Hello").event(" world").event("[DONE]").hold());
		this.contextRunner.withPropertyValues("sse.client.streams.prices.complete-on=[DONE]")
			.withBean(TokenCollector.class)
			.run((context) -> {
				SseStreamContainer container = registry(context).getContainer("prices");
				await().until(() -> container.getState() == StreamState.COMPLETED);
				assertThat(context.getBean(TokenCollector.class).text()).isEqualTo(" Hello world");
				assertThat(this.server.requestCount()).isEqualTo(1);
			});
	}

	static class TokenCollector {

		private final StringBuffer text = new StringBuffer();

		@SseListener(stream = "prices")
		void on(String token) {
			this.text.append(token);
		}

		String text() {
			return this.text.toString();
		}

	}

	@Test
	void restartThroughTheRegistryReconnectsWithTheLastEventId() {
		this.server.enqueue(SseScript.stream().event("7", null, "a").hold());
		this.server.enqueue(SseScript.stream().hold());
		this.contextRunner.withBean(TokenCollector.class).run((context) -> {
			SseStreamRegistry registry = registry(context);
			await().until(() -> registry.getContainer("prices").getLastEventId().equals("7"));
			registry.restart("prices");
			this.server.takeRequest();
			assertThat(this.server.takeRequest().header("Last-Event-ID")).isEqualTo("7");
			assertThat(registry.getStreamNames()).containsExactly("prices");
		});
	}

	@Test
	void autoStartupFalseWaitsForTheRegistry() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").hold());
		this.contextRunner.withPropertyValues("sse.client.streams.prices.auto-startup=false")
			.withBean(TokenCollector.class)
			.run((context) -> {
				SseStreamContainer container = registry(context).getContainer("prices");
				assertThat(container.getState()).isEqualTo(StreamState.NEW);
				assertThat(this.server.requestCount()).isZero();
				registry(context).start("prices");
				await().until(() -> context.getBean(TokenCollector.class).text().equals("a"));
			});
	}

	static class InFlightListener {

		final CountDownLatch entered = new CountDownLatch(1);

		final AtomicBoolean finished = new AtomicBoolean();

		@SseListener(stream = "prices")
		void on(String data) throws InterruptedException {
			this.entered.countDown();
			Thread.sleep(500);
			this.finished.set(true);
		}

	}

	@Test
	void gracefulShutdownLetsTheListenerCallInFlightFinishAndClosesTheConnection() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").event("2", null, "b").hold());
		InFlightListener listener = new InFlightListener();
		this.contextRunner.withBean(InFlightListener.class, () -> listener).run((context) -> {
			assertThat(listener.entered.await(10, TimeUnit.SECONDS)).isTrue();
			context.close();
			assertThat(listener.finished).isTrue();
			await().until(() -> this.server.openConnections() == 0);
		});
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void tokenCustomizerIsCalledBeforeEveryAttempt() {
		this.server.enqueue(SseScript.stream().event("1", null, "a").end());
		this.server.enqueue(SseScript.stream().hold());
		AtomicInteger tokens = new AtomicInteger();
		this.contextRunner.withPropertyValues("sse.client.streams.prices.headers.X-Static=kept")
			.withBean(TokenCollector.class)
			.withBean(SseStreamRequestCustomizer.class, () -> (stream, attempt, headers) -> headers
				.setBearerAuth(stream + "-token-" + tokens.incrementAndGet()))
			.run((context) -> {
				assertThat(this.server.takeRequest().header("Authorization")).isEqualTo("Bearer prices-token-1");
				var second = this.server.takeRequest();
				assertThat(second.header("Authorization")).isEqualTo("Bearer prices-token-2");
				assertThat(second.header("X-Static")).isEqualTo("kept");
			});
	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@SseListener(stream = "prices", events = "tick")
	@interface OnPriceTick {

	}

	static class ProxiedListener {

		final List<String> received = new CopyOnWriteArrayList<>();

		@OnPriceTick
		public void on(String data) {
			this.received.add(data);
		}

		public List<String> received() {
			return this.received;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ProxyConfiguration {

		static final AtomicInteger intercepted = new AtomicInteger();

		@Bean
		ProxiedListener proxiedListener() {
			return new ProxiedListener();
		}

		@Bean
		MethodInterceptor countingInterceptor() {
			return (invocation) -> {
				intercepted.incrementAndGet();
				return invocation.proceed();
			};
		}

		@Bean
		static BeanNameAutoProxyCreator proxyCreator() {
			BeanNameAutoProxyCreator creator = new BeanNameAutoProxyCreator();
			creator.setBeanNames("proxiedListener");
			creator.setInterceptorNames("countingInterceptor");
			creator.setProxyTargetClass(true);
			return creator;
		}

	}

	@Test
	void metaAnnotatedMethodOnAProxiedBeanIsCalledThroughTheProxy() {
		this.server.enqueue(SseScript.stream().event("1", "tick", "x").event("2", "other", "y").hold());
		ProxyConfiguration.intercepted.set(0);
		this.contextRunner.withUserConfiguration(ProxyConfiguration.class).run((context) -> {
			ProxiedListener listener = context.getBean(ProxiedListener.class);
			assertThat(org.springframework.aop.support.AopUtils.isAopProxy(listener)).isTrue();
			await().until(() -> ProxyConfiguration.intercepted.get() == 1);
			assertThat(listener.received()).containsExactly("x");
		});
	}

	private static SseStreamRegistry registry(org.springframework.context.ApplicationContext context) {
		return context.getBean(SseStreamRegistry.class);
	}

}
