package dev.sseclient.benchmarks.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

import dev.sseclient.benchmarks.drivers.Quote;
import dev.sseclient.benchmarks.drivers.Tick;

/**
 * The fast half of the bench server: plain sockets, a thread per connection, and bodies framed
 * in advance, so that writing never limits what the clients are measured at. Every event is its
 * own HTTP chunk (or {@code batch} events are), and many chunks go out in one socket write.
 * {@code /json?count=N} sends N events whose data is a {@link Tick} in JSON; {@code /quotes?count=N}
 * sends 64-byte {@link Quote}s, and {@code /quote-rate?rate=R&count=N} quotes stamped at their
 * write, R a second.
 */
final class RawEventServer implements AutoCloseable {

	private static final int BLOCK_BYTES = 64 * 1024;

	private static final byte[] HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
			+ "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

	private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

	private final ServerSocket serverSocket;

	RawEventServer() throws IOException {
		this.serverSocket = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "raw-acceptor");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	int port() {
		return this.serverSocket.getLocalPort();
	}

	private void accept() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket socket = this.serverSocket.accept();
				Thread connection = new Thread(() -> serve(socket), "raw-connection");
				connection.setDaemon(true);
				connection.start();
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			socket.setTcpNoDelay(true);
			URI target = URI.create(readRequestTarget(socket.getInputStream()));
			Map<String, Integer> query = query(target);
			OutputStream out = socket.getOutputStream();
			out.write(HEAD);
			switch (target.getPath()) {
				case "/events" -> events(out, query.getOrDefault("count", 1_000_000), "x".repeat(query.getOrDefault("size", 64)),
						query.getOrDefault("batch", 1));
				case "/json" -> events(out, query.getOrDefault("count", 1_000_000), Tick.JSON, 1);
				case "/quotes" -> events(out, query.getOrDefault("count", 1_000_000), Quote.JSON, 1);
				case "/rate" -> {
					String padding = "x".repeat(Math.max(0, query.getOrDefault("size", 64) - 20));
					rate(out, query.getOrDefault("rate", 10_000), query.getOrDefault("count", 100_000),
							(stamp) -> stamp + " " + padding);
				}
				case "/quote-rate" -> rate(out, query.getOrDefault("rate", 10_000), query.getOrDefault("count", 100_000),
						Quote::json);
				default -> {
				}
			}
			out.write(LAST_CHUNK);
			out.flush();
		}
		catch (IOException ex) {
			// the client went away: normal at the end of a run
		}
	}

	private static void events(OutputStream out, int count, String data, int batch) throws IOException {
		byte[] event = ("data: " + data + "\n\n").getBytes(StandardCharsets.US_ASCII);
		byte[] chunk = chunk(event, batch);
		int chunksPerBlock = Math.max(1, BLOCK_BYTES / chunk.length);
		ByteArrayOutputStream block = new ByteArrayOutputStream();
		for (int i = 0; i < chunksPerBlock; i++) {
			block.writeBytes(chunk);
		}
		byte[] blockBytes = block.toByteArray();
		int chunks = count / batch;
		for (int written = 0; written < chunks; written += chunksPerBlock) {
			int now = Math.min(chunksPerBlock, chunks - written);
			out.write(blockBytes, 0, now * chunk.length);
		}
		if (count % batch > 0) {
			out.write(chunk(event, count % batch));
		}
	}

	/** Evenly spaced events, each stamped with {@link System#nanoTime()} just before its write. */
	private static void rate(OutputStream out, int rate, int count, LongFunction<String> data) throws IOException {
		long period = 1_000_000_000L / rate;
		long next = System.nanoTime();
		for (int i = 0; i < count; i++) {
			long wait;
			while ((wait = next - System.nanoTime()) > 0) {
				if (wait > 60_000) {
					LockSupport.parkNanos(wait - 50_000);
				}
				else {
					Thread.onSpinWait();
				}
			}
			next += period;
			byte[] event = ("data: " + data.apply(System.nanoTime()) + "\n\n").getBytes(StandardCharsets.US_ASCII);
			out.write(chunk(event, 1));
		}
	}

	private static byte[] chunk(byte[] event, int times) {
		ByteArrayOutputStream chunk = new ByteArrayOutputStream();
		chunk.writeBytes((Integer.toHexString(event.length * times) + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (int i = 0; i < times; i++) {
			chunk.writeBytes(event);
		}
		chunk.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		return chunk.toByteArray();
	}

	private static String readRequestTarget(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		int b;
		while ((b = in.read()) != -1) {
			head.append((char) b);
			if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
				break;
			}
		}
		String requestLine = head.substring(0, Math.max(0, head.indexOf("\r\n")));
		String[] parts = requestLine.split(" ");
		return (parts.length > 1) ? parts[1] : "/";
	}

	private static Map<String, Integer> query(URI target) {
		Map<String, Integer> query = new HashMap<>();
		if (target.getRawQuery() != null) {
			for (String pair : target.getRawQuery().split("&")) {
				String[] nameValue = pair.split("=", 2);
				if (nameValue.length == 2) {
					query.put(nameValue[0], Integer.parseInt(nameValue[1]));
				}
			}
		}
		return query;
	}

	@Override
	public void close() throws IOException {
		this.serverSocket.close();
	}

}
