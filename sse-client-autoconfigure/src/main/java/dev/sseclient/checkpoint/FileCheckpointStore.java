package dev.sseclient.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * An embedded durable store needing no server: one small file per stream in a directory. Each
 * save writes a temporary file, forces it to disk, and atomically moves it over the old one,
 * so a crash (even {@code kill -9}) leaves either the old id or the new one, never a torn file.
 */
public class FileCheckpointStore implements SseCheckpointStore {

	private final Path directory;

	public FileCheckpointStore(Path directory) {
		try {
			this.directory = Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the checkpoint directory " + directory, ex);
		}
	}

	@Override
	public Optional<String> load(String stream) {
		try {
			return Optional.of(Files.readString(file(stream), StandardCharsets.UTF_8));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the checkpoint of stream '" + stream + "'", ex);
		}
	}

	@Override
	public void save(Map<String, String> ids) {
		ids.forEach(this::write);
	}

	private void write(String stream, String id) {
		Path target = file(stream);
		Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
		try {
			try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
					StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
				channel.write(ByteBuffer.wrap(id.getBytes(StandardCharsets.UTF_8)));
				channel.force(true);
			}
			try {
				Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the checkpoint of stream '" + stream + "'", ex);
		}
	}

	/** Stream names may hold any character: the file name is their UTF-8 bytes in hex. */
	private Path file(String stream) {
		return this.directory.resolve(HexFormat.of().formatHex(stream.getBytes(StandardCharsets.UTF_8)) + ".id");
	}

}
