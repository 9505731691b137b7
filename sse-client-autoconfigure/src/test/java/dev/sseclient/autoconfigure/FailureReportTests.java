package dev.sseclient.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What a user sees when a stream is misconfigured: Boot's failure report with our analysis.
 */
@ExtendWith(OutputCaptureExtension.class)
class FailureReportTests {

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SseClientAutoConfiguration.class)
	static class App {

	}

	@Test
	void misconfiguredStreamFailsStartupWithAReportNamingThePropertyAndTheFix(CapturedOutput output) {
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--sse.client.streams.prices.url=feed.example.com/x"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid sse-client configuration: sse.client.streams.prices.url "
					+ "('feed.example.com/x') has no http:// or https:// in front.")
			.contains("Set sse.client.streams.prices.url to http://feed.example.com/x or https://feed.example.com/x.");
	}

}
