package dev.sseclient.checkpoint;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class FileCheckpointStoreTests {

	@TempDir
	Path directory;

	@Test
	void savedIdsAreLoadedByANewStoreOnTheSameDirectory() throws Exception {
		new FileCheckpointStore(this.directory).save(Map.of("prices", "41", "odd/name with spaces", "ü-7"));
		new FileCheckpointStore(this.directory).save(Map.of("prices", "42"));
		FileCheckpointStore reopened = new FileCheckpointStore(this.directory);
		assertThat(reopened.load("prices")).contains("42");
		assertThat(reopened.load("odd/name with spaces")).contains("ü-7");
		assertThat(reopened.load("unknown")).isEmpty();
		try (var files = Files.list(this.directory)) {
			assertThat(files.map((file) -> file.getFileName().toString())).hasSize(2).allMatch((name) -> name.endsWith(".id"));
		}
	}

	@Test
	void aProcessKilledWhileSavingLeavesTheLastCompletedIdAndNeverATornFile() throws Exception {
		for (int round = 1; round <= 3; round++) {
			Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
					System.getProperty("java.class.path"), KeepSaving.class.getName(), this.directory.toString())
				.redirectErrorStream(true)
				.start();
			long lastCompleted = 0;
			try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream()))) {
				long deadline = System.nanoTime() + Duration.ofMillis(200L * round).toNanos();
				String line;
				while ((line = out.readLine()) != null) {
					lastCompleted = Long.parseLong(line);
					if (System.nanoTime() > deadline) {
						writer.destroyForcibly(); // SIGKILL, in the middle of further saves
						break;
					}
				}
			}
			assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(lastCompleted).as("saves completed before the kill").isPositive();
			Optional<String> saved = new FileCheckpointStore(this.directory).load("prices");
			assertThat(saved).as("round %d", round).hasValueSatisfying((id) -> assertThat(id).matches("[0-9]+-x{200}"));
			long kept = Long.parseLong(saved.get().substring(0, saved.get().indexOf('-')));
			assertThat(kept).as("a completed save survives the kill").isGreaterThanOrEqualTo(lastCompleted);
		}
	}

	/** Saves ever-growing ids until killed, printing each one once its save returned. */
	static final class KeepSaving {

		public static void main(String[] args) {
			FileCheckpointStore store = new FileCheckpointStore(Path.of(args[0]));
			long start = store.load("prices").map((id) -> Long.parseLong(id.substring(0, id.indexOf('-')))).orElse(0L);
			for (long id = start + 1;; id++) {
				store.save(Map.of("prices", id + "-" + "x".repeat(200)));
				System.out.println(id);
			}
		}

	}

	@Test
	void writerSavesAStreamAfterItsBatchAndOnFlushSkippingUnchangedIdsAndRetryingFailures() {
		List<Map<String, String>> saves = new ArrayList<>();
		boolean[] down = { false };
		SseCheckpointStore recording = new SseCheckpointStore() {
			@Override
			public Optional<String> load(String stream) {
				return Optional.empty();
			}

			@Override
			public void save(Map<String, String> ids) {
				if (down[0]) {
					throw new IllegalStateException("store down");
				}
				saves.add(Map.copyOf(ids));
			}
		};
		try (CheckpointWriter writer = new CheckpointWriter(recording, 3, Duration.ofHours(1))) {
			CheckpointWriter.Slot a = writer.slot("a");
			CheckpointWriter.Slot b = writer.slot("b");
			a.record("1");
			a.record("2");
			b.record("9");
			assertThat(saves).as("no stream reached its batch").isEmpty();
			a.record("3");
			assertThat(saves).as("a full batch saves its own stream").containsExactly(Map.of("a", "3"));
			writer.flush();
			assertThat(saves).containsExactly(Map.of("a", "3"), Map.of("b", "9"));
			writer.flush();
			assertThat(saves).as("nothing new").hasSize(2);
			down[0] = true;
			a.record("4");
			writer.flush();
			down[0] = false;
			b.record("10");
		}
		assertThat(saves).containsExactly(Map.of("a", "3"), Map.of("b", "9"), Map.of("a", "4", "b", "10"));
	}

}
