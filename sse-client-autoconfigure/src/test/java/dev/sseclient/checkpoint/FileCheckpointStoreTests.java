package dev.sseclient.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
	void writerSavesInBatchesAndOnFlushSkippingUnchangedIds() {
		List<Map<String, String>> saves = new ArrayList<>();
		SseCheckpointStore recording = new SseCheckpointStore() {
			@Override
			public Optional<String> load(String stream) {
				return Optional.empty();
			}

			@Override
			public void save(Map<String, String> ids) {
				saves.add(Map.copyOf(ids));
			}
		};
		try (CheckpointWriter writer = new CheckpointWriter(recording, 3, Duration.ofHours(1))) {
			writer.record("a", "1");
			writer.record("a", "2");
			assertThat(saves).isEmpty();
			writer.record("b", "9");
			assertThat(saves).containsExactly(Map.of("a", "2", "b", "9"));
			writer.record("a", "2");
			writer.flush();
			assertThat(saves).hasSize(1);
			writer.record("a", "3");
		}
		assertThat(saves).containsExactly(Map.of("a", "2", "b", "9"), Map.of("a", "3"));
	}

}
