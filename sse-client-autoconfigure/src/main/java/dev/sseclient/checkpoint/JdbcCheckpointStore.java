package dev.sseclient.checkpoint;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Checkpoints in a database table the application already has a {@link DataSource} for, shared
 * by every instance. The table ({@code stream} primary key, {@code last_event_id},
 * {@code updated_at}) is created if missing. A batch is written in one transaction, each id
 * with an update, or an insert the first time.
 */
public class JdbcCheckpointStore implements SseCheckpointStore {

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final String table;

	public JdbcCheckpointStore(DataSource dataSource, String table) {
		if (!TABLE_NAME.matcher(table).matches()) {
			throw new IllegalArgumentException("Not a plain table name: '" + table + "'");
		}
		this.jdbc = new JdbcTemplate(dataSource);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.table = table;
		this.jdbc.execute("CREATE TABLE IF NOT EXISTS " + table
				+ " (stream VARCHAR(255) PRIMARY KEY, last_event_id VARCHAR(4096) NOT NULL, updated_at TIMESTAMP NOT NULL)");
	}

	@Override
	public Optional<String> load(String stream) {
		List<String> ids = this.jdbc.queryForList("SELECT last_event_id FROM " + this.table + " WHERE stream = ?",
				String.class, stream);
		return ids.stream().findFirst();
	}

	@Override
	public void save(Map<String, String> ids) {
		Timestamp now = Timestamp.from(Instant.now());
		this.transactions.executeWithoutResult((status) -> ids.forEach((stream, id) -> upsert(stream, id, now)));
	}

	private void upsert(String stream, String id, Timestamp now) {
		String update = "UPDATE " + this.table + " SET last_event_id = ?, updated_at = ? WHERE stream = ?";
		if (this.jdbc.update(update, id, now, stream) > 0) {
			return;
		}
		try {
			this.jdbc.update("INSERT INTO " + this.table + " (stream, last_event_id, updated_at) VALUES (?, ?, ?)", stream,
					id, now);
		}
		catch (DuplicateKeyException ex) {
			// another instance inserted it meanwhile
			this.jdbc.update(update, id, now, stream);
		}
	}

}
