package dev.sseclient.checkpoint;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntSupplier;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.sseclient.jdbc.JdbcTables;

/**
 * Checkpoints in a database table the application already has a {@link DataSource} for, shared
 * by every instance. The table ({@code stream} primary key, {@code last_event_id},
 * {@code updated_at}, {@code claim}) is created if missing, and a table of an earlier version
 * gets its {@code claim} column. In cluster mode each takeover increments the stream's claim,
 * and an id saved under an older claim, a former holder's, is refused. A batch is written in
 * one transaction, each id with an update, or an insert the first time. Rows are written in stream-name order so that
 * instances sharing the table cannot deadlock, and the insert runs under a savepoint so that
 * losing a race to another instance's insert (which PostgreSQL reports by aborting the
 * transaction) falls back to the update.
 */
public class JdbcCheckpointStore implements SseCheckpointStore {

	/** Streams named in one query. */
	private static final int CLAIMS_PER_QUERY = 500;

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
		JdbcTables.createIfMissing(this.jdbc, table, "stream VARCHAR(255) PRIMARY KEY, last_event_id VARCHAR(4096) "
				+ "NOT NULL, updated_at TIMESTAMP NOT NULL, claim BIGINT DEFAULT 0 NOT NULL");
		addClaimColumnIfMissing();
	}

	/** A table made before claims existed gets the column; instances starting together may race on it. */
	private void addClaimColumnIfMissing() {
		try {
			this.jdbc.queryForList("SELECT claim FROM " + this.table + " WHERE 1 = 0");
			return;
		}
		catch (DataAccessException missing) {
			// added below
		}
		try {
			this.jdbc.execute("ALTER TABLE " + this.table + " ADD COLUMN claim BIGINT DEFAULT 0 NOT NULL");
		}
		catch (DataAccessException ex) {
			// another instance added it meanwhile; if not, the next query says so
			this.jdbc.queryForList("SELECT claim FROM " + this.table + " WHERE 1 = 0");
		}
	}

	@Override
	public Optional<String> load(String stream) {
		List<String> ids = this.jdbc.queryForList("SELECT last_event_id FROM " + this.table + " WHERE stream = ?",
				String.class, stream);
		return ids.stream().findFirst();
	}

	@Override
	public void save(Map<String, String> ids) {
		save(ids, Map.of());
	}

	/**
	 * Rows are locked in stream-name order, so that instances saving the same streams cannot
	 * deadlock. When every row exists (the usual case), the batch is one batched update; when
	 * some are new, each row is updated or inserted in turn, still in name order.
	 */
	@Override
	public Set<String> save(Map<String, String> ids, Map<String, Long> claims) {
		Timestamp now = Timestamp.from(Instant.now());
		List<String> inLockOrder = new ArrayList<>(new TreeMap<>(ids).keySet());
		Set<String> refused = new TreeSet<>();
		this.transactions.executeWithoutResult((status) -> {
			if (existing(inLockOrder).size() < inLockOrder.size()) {
				inLockOrder.forEach((stream) -> saveOne(stream, ids.get(stream), claims.getOrDefault(stream, 0L), now, refused));
				return;
			}
			int[] updated = this.jdbc.batchUpdate("UPDATE " + this.table + " SET last_event_id = ?, updated_at = ? "
					+ "WHERE stream = ? AND (? = 0 OR claim = ?)", inLockOrder, inLockOrder.size(), (statement, stream) -> {
						long claim = claims.getOrDefault(stream, 0L);
						statement.setString(1, ids.get(stream));
						statement.setTimestamp(2, now);
						statement.setString(3, stream);
						statement.setLong(4, claim);
						statement.setLong(5, claim);
					})[0];
			for (int i = 0; i < inLockOrder.size(); i++) {
				if (updated[i] == 0 && claims.getOrDefault(inLockOrder.get(i), 0L) != 0) {
					refused.add(inLockOrder.get(i));
				}
			}
		});
		return refused;
	}

	private void saveOne(String stream, String id, long claim, Timestamp now, Set<String> refused) {
		if (claim == 0) {
			upsert(stream, id, now);
		}
		else if (this.jdbc.update("UPDATE " + this.table + " SET last_event_id = ?, updated_at = ? WHERE stream = ? AND claim = ?",
				id, now, stream, claim) == 0) {
			refused.add(stream);
		}
	}

	/** Which of these streams have a row, read without locking any. */
	private Set<String> existing(List<String> streams) {
		Set<String> existing = new HashSet<>();
		for (int from = 0; from < streams.size(); from += CLAIMS_PER_QUERY) {
			List<String> some = streams.subList(from, Math.min(streams.size(), from + CLAIMS_PER_QUERY));
			existing.addAll(this.jdbc.queryForList("SELECT stream FROM " + this.table + " WHERE stream IN ("
					+ String.join(", ", Collections.nCopies(some.size(), "?")) + ")", String.class, some.toArray()));
		}
		return existing;
	}

	/** The stream's claim moves up by one; its row is made, holding {@code resumeFrom}, when it has none. */
	@Override
	public long claim(String stream, String resumeFrom) {
		Long claim = this.transactions.execute((status) -> {
			updateElseInsert(() -> this.jdbc.update("UPDATE " + this.table + " SET claim = claim + 1 WHERE stream = ?",
					stream), () -> this.jdbc.update("INSERT INTO " + this.table
							+ " (stream, last_event_id, updated_at, claim) VALUES (?, ?, ?, 1)", stream, resumeFrom,
							Timestamp.from(Instant.now())));
			return this.jdbc.queryForObject("SELECT claim FROM " + this.table + " WHERE stream = ?", Long.class, stream);
		});
		return (claim != null) ? claim : 0;
	}

	/**
	 * In one transaction: the claims move up by one in a batched update, rows missing are
	 * inserted, and one query per few hundred streams reads where each resumes.
	 */
	@Override
	public Map<String, Claim> claim(Map<String, String> resumeFromIfNone) {
		List<String> inLockOrder = new ArrayList<>(new TreeMap<>(resumeFromIfNone).keySet());
		Map<String, Claim> claims = new HashMap<>();
		this.transactions.executeWithoutResult((status) -> {
			int[] updated = this.jdbc.batchUpdate("UPDATE " + this.table + " SET claim = claim + 1 WHERE stream = ?",
					inLockOrder, inLockOrder.size(), (statement, stream) -> statement.setString(1, stream))[0];
			Timestamp now = Timestamp.from(Instant.now());
			for (int i = 0; i < inLockOrder.size(); i++) {
				String stream = inLockOrder.get(i);
				if (updated[i] == 0) {
					updateElseInsert(() -> this.jdbc.update("UPDATE " + this.table + " SET claim = claim + 1 WHERE stream = ?",
							stream), () -> this.jdbc.update("INSERT INTO " + this.table
									+ " (stream, last_event_id, updated_at, claim) VALUES (?, ?, ?, 1)", stream,
									resumeFromIfNone.get(stream), now));
				}
			}
			for (int from = 0; from < inLockOrder.size(); from += CLAIMS_PER_QUERY) {
				List<String> some = inLockOrder.subList(from, Math.min(inLockOrder.size(), from + CLAIMS_PER_QUERY));
				this.jdbc.query("SELECT stream, last_event_id, claim FROM " + this.table + " WHERE stream IN ("
						+ String.join(", ", Collections.nCopies(some.size(), "?")) + ")", (row) -> {
							claims.put(row.getString(1), new Claim(row.getString(2), row.getLong(3)));
						}, some.toArray());
			}
		});
		return claims;
	}

	private void upsert(String stream, String id, Timestamp now) {
		String update = "UPDATE " + this.table + " SET last_event_id = ?, updated_at = ? WHERE stream = ?";
		updateElseInsert(() -> this.jdbc.update(update, id, now, stream), () -> this.jdbc.update(
				"INSERT INTO " + this.table + " (stream, last_event_id, updated_at) VALUES (?, ?, ?)", stream, id, now));
	}

	/**
	 * The update, else (no row) the insert under a savepoint, else (another instance inserted the
	 * row meanwhile, which PostgreSQL reports by aborting the transaction) the update again.
	 */
	private void updateElseInsert(IntSupplier update, Runnable insert) {
		if (update.getAsInt() > 0) {
			return;
		}
		try {
			this.savepoints.executeWithoutResult((savepoint) -> insert.run());
		}
		catch (DuplicateKeyException ex) {
			update.getAsInt();
		}
	}

}
