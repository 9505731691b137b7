package dev.sseclient.cluster;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.util.UUIDConverter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import dev.sseclient.jdbc.JdbcTables;

/**
 * Stream locks in Spring Integration's JDBC lock table ({@code <prefix>LOCK}, created if
 * missing), with this instance's id as the lock's client id, so that who holds a lock can be
 * read from the table. At shutdown, whatever the elections did not release is deleted.
 */
public final class JdbcStreamLocks implements StreamLocks {

	private static final Log logger = LogFactory.getLog(JdbcStreamLocks.class);

	private static final long HOLDER_CACHE_MILLIS = 1000;

	private final DefaultLockRepository repository;

	private final JdbcLockRegistry registry;

	private final JdbcTemplate jdbc;

	private final String holderQuery;

	private final String countQuery;

	private final String region;

	private final Map<String, Holder> holders = new ConcurrentHashMap<>();

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
		if (createTable) {
			JdbcTables.createIfMissing(this.jdbc, table, "LOCK_KEY CHAR(36) NOT NULL, REGION VARCHAR(100) NOT NULL, "
					+ "CLIENT_ID CHAR(36), CREATED_DATE TIMESTAMP NOT NULL, EXPIRED_AFTER TIMESTAMP NOT NULL, "
					+ "PRIMARY KEY (LOCK_KEY, REGION)");
		}
		this.repository = new DefaultLockRepository(dataSource, instanceId);
		this.repository.setPrefix(tablePrefix);
		this.repository.setRegion(region);
		this.repository.setTransactionManager(new DataSourceTransactionManager(dataSource));
		this.repository.afterPropertiesSet();
		this.repository.afterSingletonsInstantiated();
		this.repository.start();
		this.registry = new JdbcLockRegistry(this.repository, lockTtl);
		this.registry.setIdleBetweenTries(pollInterval);
		this.region = region;
		this.holderQuery = "SELECT CLIENT_ID FROM " + table + " WHERE REGION = ? AND LOCK_KEY = ? AND EXPIRED_AFTER >= ?";
		this.countQuery = "SELECT CLIENT_ID, COUNT(*) FROM " + table
				+ " WHERE REGION = ? AND EXPIRED_AFTER >= ? GROUP BY CLIENT_ID";
	}

	@Override
	public JdbcLockRegistry registry() {
		return this.registry;
	}

	@Override
	public @Nullable String holderOf(String lockKey) {
		long now = System.currentTimeMillis();
		Holder cached = this.holders.get(lockKey);
		if (cached != null && now - cached.readAt < HOLDER_CACHE_MILLIS) {
			return cached.id;
		}
		String id = readHolder(lockKey);
		this.holders.put(lockKey, new Holder(id, now));
		return id;
	}

	private @Nullable String readHolder(String lockKey) {
		try {
			List<String> ids = this.jdbc.queryForList(this.holderQuery, String.class, this.region,
					UUIDConverter.getUUID(lockKey).toString(), LocalDateTime.now(ZoneOffset.UTC));
			return ids.isEmpty() ? null : ids.get(0).strip();
		}
		catch (DataAccessException ex) {
			logger.debug("Could not read the holder of lock '" + lockKey + "'", ex);
			return null;
		}
	}

	@Override
	public Map<String, Integer> locksPerHolder() {
		Map<String, Integer> counts = new TreeMap<>();
		this.jdbc.query(this.countQuery, (row) -> {
			counts.put(row.getString(1).strip(), row.getInt(2));
		}, this.region, LocalDateTime.now(ZoneOffset.UTC));
		return counts;
	}

	@Override
	public void releaseAll() {
		try {
			this.repository.close();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not delete this instance's stream locks (" + ex + "); they expire after the lock's time to live");
		}
	}

	private record Holder(@Nullable String id, long readAt) {
	}

}
