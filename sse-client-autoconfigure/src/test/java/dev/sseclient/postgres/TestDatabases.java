package dev.sseclient.postgres;

import java.util.function.Supplier;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Named;

/** The databases the JDBC tests run against: a real PostgreSQL server, and H2 in memory. */
public final class TestDatabases {

	private TestDatabases() {
	}

	/** For {@code @MethodSource}: each a new, empty database. */
	public static Stream<Named<Supplier<DataSource>>> postgresAndH2() {
		return Stream.of(Named.of("PostgreSQL", () -> PostgresTestServer.shared().newDatabase()),
				Named.of("H2", TestDatabases::h2));
	}

	/** A new, empty H2 database in memory, kept until the JVM ends. */
	public static DataSource h2() {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL("jdbc:h2:mem:test" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
		return dataSource;
	}

}
