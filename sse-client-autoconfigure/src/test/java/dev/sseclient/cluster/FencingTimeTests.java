package dev.sseclient.cluster;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a holder whose lock renewal is overdue stops its stream: a quarter of the lock's life
 * before it can expire, at least two heartbeats before.
 */
class FencingTimeTests {

	@Test
	void withTheDefaultsAHolderStopsTwoAndAHalfSecondsBeforeItsLockCanExpire() {
		assertThat(LockRegistryStreamCoordinator.fenceAfter(Duration.ofMillis(500), Duration.ofSeconds(10)))
			.isEqualTo(Duration.ofMillis(7500));
	}

	@Test
	void aLongHeartbeatLeavesAtLeastTwoHeartbeatsBeforeExpiry() {
		assertThat(LockRegistryStreamCoordinator.fenceAfter(Duration.ofSeconds(2), Duration.ofSeconds(10)))
			.isEqualTo(Duration.ofSeconds(6));
	}

	@Test
	void aLockBarelyLongerThanTwoHeartbeatsIsGivenUpAfterOneHeartbeatWithoutRenewal() {
		assertThat(LockRegistryStreamCoordinator.fenceAfter(Duration.ofSeconds(1), Duration.ofSeconds(2)))
			.isEqualTo(Duration.ofSeconds(1));
	}

}
