package dev.sseclient.core.tck;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.ITestResult;
import org.testng.SkipException;
import org.testng.TestListenerAdapter;
import org.testng.TestNG;

import dev.sseclient.core.ReconnectOptions;
import dev.sseclient.core.SseClient;
import dev.sseclient.core.SseEvent;
import dev.sseclient.core.SseItem;
import dev.sseclient.core.SseRequest;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Reactive Streams TCK's {@link PublisherVerification} against every publisher of a stream
 * the public API returns, on a real loopback server serving a finite stream of the requested
 * length ({@code /n}: n events, then {@code [DONE]}) and a failing one (404, no retry). The TCK
 * is TestNG based; each verification runs here through TestNG's API, and a failed rule fails
 * the test. Rules that cannot apply are skipped by the TCK or below, with the reason printed:
 * <ul>
 * <li>{@code SseStream.items()} always carries the connection's {@code Opened} and the final
 * {@code Closed} around the events: no stream of it has fewer than two items, and it never
 * fails (a failure is its {@code Closed} signal), so the failed-publisher rules do not apply.
 * <li>{@code SseStream.itemBatches()} has a list per network read, and how many reads a
 * response takes is the network's business: no stream of it has a length given in advance, so
 * it is not verified here (its lists are {@code SseStream.items()}'s, verified).
 * <li>{@code SseStream.signals()} is hot, a side channel beside the events that drops what a slow
 * subscriber cannot take (a Reactor multicast sink, itself verified by Reactor): no stream of
 * it has a length given in advance either.
 * <li>{@code SseStreamRequests.payloads} (autoconfigure) is verified there, in
 * {@code StreamRequestsTckTests}.
 * <li>A stream has one subscriber ({@code SseStream}'s contract): the TCK's optional
 * multi-subscriber rules are reported as they come.
 * </ul>
 */
class ReactiveStreamsTckTests {

	/** Long enough for a connection on a busy machine. */
	static final long TIMEOUT_MILLIS = 5000;

	static final long NO_SIGNALS_MILLIS = 300;

	static SseTestServer server;

	static SseClient client;

	@BeforeAll
	static void startServer() {
		server = SseTestServer.start().dispatcher((request) -> {
			String path = request.target();
			if (path.equals("/missing")) {
				return SseScript.status(404);
			}
			long elements = Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
			// past an int's range, a stream that goes on until the subscriber cancels
			int count = (int) Math.min(elements, Integer.MAX_VALUE);
			return SseScript.stream()
				.generate(count, (index) -> SseScript.format(Integer.toString(index), null, "e" + index))
				.event("[DONE]")
				.end();
		});
		client = SseClient.create();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	static SseRequest request(String path) {
		return SseRequest.get(server.url(path)).completeOn("[DONE]").reconnect(ReconnectOptions.disabled()).build();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(classes = { StreamEventsVerification.class, ClientEventsVerification.class, StreamItemsVerification.class })
	void passesThePublisherVerification(Class<?> verification) {
		TestNG testng = new TestNG(false);
		testng.setTestClasses(new Class<?>[] { verification });
		testng.setUseDefaultListeners(false);
		testng.setVerbose(0);
		TestListenerAdapter results = new TestListenerAdapter();
		testng.addListener(results);
		testng.run();

		List<String> failures = new ArrayList<>();
		for (ITestResult failed : results.getFailedTests()) {
			failures.add(failed.getName() + ": " + failed.getThrowable());
		}
		System.out.printf("TCK %s: %d passed, %d skipped, %d failed%n", verification.getSimpleName(),
				results.getPassedTests().size(), results.getSkippedTests().size(), failures.size());
		for (ITestResult skipped : results.getSkippedTests()) {
			Throwable reason = skipped.getThrowable();
			System.out.println("  skipped " + skipped.getName() + ": " + ((reason != null) ? reason.getMessage() : "?"));
		}
		failures.forEach((failure) -> System.out.println("  FAILED " + failure));
		assertThat(failures).isEmpty();
		List<String> passed = results.getPassedTests().stream().map(ITestResult::getName).toList();
		assertThat(passed).contains("required_spec102_maySignalLessThanRequestedAndTerminateSubscription",
				"required_spec306_afterSubscriptionIsCancelledRequestMustBeNops",
				"required_spec317_mustSupportAPendingElementCountUpToLongMaxValue");
		if (verification != StreamItemsVerification.class) {
			// a failing stream signals onError to a subscriber that asked for nothing
			assertThat(passed).contains("optional_spec104_mustSignalOnErrorWhenFails",
					"required_spec109_mayRejectCallsToSubscribeIfPublisherIsUnableOrUnwillingToServeThemRejectionMustTriggerOnErrorAfterOnSubscribe");
		}
	}

	/**
	 * What every verification here shares: timeouts for a busy machine, and streams of any
	 * length up to an int's range (the server generates them).
	 */
	abstract static class LoopbackVerification<T> extends PublisherVerification<T> {

		LoopbackVerification() {
			super(new TestEnvironment(TIMEOUT_MILLIS, NO_SIGNALS_MILLIS));
		}

		@Override
		public long maxElementsFromPublisher() {
			return Integer.MAX_VALUE;
		}

	}

	/** {@code SseStream.events()}: the events of one stream. */
	public static class StreamEventsVerification extends LoopbackVerification<SseEvent> {

		@Override
		public Publisher<SseEvent> createPublisher(long elements) {
			return client.stream(request("/events/" + elements)).events();
		}

		@Override
		public Publisher<SseEvent> createFailedPublisher() {
			return client.stream(request("/missing")).events();
		}

	}

	/** {@code SseClient.events(request)}: a stream made and subscribed in one call. */
	public static class ClientEventsVerification extends LoopbackVerification<SseEvent> {

		@Override
		public Publisher<SseEvent> createPublisher(long elements) {
			return client.events(request("/events/" + elements));
		}

		@Override
		public Publisher<SseEvent> createFailedPublisher() {
			return client.events(request("/missing"));
		}

	}

	/** {@code SseStream.items()}: the connection's signals and the events, in order. */
	public static class StreamItemsVerification extends LoopbackVerification<SseItem> {

		@Override
		public Publisher<SseItem> createPublisher(long elements) {
			if (elements < 2) {
				throw new SkipException("a stream's items always include the connection's Opened and the final Closed: "
						+ "none has fewer than two");
			}
			// Opened, the events, Closed
			return client.stream(request("/items/" + (elements - 2))).items();
		}

		@Override
		public Publisher<SseItem> createFailedPublisher() {
			// items() never fails: a failure is its Closed signal; null skips these rules
			return null;
		}

	}

}
