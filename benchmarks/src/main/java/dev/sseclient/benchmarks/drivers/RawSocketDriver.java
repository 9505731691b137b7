package dev.sseclient.benchmarks.drivers;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The physical reference: a socket, one request, and a scan of the bytes for blank lines (an
 * event's end) that builds no objects. With {@code needData} it also reads the time stamp at
 * the start of each event's data, for latency. No client can beat it on this machine.
 */
final class RawSocketDriver implements Driver {

	private static final byte[] DATA_FIELD = "data: ".getBytes(StandardCharsets.US_ASCII);

	@Override
	public void consume(URI url, int count, Consumer<String> onData) throws Exception {
		consume(url, count, onData, true);
	}

	@Override
	public void consume(URI url, int count, Consumer<String> onData, boolean needData) throws Exception {
		try (Socket socket = new Socket(url.getHost(), url.getPort())) {
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + url.getRawPath() + "?" + url.getRawQuery() + " HTTP/1.1\r\nHost: " + url.getHost()
					+ "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[64 * 1024];
			int events = 0;
			int previous = 0;
			int fieldMatched = 0;
			long stamp = -1;
			while (events < count) {
				int read = in.read(buffer);
				if (read < 0) {
					throw new IllegalStateException("server closed after " + events + " events");
				}
				for (int i = 0; i < read; i++) {
					byte b = buffer[i];
					if (b == '\n' && previous == '\n') {
						events++;
					}
					if (needData) {
						if (stamp >= 0) {
							if (b >= '0' && b <= '9') {
								stamp = stamp * 10 + (b - '0');
							}
							else {
								onData.accept(Long.toString(stamp));
								stamp = -1;
							}
						}
						else if (b == DATA_FIELD[fieldMatched]) {
							if (++fieldMatched == DATA_FIELD.length) {
								fieldMatched = 0;
								stamp = 0;
							}
						}
						else {
							fieldMatched = (b == DATA_FIELD[0]) ? 1 : 0;
						}
					}
					previous = b;
				}
			}
		}
	}

}
