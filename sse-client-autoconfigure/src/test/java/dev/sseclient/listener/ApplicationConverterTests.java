package dev.sseclient.listener;

import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.test.SseScript;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A payload type the application has a {@code Converter} bean for is read with it, not as JSON.
 */
class ApplicationConverterTests {

	private final SseTestServer server = SseTestServer.start();

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	/** Data such as {@code EUR 12.50}: no JSON, and no constructor a converter could guess. */
	record Money(String currency, BigDecimal amount) {

		static Money parse(String text) {
			String[] parts = text.strip().split(" ");
			return new Money(parts[0], new BigDecimal(parts[1]));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Conversion {

		@Bean
		Converter<String, Money> moneyConverter() {
			return Money::parse;
		}

		@Bean
		Listener listener() {
			return new Listener();
		}

	}

	static class Listener {

		final List<Money> prices = new CopyOnWriteArrayList<>();

		@SseListener(stream = "prices")
		void on(Money price) {
			this.prices.add(price);
		}

	}

	@Test
	void aPayloadTypeWithAnApplicationConverterIsReadWithIt() {
		this.server.enqueue(SseScript.stream().event("EUR 12.50").event("USD 3").hold());
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class))
			.withPropertyValues("sse.client.streams.prices.url=" + this.server.url("/prices"))
			.withUserConfiguration(Conversion.class)
			.run((context) -> {
				Listener listener = context.getBean(Listener.class);
				await().until(() -> listener.prices.size() == 2);
				assertThat(listener.prices).containsExactly(new Money("EUR", new BigDecimal("12.50")),
						new Money("USD", new BigDecimal("3")));
			});
	}

}
