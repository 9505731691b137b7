package dev.sseclient.listener;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.sql.DataSource;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.sseclient.jdbc.JdbcTables;

/**
 * Keeps the events whose listener failed for good in a table of the application's database,
 * created if missing: {@code stream}, {@code event_id}, {@code event_type}, {@code data},
 * {@code listener}, {@code attempts}, {@code cause} (the exception's class and message),
 * {@code stack_trace} and {@code failed_at}. Rows are only inserted; reading, replaying and
 * deleting them is the application's.
 *
 * <pre>{@code
 * @Bean
 * SseListenerErrorHandler sseListenerErrorHandler(DataSource dataSource) {
 *     return new RetryingErrorHandler(3, Duration.ofMillis(200), Duration.ofSeconds(5),
 *             new JdbcDeadLetterRecoverer(dataSource, "sse_dead_letters"));
 * }
 * }</pre>
 */
public class JdbcDeadLetterRecoverer implements SseListenerRecoverer {

	private final JdbcTemplate jdbc;

	private final String insert;

	public JdbcDeadLetterRecoverer(DataSource dataSource, String table) {
		if (!JdbcTables.isPlainName(table)) {
			throw new IllegalArgumentException("Not a plain table name: '" + table + "'");
		}
		this.jdbc = new JdbcTemplate(dataSource);
		String text = longText(this.jdbc);
		JdbcTables.createIfMissing(this.jdbc, table,
				"stream VARCHAR(255) NOT NULL, event_id VARCHAR(4096) NOT NULL, event_type VARCHAR(255) NOT NULL, "
						+ "data " + text + " NOT NULL, listener VARCHAR(255) NOT NULL, attempts INT NOT NULL, "
						+ "cause VARCHAR(4096) NOT NULL, stack_trace " + text + " NOT NULL, failed_at TIMESTAMP NOT NULL");
		this.insert = "INSERT INTO " + table + " (stream, event_id, event_type, data, listener, attempts, cause, "
				+ "stack_trace, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
	}

	/** A column type for text up to the largest event: the SQL standard's, or the database's own. */
	private static String longText(JdbcTemplate jdbc) {
		String product = jdbc.execute((ConnectionCallback<String>) (connection) -> connection.getMetaData()
			.getDatabaseProductName()).toLowerCase(Locale.ROOT);
		if (product.contains("postgres")) {
			return "TEXT";
		}
		return (product.contains("mysql") || product.contains("mariadb")) ? "LONGTEXT" : "CLOB";
	}

	/** One row per event of the call: a failed batch is kept event by event. */
	@Override
	public void recover(ListenerFailure failure) {
		String cause = String.valueOf(failure.cause());
		String shortCause = (cause.length() > 4096) ? cause.substring(0, 4096) : cause;
		String stackTrace = stackTrace(failure.cause());
		Timestamp failedAt = Timestamp.from(Instant.now());
		List<Object[]> rows = failure.events()
			.stream()
			.map((event) -> new Object[] { event.stream(), event.id(), event.type(), event.data(), failure.listenerId(),
					failure.attempt(), shortCause, stackTrace, failedAt })
			.toList();
		this.jdbc.batchUpdate(this.insert, rows);
	}

	/** The exception and its causes with their frames, as a log would show them. */
	private static String stackTrace(Throwable cause) {
		StringBuilder trace = new StringBuilder();
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable current = cause; current != null && seen.add(current); current = current.getCause()) {
			trace.append((current == cause) ? "" : "Caused by: ").append(current).append('\n');
			for (StackTraceElement frame : current.getStackTrace()) {
				trace.append("\tat ").append(frame).append('\n');
			}
		}
		return trace.toString();
	}

}
