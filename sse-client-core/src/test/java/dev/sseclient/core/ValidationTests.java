package dev.sseclient.core;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Bad options fail when built, with a message naming what is wrong. */
class ValidationTests {

	@Test
	void requestNeedsAnAbsoluteHttpUrl() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseRequest.get("/relative"))
			.withMessage("A stream URL must be absolute with scheme http or https, was '/relative'");
		assertThatIllegalArgumentException().isThrownBy(() -> SseRequest.get("ftp://user:pw@host/x"))
			.withMessage("A stream URL must be absolute with scheme http or https, was 'ftp://******@host/x'");
		assertThatIllegalArgumentException().isThrownBy(() -> SseRequest.builder(URI.create("http:///x")))
			.withMessageContaining("needs a host");
	}

	@Test
	void requestLimitsAndTimeoutsMustBePositive() {
		SseRequest.Builder builder = SseRequest.get("http://localhost/x");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxEventSize(0))
			.withMessage("maxEventSize must be positive, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.connectTimeout(Duration.ZERO))
			.withMessageContaining("connectTimeout");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.idleTimeout(Duration.ofSeconds(-1)))
			.withMessageContaining("idleTimeout");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.lastEventId("a\nb"))
			.withMessageContaining("NUL, CR or LF");
	}

	@Test
	void requestDefaults() {
		SseRequest request = SseRequest.get("https://feed.example.com/prices?token=x").build();
		assertThat(request.name()).isEqualTo("feed.example.com/prices");
		assertThat(request.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(request.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
		assertThat(request.maxEventSize()).isEqualTo(1024 * 1024);
		assertThat(request.maxLineSize()).isEqualTo(1024 * 1024);
		assertThat(request.reconnect()).isEqualTo(ReconnectOptions.defaults());
		assertThat(request).hasToString("SseRequest[feed.example.com/prices: GET https://feed.example.com/prices?token=******]");
	}

	@Test
	void mutateKeepsEverything() {
		SseRequest request = SseRequest.post("http://localhost/chat", "{}")
			.name("chat")
			.header("X-A", "1")
			.completeOn("[DONE]")
			.maxEventSize(10)
			.sensitiveHeader("X-A")
			.build();
		SseRequest copy = request.mutate().build();
		assertThat(copy.name()).isEqualTo("chat");
		assertThat(copy.body()).isEqualTo("{}".getBytes());
		assertThat(copy.headers().getFirst("X-A")).isEqualTo("1");
		assertThat(copy.completeOn()).isEqualTo("[DONE]");
		assertThat(copy.maxEventSize()).isEqualTo(10);
		assertThat(copy.sensitiveHeaders()).contains("x-a", "authorization");
	}

	@Test
	void reconnectOptionsRejectContradictions() {
		ReconnectOptions defaults = ReconnectOptions.defaults();
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withDelays(Duration.ofSeconds(5), Duration.ofSeconds(1)))
			.withMessage("maxDelay (PT1S) must not be below initialDelay (PT5S)");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withDelays(Duration.ofSeconds(-1), Duration.ofSeconds(1)))
			.withMessage("initialDelay must be zero or positive, was PT-1S");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withMultiplier(0.5))
			.withMessage("multiplier must be at least 1, was 0.5");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withJitter(1.5))
			.withMessage("jitter must be between 0 and 1, was 1.5");
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withMaxAttempts(-2))
			.withMessageContaining("maxAttempts");
	}

	@Test
	void redactionMasksUserInfoAndCredentialParameters() {
		assertThat(Redaction.url(URI.create("https://u:p@h:8443/a/b?api_key=1&x=2&Signature=3")))
			.isEqualTo("https://******@h:8443/a/b?api_key=******&x=2&Signature=******");
		assertThat(Redaction.url(URI.create("http://h/plain"))).isEqualTo("http://h/plain");
	}

}
