package dev.sseclient.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTests {

	private final ReconnectOptions noJitter = ReconnectOptions.defaults().withJitter(0);

	@Test
	void growsExponentiallyUpToTheCap() {
		Backoff backoff = new Backoff(this.noJitter);
		assertThat(delays(backoff, 7)).containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L);
	}

	@Test
	void zeroInitialDelayReconnectsAtOnceThenGrowsFromTheFloor() {
		Backoff backoff = new Backoff(this.noJitter.withDelays(Duration.ZERO, Duration.ofSeconds(1)));
		assertThat(delays(backoff, 5)).containsExactly(0L, 200L, 400L, 800L, 1000L);
	}

	@Test
	void jitterOnlyShortensTheDelay() {
		Backoff backoff = new Backoff(ReconnectOptions.defaults().withJitter(0.5));
		assertThat(backoff.delay(2, null, null, 0.0)).isEqualTo(Duration.ofSeconds(2));
		assertThat(backoff.delay(2, null, null, 0.999)).isBetween(Duration.ofMillis(1000), Duration.ofMillis(1002));
	}

	@Test
	void serverRetryReplacesTheBaseAndMayExceedTheCap() {
		Backoff backoff = new Backoff(this.noJitter);
		assertThat(backoff.delay(1, Duration.ZERO, null, 0)).isEqualTo(Duration.ofMillis(100));
		assertThat(backoff.delay(1, Duration.ofMillis(250), null, 0)).isEqualTo(Duration.ofMillis(250));
		assertThat(backoff.delay(2, Duration.ofMillis(250), null, 0)).isEqualTo(Duration.ofMillis(500));
		assertThat(backoff.delay(1, Duration.ofSeconds(45), null, 0)).isEqualTo(Duration.ofSeconds(45));
		assertThat(backoff.delay(4, Duration.ofSeconds(45), null, 0)).isEqualTo(Duration.ofSeconds(45));
	}

	@Test
	void serverValuesAreClampedToTheServerRange() {
		Backoff backoff = new Backoff(this.noJitter.withServerDelayRange(Duration.ofMillis(100), Duration.ofSeconds(5)));
		assertThat(backoff.delay(1, Duration.ZERO, null, 0)).isEqualTo(Duration.ofMillis(100));
		assertThat(backoff.delay(1, Duration.ofHours(1), null, 0)).isEqualTo(Duration.ofSeconds(5));
		assertThat(backoff.delay(1, null, Duration.ofHours(1), 0)).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void retryAfterIsAFloorNotReducedByJitter() {
		Backoff backoff = new Backoff(ReconnectOptions.defaults().withJitter(1.0));
		assertThat(backoff.delay(1, null, Duration.ofSeconds(3), 0.99)).isEqualTo(Duration.ofSeconds(3));
		assertThat(new Backoff(this.noJitter).delay(5, null, Duration.ofSeconds(3), 0)).isEqualTo(Duration.ofSeconds(16));
	}

	private static long[] delays(Backoff backoff, int count) {
		long[] delays = new long[count];
		for (int i = 0; i < count; i++) {
			delays[i] = backoff.delay(i + 1, null, null, 0).toMillis();
		}
		return delays;
	}

}
