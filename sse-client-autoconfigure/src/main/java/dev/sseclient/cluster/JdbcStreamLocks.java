package dev.sseclient.cluster;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.util.UUIDConverter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import dev.sseclient.jdbc.JdbcTables;

/**
 * Stream locks in Spring Integration's JDBC lock table ({@code <prefix>LOCK}, created if
 * missing), with this instance's id as the lock's client id, so that who holds a lock can be
 * read from the table: one query reads every live lock of the region. Beside it,
 * {@code <prefix>SSE_DEFINITION} keeps each instance's hash of each stream's definition. At
 * shutdown, whatever the coordinator did not release is deleted, and this instance's hashes.
 */
public final class JdbcStreamLocks implements StreamLocks {

	private static final Log logger = LogFactory.getLog(JdbcStreamLocks.class);

	private final DefaultLockRepository repository;

	private final JdbcLockRegistry registry;

	private final JdbcTemplate jdbc;

	private final String liveQuery;

	private final String table;

	private final boolean createTable;

	/** Whether the table was made or found; the first read of the lock store does it. */
	private volatile boolean tableReady;

	/** Each instance's hash of each stream's definition, beside the lock table. */
	private final String definitionTable;

	private volatile boolean definitionsReady;

	private final String instanceId;

	private final String region;

	/** Lock key to the registry's row key (a name-based UUID). */
	private final Map<String, String> paths = new ConcurrentHashMap<>();

	/**
	 * @param dataSource the database shared by the instances
	 * @param instanceId this instance's id, at most 36 characters
	 * @param tablePrefix prefix of the lock table's name
	 * @param region this application's part of the table
	 * @param lockTtl how long a lock outlives its last renewal
	 * @param pollInterval how long a standby waits between tries
	 * @param createTable whether to create the table when missing
	 */
	public JdbcStreamLocks(DataSource dataSource, String instanceId, String tablePrefix, String region,
			Duration lockTtl, Duration pollInterval, boolean createTable) {
		String table = tablePrefix + "LOCK";
		if (!JdbcTables.isPlainName(table)) {
			throw new IllegalArgumentException("Not a plain table name: '" + table + "'");
		}
		this.jdbc = new JdbcTemplate(dataSource);
		this.table = table;
		this.createTable = createTable;
		this.definitionTable = tablePrefix + "SSE_DEFINITION";
		this.instanceId = instanceId;
		this.repository = new DefaultLockRepository(dataSource, instanceId);
		// the database is first used by the coordination thread: one down at startup fails nothing
		this.repository.setCheckDatabaseOnStart(false);
		this.repository.setPrefix(tablePrefix);
		this.repository.setRegion(region);
		this.repository.setTransactionManager(new DataSourceTransactionManager(dataSource));
		this.repository.afterPropertiesSet();
		this.repository.afterSingletonsInstantiated();
		this.repository.start();
		this.registry = new JdbcLockRegistry(this.repository, lockTtl);
		this.registry.setIdleBetweenTries(pollInterval);
		this.region = region;
		this.liveQuery = "SELECT LOCK_KEY, CLIENT_ID FROM " + table + " WHERE REGION = ? AND EXPIRED_AFTER >= ?";
	}

	@Override
	public JdbcLockRegistry registry() {
		return this.registry;
	}

	@Override
	public LockSnapshot snapshot(Collection<String> lockKeys) {
		if (!this.tableReady) {
			if (this.createTable) {
				JdbcTables.createIfMissing(this.jdbc, this.table, "LOCK_KEY CHAR(36) NOT NULL, REGION VARCHAR(100) NOT NULL, "
						+ "CLIENT_ID CHAR(36), CREATED_DATE TIMESTAMP NOT NULL, EXPIRED_AFTER TIMESTAMP NOT NULL, "
						+ "PRIMARY KEY (LOCK_KEY, REGION)");
			}
			this.tableReady = true;
		}
		Map<String, String> holderByPath = new HashMap<>();
		Set<String> instances = new TreeSet<>();
		this.jdbc.query(this.liveQuery, (row) -> {
			String holder = row.getString(2).strip();
			holderByPath.put(row.getString(1).strip(), holder);
			instances.add(holder);
		}, this.region, LocalDateTime.now(ZoneOffset.UTC));
		Map<String, String> holders = new HashMap<>();
		for (String key : lockKeys) {
			String holder = holderByPath.get(this.paths.computeIfAbsent(key, (name) -> UUIDConverter.getUUID(name).toString()));
			if (holder != null) {
				holders.put(key, holder);
			}
		}
		return new LockSnapshot(holders, instances);
	}

	@Override
	public Map<String, Map<String, String>> shareDefinitions(String instanceId, Map<String, String> fingerprints) {
		if (!this.definitionsReady) {
			JdbcTables.createIfMissing(this.jdbc, this.definitionTable, "REGION VARCHAR(100) NOT NULL, "
					+ "NAME VARCHAR(255) NOT NULL, INSTANCE_ID VARCHAR(36) NOT NULL, FINGERPRINT VARCHAR(64) NOT NULL, "
					+ "PRIMARY KEY (REGION, NAME, INSTANCE_ID)");
			this.definitionsReady = true;
		}
		this.jdbc.update("DELETE FROM " + this.definitionTable + " WHERE REGION = ? AND INSTANCE_ID = ?", this.region,
				instanceId);
		this.jdbc.batchUpdate("INSERT INTO " + this.definitionTable + " (REGION, NAME, INSTANCE_ID, FINGERPRINT) VALUES (?, ?, ?, ?)",
				List.copyOf(fingerprints.entrySet()), fingerprints.size(), (statement, entry) -> {
					statement.setString(1, this.region);
					statement.setString(2, entry.getKey());
					statement.setString(3, instanceId);
					statement.setString(4, entry.getValue());
				});
		Map<String, Map<String, String>> all = new TreeMap<>();
		this.jdbc.query("SELECT NAME, INSTANCE_ID, FINGERPRINT FROM " + this.definitionTable + " WHERE REGION = ?",
				(row) -> {
					all.computeIfAbsent(row.getString(1), (name) -> new TreeMap<>()).put(row.getString(2), row.getString(3));
				}, this.region);
		return all;
	}

	@Override
	public void releaseAll() {
		try {
			this.jdbc.update("DELETE FROM " + this.definitionTable + " WHERE REGION = ? AND INSTANCE_ID = ?", this.region,
					this.instanceId);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not delete this instance's stream definitions", ex);
		}
		try {
			this.repository.close();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not delete this instance's stream locks (" + ex + "); they expire after the lock's time to live");
		}
	}

}
