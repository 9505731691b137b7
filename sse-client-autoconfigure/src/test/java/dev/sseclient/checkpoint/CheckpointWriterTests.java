package dev.sseclient.checkpoint;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store that hangs holds up only the listener whose save it is: another stream's full batch
 * does not wait for it, and its id goes with the next save.
 */
class CheckpointWriterTests {

	@Test
	void aFullBatchDoesNotWaitForASaveUnderWay() throws Exception {
		CountDownLatch hanging = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<Map<String, String>> saves = new CopyOnWriteArrayList<>();
		SseCheckpointStore hangsOnA = new SseCheckpointStore() {

			@Override
			public Optional<String> load(String stream) {
				return Optional.empty();
			}

			@Override
			public void save(Map<String, String> ids) {
				if (ids.containsKey("a") && saves.isEmpty()) {
					hanging.countDown();
					try {
						release.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
				saves.add(Map.copyOf(ids));
			}

		};
		try (CheckpointWriter writer = new CheckpointWriter(hangsOnA, 2, Duration.ofHours(1))) {
			CheckpointWriter.Slot a = writer.slot("a");
			CheckpointWriter.Slot b = writer.slot("b");
			CompletableFuture<Void> listenerOfA = CompletableFuture.runAsync(() -> {
				a.record("1");
				a.record("2");
			});
			assertThat(hanging.await(10, TimeUnit.SECONDS)).isTrue();
			// the listener of b fills its batch while a's save hangs: it returns
			CompletableFuture.runAsync(() -> {
				b.record("7");
				b.record("8");
			}).get(10, TimeUnit.SECONDS);
			assertThat(listenerOfA).isNotDone();
			release.countDown();
			listenerOfA.get(10, TimeUnit.SECONDS);
			writer.flush();
			assertThat(saves).containsExactly(Map.of("a", "2"), Map.of("b", "8"));
		}
	}

}
