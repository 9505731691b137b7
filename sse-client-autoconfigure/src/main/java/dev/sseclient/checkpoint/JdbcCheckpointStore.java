package dev.sseclient.checkpoint;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.sseclient.jdbc.JdbcTables;

/**
 * Checkpoints in a database table the application already has a {@link DataSource} for, shared
 * by every instance. The table ({@code stream} primary key, {@code last_event_id},
 * {@code updated_at}) is created if missing. A batch is written in one transaction, each id
 * with an update, or an insert the first time. Rows are written in stream-name order so that
 * instances sharing the table cannot deadlock, and the insert runs under a savepoint so that
 * losing a race to another instance's insert (which PostgreSQL reports by aborting the
 * transaction) falls back to the update.
 */
public class JdbcCheckpointStore implements SseCheckpointStore {

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final TransactionTemplate savepoints;

	private final String table;

	public JdbcCheckpointStore(DataSource dataSource, String table) {
		if (!JdbcTables.isPlainName(table)) {
			throw new IllegalArgumentException("Not a plain table name: '" + table + "'");
		}
		this.jdbc = new JdbcTemplate(dataSource);
		DataSourceTransactionManager transactionManager = new DataSourceTransactionManager(dataSource);
		this.transactions = new TransactionTemplate(transactionManager);
		this.savepoints = new TransactionTemplate(transactionManager);
		this.savepoints.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		this.table = table;
		JdbcTables.createIfMissing(this.jdbc, table,
				"stream VARCHAR(255) PRIMARY KEY, last_event_id VARCHAR(4096) NOT NULL, updated_at TIMESTAMP NOT NULL");
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
		Map<String, String> inLockOrder = new TreeMap<>(ids);
		this.transactions.executeWithoutResult((status) -> inLockOrder.forEach((stream, id) -> upsert(stream, id, now)));
	}

	private void upsert(String stream, String id, Timestamp now) {
		String update = "UPDATE " + this.table + " SET last_event_id = ?, updated_at = ? WHERE stream = ?";
		if (this.jdbc.update(update, id, now, stream) > 0) {
			return;
		}
		try {
			this.savepoints.executeWithoutResult((savepoint) -> this.jdbc.update(
					"INSERT INTO " + this.table + " (stream, last_event_id, updated_at) VALUES (?, ?, ?)", stream, id, now));
		}
		catch (DuplicateKeyException ex) {
			// another instance inserted it meanwhile
			this.jdbc.update(update, id, now, stream);
		}
	}

}
