package dev.sseclient.cluster;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an instance decides from one snapshot of the lock store: free locks go to the least
 * loaded instance, and an instance past its share gives up only what evens the ends out.
 */
class SpreadTests {

	@Test
	void freeLocksGoToTheLeastLoadedInstanceTiesToTheSmallestId() {
		Spread onB = new Spread("b", Set.of("a", "b", "c"), Map.of(), 3);
		Spread onA = new Spread("a", Set.of("a", "b", "c"), Map.of(), 3);
		// every instance reaches the same decisions from the same snapshot
		assertThat(new boolean[] { onA.take(1), onA.take(1), onA.take(1) }).containsExactly(true, false, false);
		assertThat(new boolean[] { onB.take(1), onB.take(1), onB.take(1) }).containsExactly(false, true, false);
		assertThat(onB.loads()).isEqualTo(Map.of("a", 1, "b", 1, "c", 1));
	}

	@Test
	void heavierLocksAreCountedByTheirStreams() {
		Spread spread = new Spread("a", Set.of("a", "b"), Map.of("b", 10), 14);
		assertThat(spread.take(4)).isTrue();
		assertThat(spread.take(1)).isTrue();
		assertThat(spread.loads()).isEqualTo(Map.of("a", 5, "b", 10));
	}

	@Test
	void anInstanceHoldingEverythingGivesUpManyLocksInOneRound() {
		Spread spread = new Spread("a", Set.of("a", "b", "c"), Map.of("a", 9), 9);
		int released = 0;
		for (int i = 0; i < 9; i++) {
			if (spread.release(1)) {
				released++;
			}
		}
		assertThat(released).isEqualTo(6);
		assertThat(spread.loads()).isEqualTo(Map.of("a", 3, "b", 3, "c", 3));
	}

	@Test
	void nothingMovesWhenAMoveWouldNotBringTheEndsCloser() {
		Spread spread = new Spread("a", Set.of("a", "b"), Map.of("a", 5, "b", 4), 9);
		assertThat(spread.release(1)).isFalse();
		Spread heavy = new Spread("a", Set.of("a", "b"), Map.of("a", 6, "b", 3), 9);
		assertThat(heavy.release(3)).as("6/3 would become 3/6").isFalse();
		assertThat(heavy.release(1)).as("6/3 becomes 5/4").isTrue();
	}

	@Test
	void aLoneInstanceKeepsWhatItHolds() {
		Spread spread = new Spread("a", Set.of("a"), Map.of("a", 100), 100);
		assertThat(spread.release(1)).isFalse();
		assertThat(spread.take(1)).isTrue();
	}

	@Test
	void anInstanceMissingFromTheSnapshotCountsItself() {
		Spread spread = new Spread("c", Set.of("a", "b"), Map.of("a", 2, "b", 2), 5);
		assertThat(spread.take(1)).isTrue();
	}

}
