package dev.sseclient.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.ITestResult;
import org.testng.TestListenerAdapter;
import org.testng.TestNG;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Reactive Streams TCK's {@link PublisherVerification} against
 * {@link SseStreamRequests#payloads}, the publisher of one request made from a declared
 * stream's settings (its events underneath): the request's body says how many events the
 * loopback server sends before {@code [DONE]}, and a body of {@code missing} gets a 404.
 */
class StreamRequestsTckTests {

	static SseTestServer server;

	static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() {
		server = SseTestServer.start().dispatcher((request) -> {
			String body = request.bodyAsString();
			if (body.equals("missing")) {
				return SseScript.status(404);
			}
			int count = (int) Math.min(Long.parseLong(body), Integer.MAX_VALUE);
			return SseScript.stream()
				.generate(count, (index) -> SseScript.format(Integer.toString(index), null, "\"e" + index + "\""))
				.event("[DONE]")
				.end();
		});
		context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.properties(Map.of("sse.client.streams.answers.url", server.url("/answers"), "sse.client.streams.answers.method",
					"POST", "sse.client.streams.answers.complete-on", "[DONE]", "sse.client.streams.answers.auto-startup",
					"false", "spring.main.banner-mode", "off"))
			.run();
	}

	@AfterAll
	static void stop() {
		context.close();
		server.close();
	}

	@Test
	void payloadsPassThePublisherVerification() {
		TestNG testng = new TestNG(false);
		testng.setTestClasses(new Class<?>[] { PayloadsVerification.class });
		testng.setUseDefaultListeners(false);
		testng.setVerbose(0);
		TestListenerAdapter results = new TestListenerAdapter();
		testng.addListener(results);
		testng.run();
		List<String> failures = new ArrayList<>();
		results.getFailedTests().forEach((failed) -> failures.add(failed.getName() + ": " + failed.getThrowable()));
		System.out.printf("TCK payloads: %d passed, %d skipped, %d failed%n", results.getPassedTests().size(),
				results.getSkippedTests().size(), failures.size());
		failures.forEach((failure) -> System.out.println("  FAILED " + failure));
		assertThat(failures).isEmpty();
		assertThat(results.getPassedTests().stream().map(ITestResult::getName)).contains(
				"optional_spec104_mustSignalOnErrorWhenFails",
				"required_spec109_mayRejectCallsToSubscribeIfPublisherIsUnableOrUnwillingToServeThemRejectionMustTriggerOnErrorAfterOnSubscribe",
				"required_spec317_mustSupportAPendingElementCountUpToLongMaxValue");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SseClientAutoConfiguration.class)
	static class Application {

	}

	/** {@code SseStreamRequests.payloads}: one request's payloads, read as {@code String}s. */
	public static class PayloadsVerification extends PublisherVerification<String> {

		public PayloadsVerification() {
			super(new TestEnvironment(5000, 300));
		}

		@Override
		public Publisher<String> createPublisher(long elements) {
			return context.getBean(SseStreamRequests.class).payloads("answers", Long.toString(elements), String.class);
		}

		@Override
		public Publisher<String> createFailedPublisher() {
			return context.getBean(SseStreamRequests.class).payloads("answers", "missing", String.class);
		}

		@Override
		public long maxElementsFromPublisher() {
			return Integer.MAX_VALUE;
		}

	}

}
