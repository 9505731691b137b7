package dev.sseclient.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A configured URL shown in actuator keeps its scheme, host, path and placeholders; its user
 * info and every query value are masked.
 */
class ConfiguredUrlRedactionTests {

	@Test
	void everyQueryValueIsMaskedWhateverItsName() {
		assertThat(Redaction.configuredUrl("https://feed.example.com/v1/prices?symbol=ACME&api_key=k1&q=k2"))
			.isEqualTo("https://feed.example.com/v1/prices?symbol=******&api_key=******&q=******");
	}

	@Test
	void userInfoIsMaskedAndPlaceholdersAndFragmentsStay() {
		assertThat(Redaction.configuredUrl("https://user:secret@iot.example.com/devices/{device}?token={token}#live"))
			.isEqualTo("https://******@iot.example.com/devices/{device}?token=******#live");
	}

	@Test
	void aUrlWithoutSecretsIsUnchanged() {
		assertThat(Redaction.configuredUrl("http://localhost:8080/stream/{id}")).isEqualTo("http://localhost:8080/stream/{id}");
		assertThat(Redaction.configuredUrl("https://example.com/a@b")).as("an @ in the path is no user info")
			.isEqualTo("https://example.com/a@b");
		assertThat(Redaction.configuredUrl("https://example.com/s?flag")).isEqualTo("https://example.com/s?flag");
	}

}
