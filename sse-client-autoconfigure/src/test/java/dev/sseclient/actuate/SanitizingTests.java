package dev.sseclient.actuate;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.autoconfigure.SseSanitizingAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream headers and bodies stay masked in actuator's configprops and env endpoints, even when
 * they are set to show values.
 */
class SanitizingTests {

	private static final String TOKEN = "sk-live-abcdef123456";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class, SseSanitizingAutoConfiguration.class))
		.withPropertyValues("sse.client.streams.chat.url=https://llm.example.com/v1/chat",
				"sse.client.streams.quotes.url=https://user:" + TOKEN + "@quotes.example.com/v1/stream?symbol=ACME&api_key="
						+ TOKEN + "&q=" + TOKEN,
				"sse.client.streams.quotes.auto-startup=false",
				"sse.client.templates.meter.url=https://iot.example.com/meters/{meter}?token=" + TOKEN,
				"sse.client.streams.chat.auto-startup=false",
				"sse.client.streams.chat.headers.Authorization=Bearer " + TOKEN,
				"sse.client.streams.chat.headers.X-Api-Key=" + TOKEN,
				"sse.client.streams.chat.body={\"key\":\"" + TOKEN + "\"}",
				"sse.client.templates.device.url=https://iot.example.com/devices/{device}",
				"sse.client.templates.device.headers.Authorization=Bearer " + TOKEN,
				"sse.client.defaults.headers.X-Tenant=" + TOKEN);

	@Test
	void runWhenActuatorShowsValuesShouldMaskStreamHeadersAndBodies() {
		this.contextRunner.run((context) -> {
			// the endpoints as actuator builds them, with the context's sanitizing functions
			List<SanitizingFunction> functions = List.copyOf(context.getBeansOfType(SanitizingFunction.class).values());
			assertThat(functions).isNotEmpty();
			ConfigurationPropertiesReportEndpoint configurationProperties = new ConfigurationPropertiesReportEndpoint(
					functions, Show.ALWAYS);
			configurationProperties.setApplicationContext(context);
			EnvironmentEndpoint environment = new EnvironmentEndpoint(context.getEnvironment(), functions, Show.ALWAYS);
			JsonMapper json = JsonMapper.builder().build();
			String configprops = json.writeValueAsString(configurationProperties.configurationProperties());
			String env = json.writeValueAsString(environment.environment(null));
			// configprops shows the defaults; the streams and templates are in env and the sse endpoint
			assertThat(configprops).contains("X-Tenant").contains("******").doesNotContain(TOKEN);
			assertThat(env).contains("https://llm.example.com/v1/chat")
				.contains("https://iot.example.com/devices/{device}")
				.contains("https://******@quotes.example.com/v1/stream?symbol=******&api_key=******&q=******")
				.contains("https://iot.example.com/meters/{meter}?token=******")
				.contains("******")
				.doesNotContain(TOKEN);
		});
	}

}
