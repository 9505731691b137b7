package dev.sseclient.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

/**
 * A scriptable Server-Sent Events server on loopback, for tests. Each request takes the next
 * {@link SseScript} from the queue ({@link #enqueue}), or asks the {@link #dispatcher} when the
 * queue is empty; with neither it answers 404. Every request is recorded for assertions.
 *
 * <p>It speaks HTTP/1.1 over plain sockets (or TLS, see {@link #startTls}), so a script controls
 * every byte, each chunk boundary, pauses, clean ends, drops and resets. It also answers a
 * {@code CONNECT} like an HTTP proxy, recording it and serving the tunnelled request, so a
 * client's proxy settings can be tested against it. One thread per connection; meant for tests,
 * not for load.
 *
 * <pre>{@code
 * try (SseTestServer server = SseTestServer.start()) {
 *     server.enqueue(SseScript.stream().event("1", null, "hello").hold());
 *     // point the client at server.url("/feed")
 *     RecordedRequest request = server.takeRequest();
 * }
 * }</pre>
 */
public final class SseTestServer implements AutoCloseable {

	private static final int MAX_HEAD_SIZE = 64 * 1024;

	private static final int ACCEPT_BACKLOG = 4096;

	private final ServerSocket serverSocket;

	private final String scheme;

	private final Thread acceptor;

	private final BlockingQueue<SseScript> scripts = new LinkedBlockingQueue<>();


	private final RequestLog requests = new RequestLog();

	private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

	private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

	private final AtomicLong bytesSent = new AtomicLong();

	private volatile @Nullable Function<RecordedRequest, SseScript> dispatcher;

	private volatile boolean closed;

	private SseTestServer(ServerSocket serverSocket, String scheme) {
		this.serverSocket = serverSocket;
		this.scheme = scheme;
		this.acceptor = new Thread(this::acceptLoop, "sse-test-server-" + serverSocket.getLocalPort());
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/** Start a server on a free loopback port. */
	public static SseTestServer start() {
		try {
			return bind(new ServerSocket(), "http");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the SSE test server", ex);
		}
	}

	/** Start an HTTPS server on a free loopback port, with the keys of {@code sslContext}. */
	public static SseTestServer startTls(SSLContext sslContext) {
		try {
			return bind(sslContext.getServerSocketFactory().createServerSocket(), "https");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the SSE test server", ex);
		}
	}

	private static SseTestServer bind(ServerSocket socket, String scheme) throws IOException {
		socket.setReuseAddress(true);
		// thousands of clients may connect at once (a cluster instance taking streams over)
		socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), ACCEPT_BACKLOG);
		return new SseTestServer(socket, scheme);
	}

	/** The port the server listens on. */
	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/** The base URL, such as {@code http://127.0.0.1:40123}. */
	public URI url() {
		return URI.create(this.scheme + "://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port());
	}

	/** The URL of a path on this server, as a string to put in configuration. */
	public String url(String path) {
		return url() + (path.startsWith("/") ? path : "/" + path);
	}

	/** Queue what to do for the next request that finds the queue non-empty. */
	public SseTestServer enqueue(SseScript script) {
		this.scripts.add(script);
		return this;
	}

	/** Decide per request when the queue is empty, for example to honour {@code Last-Event-ID}. */
	public SseTestServer dispatcher(Function<RecordedRequest, SseScript> dispatcher) {
		this.dispatcher = dispatcher;
		return this;
	}

	/** The next request not yet taken, waiting up to ten seconds. */
	public RecordedRequest takeRequest() {
		return takeRequest(Duration.ofSeconds(10));
	}

	/** The next request not yet taken, waiting up to {@code timeout}. */
	public RecordedRequest takeRequest(Duration timeout) {
		return this.requests.take(timeout);
	}

	/** Every request received so far, in arrival order. */
	public List<RecordedRequest> requests() {
		return this.requests.all();
	}

	/** How many requests arrived so far. */
	public int requestCount() {
		return this.requests.count();
	}

	/** How many client connections are open now. */
	public int openConnections() {
		return this.connections.size();
	}

	/**
	 * Bytes of response body chunks written to the sockets so far: with a client that reads
	 * slowly, how far the server got before TCP made it wait.
	 */
	public long bytesSent() {
		return this.bytesSent.get();
	}

	/** Errors the server hit while serving (not client disconnects), for diagnosing tests. */
	public List<Throwable> failures() {
		return List.copyOf(this.failures);
	}

	@Override
	public void close() {
		this.closed = true;
		closeQuietly(this.serverSocket);
		this.connections.forEach(SseTestServer::closeQuietly);
		try {
			this.acceptor.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void acceptLoop() {
		while (!this.closed) {
			try {
				Socket socket = this.serverSocket.accept();
				socket.setTcpNoDelay(true);
				this.connections.add(socket);
				Thread worker = new Thread(() -> serve(socket), "sse-test-connection-" + socket.getPort());
				worker.setDaemon(true);
				worker.start();
			}
			catch (IOException ex) {
				if (!this.closed) {
					this.failures.add(ex);
				}
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			InputStream in = new BufferedInputStream(socket.getInputStream());
			RecordedRequest request = readRequest(in);
			if (request != null && request.method().equals("CONNECT")) {
				// act as an HTTP proxy: open the tunnel and serve what comes through it
				record(request);
				socket.getOutputStream()
					.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
				socket.getOutputStream().flush();
				request = readRequest(in);
			}
			if (request == null) {
				return;
			}
			record(request);
			respond(socket, in, scriptFor(request));
		}
		catch (SocketException | SSLException ex) {
			// the client went away or refused the certificate: part of a test's normal life
		}
		catch (IOException | RuntimeException ex) {
			if (!this.closed) {
				this.failures.add(ex);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.connections.remove(socket);
		}
	}

	private void record(RecordedRequest request) {
		this.requests.add(request);
	}

	private SseScript scriptFor(RecordedRequest request) {
		SseScript script = this.scripts.poll();
		if (script != null) {
			return script;
		}
		Function<RecordedRequest, SseScript> current = this.dispatcher;
		return (current != null) ? current.apply(request) : SseScript.status(404);
	}

	private void respond(Socket socket, InputStream in, SseScript script) throws IOException, InterruptedException {
		if (script.ending == SseScript.Ending.SILENT) {
			awaitClientClose(in);
			return;
		}
		OutputStream out = socket.getOutputStream();
		boolean chunked = script.streaming || !script.steps.isEmpty();
		StringBuilder head = new StringBuilder();
		head.append("HTTP/1.1 ").append(script.status).append(' ').append(reason(script.status)).append("\r\n");
		script.headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
		if (chunked) {
			head.append("Transfer-Encoding: chunked\r\n");
		}
		else {
			head.append("Content-Length: ").append(script.body.length).append("\r\n");
		}
		head.append("Connection: close\r\n\r\n");
		out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
		if (!chunked) {
			out.write(script.body);
		}
		out.flush();
		for (SseScript.Step step : script.steps) {
			if (step instanceof SseScript.Send send) {
				writeChunk(out, send.bytes());
			}
			else if (step instanceof SseScript.Pause pause) {
				Thread.sleep(pause.duration().toMillis());
			}
			else if (step instanceof SseScript.Generate generate) {
				for (int index = 0; index < generate.count(); index++) {
					writeChunk(out, generate.chunk().apply(index).getBytes(StandardCharsets.UTF_8));
				}
			}
		}
		switch (script.ending) {
			case END -> {
				if (chunked) {
					out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
					out.flush();
				}
			}
			case DROP -> {
				// closing without the terminating chunk
			}
			case RESET -> socket.setSoLinger(true, 0);
			case HOLD, SILENT -> awaitClientClose(in);
		}
	}

	private static void awaitClientClose(InputStream in) throws IOException {
		while (in.read() != -1) {
			// discard anything else the client sends
		}
	}

	private void writeChunk(OutputStream out, byte[] bytes) throws IOException {
		if (bytes.length == 0) {
			return;
		}
		out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
		out.write(bytes);
		out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
		out.flush();
		this.bytesSent.addAndGet(bytes.length);
	}

	private static @Nullable RecordedRequest readRequest(InputStream in) throws IOException {
		String requestLine = readLine(in);
		if (requestLine == null || requestLine.isEmpty()) {
			return null;
		}
		String[] parts = requestLine.split(" ");
		if (parts.length < 2) {
			throw new IOException("Malformed request line: " + requestLine);
		}
		Map<String, List<String>> headers = new LinkedHashMap<>();
		String line;
		int headSize = requestLine.length();
		while ((line = readLine(in)) != null && !line.isEmpty()) {
			headSize += line.length();
			if (headSize > MAX_HEAD_SIZE) {
				throw new IOException("Request head too large");
			}
			int colon = line.indexOf(':');
			if (colon > 0) {
				headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), (k) -> new ArrayList<>())
					.add(line.substring(colon + 1).trim());
			}
		}
		return new RecordedRequest(parts[0], parts[1], headers, readBody(in, headers));
	}

	private static byte[] readBody(InputStream in, Map<String, List<String>> headers) throws IOException {
		List<String> length = headers.get("content-length");
		if (length != null) {
			return in.readNBytes(Integer.parseInt(length.get(0)));
		}
		List<String> encoding = headers.get("transfer-encoding");
		if (encoding == null || !encoding.get(0).equalsIgnoreCase("chunked")) {
			return new byte[0];
		}
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		while (true) {
			String sizeLine = readLine(in);
			if (sizeLine == null) {
				throw new IOException("Request body ended early");
			}
			int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
			if (size == 0) {
				while (true) {
					String trailer = readLine(in);
					if (trailer == null || trailer.isEmpty()) {
						return body.toByteArray();
					}
				}
			}
			body.write(in.readNBytes(size));
			readLine(in);
		}
	}

	private static @Nullable String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != -1) {
			if (b == '\n') {
				byte[] bytes = line.toByteArray();
				int length = (bytes.length > 0 && bytes[bytes.length - 1] == '\r') ? bytes.length - 1 : bytes.length;
				return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
			}
			if (line.size() > MAX_HEAD_SIZE) {
				throw new IOException("Line too long");
			}
			line.write(b);
		}
		return (line.size() > 0) ? line.toString(StandardCharsets.ISO_8859_1) : null;
	}

	private static String reason(int status) {
		return switch (status) {
			case 200 -> "OK";
			case 204 -> "No Content";
			case 301 -> "Moved Permanently";
			case 302 -> "Found";
			case 303 -> "See Other";
			case 307 -> "Temporary Redirect";
			case 308 -> "Permanent Redirect";
			case 400 -> "Bad Request";
			case 401 -> "Unauthorized";
			case 403 -> "Forbidden";
			case 404 -> "Not Found";
			case 408 -> "Request Timeout";
			case 429 -> "Too Many Requests";
			case 500 -> "Internal Server Error";
			case 502 -> "Bad Gateway";
			case 503 -> "Service Unavailable";
			default -> "Status";
		};
	}

	private static void closeQuietly(java.io.Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

}
