package dev.sseclient.jdbc;

import java.util.regex.Pattern;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Tables this library keeps in the application's database, created when missing.
 */
public final class JdbcTables {

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private JdbcTables() {
	}

	/** Whether a name is a plain (optionally schema-qualified) table name, safe to put in SQL. */
	public static boolean isPlainName(String table) {
		return TABLE_NAME.matcher(table).matches();
	}

	/**
	 * {@code CREATE TABLE IF NOT EXISTS}, tolerating the error PostgreSQL raises when instances
	 * starting together race on its catalog: the table is there, made by the winner.
	 * @param columns the column and constraint definitions, without parentheses
	 */
	public static void createIfMissing(JdbcTemplate jdbc, String table, String columns) {
		try {
			jdbc.execute("CREATE TABLE IF NOT EXISTS " + table + " (" + columns + ")");
		}
		catch (DataAccessException ex) {
			try {
				jdbc.queryForList("SELECT 1 FROM " + table + " WHERE 1 = 0");
			}
			catch (DataAccessException notThere) {
				ex.addSuppressed(notThere);
				throw ex;
			}
		}
	}

}
