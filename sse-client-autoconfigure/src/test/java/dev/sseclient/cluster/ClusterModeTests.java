package dev.sseclient.cluster;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;
import redis.embedded.RedisServer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.sseclient.actuate.SseEndpoint;
import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.autoconfigure.SseClusterAutoConfiguration;
import dev.sseclient.autoconfigure.SseEndpointAutoConfiguration;
import dev.sseclient.autoconfigure.SseHealthContributorAutoConfiguration;
import dev.sseclient.autoconfigure.SseMetricsAutoConfiguration;
import dev.sseclient.checkpoint.SseCheckpointStore;
import dev.sseclient.container.SseStreamRegistry;
import dev.sseclient.core.SseEvent;
import dev.sseclient.health.SseHealthContributor;
import dev.sseclient.listener.SseListener;
import dev.sseclient.postgres.PostgresTestServer;
import dev.sseclient.test.SseTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two application instances in one JVM sharing a database: what each shows of a stream's role
 * in health, the {@code sse} endpoint and metrics, hand-over at shutdown and on a lost
 * database, pinning, and the same with the locks in Redis.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClusterModeTests {

	private final SseTestServer feed = SseTestServer.start()
		.dispatcher((request) -> NumberedFeed.from(request, 10_000, Duration.ofMillis(10)));

	private final DataSource database = h2();

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	@AfterEach
	void close() {
		this.instances.forEach(ConfigurableApplicationContext::close);
		this.feed.close();
	}

	@Test
	void standbyShowsTheHolderAndTakesOverAtShutdownFromTheSavedCheckpoint() {
		ConfigurableApplicationContext a = start("node-a");
		await().until(() -> received(a).size() >= 5);
		ConfigurableApplicationContext b = start("node-b");
		await().until(() -> "node-a".equals(endpoint(b).get("holder")));

		assertThat(endpoint(a)).containsEntry("role", "ACTIVE").containsEntry("holder", "node-a").containsEntry("state", "OPEN");
		assertThat(endpoint(b)).containsEntry("role", "STANDBY").containsEntry("state", "NEW");
		Health standby = health(b);
		assertThat(standby.getStatus()).isEqualTo(Status.UP);
		assertThat(standby.getDetails()).containsEntry("role", "STANDBY").containsEntry("holder", "node-a");
		assertThat(active(a)).isEqualTo(1);
		assertThat(active(b)).isZero();

		Collector collectorOfA = a.getBean(Collector.class);
		long stopping = System.nanoTime();
		a.close();
		List<String> byA = List.copyOf(collectorOfA.prices);
		await().until(() -> !received(b).isEmpty());
		long takeOverMillis = (System.nanoTime() - stopping) / 1_000_000;
		System.out.println("Graceful hand-over, two instances on H2: " + takeOverMillis + " ms from close to the successor's first event");

		long lastOfA = Long.parseLong(byA.get(byA.size() - 1));
		assertThat(received(b).get(0)).as("resumes right after the last event the holder processed").isEqualTo(Long.toString(lastOfA + 1));
		assertThat(takeOverMillis).isLessThan(2000);
		assertThat(endpoint(b)).containsEntry("role", "ACTIVE").containsEntry("holder", "node-b");
		assertThat(active(b)).isEqualTo(1);
		assertThat(b.getBean(MeterRegistry.class).get("sse.client.cluster.takeovers").tag("stream", "prices").counter().count())
			.isEqualTo(1);
	}

	@Test
	void stoppingThroughTheEndpointHandsTheStreamOverAndStartingCompetesAgain() {
		ConfigurableApplicationContext a = start("node-a");
		await().until(() -> received(a).size() >= 5);
		ConfigurableApplicationContext b = start("node-b");
		await().until(() -> "node-a".equals(endpoint(b).get("holder")));

		a.getBean(SseEndpoint.class).control("prices", "stop");
		List<String> byA = received(a);
		await().until(() -> !received(b).isEmpty());
		assertThat(received(b).get(0)).isEqualTo(Long.toString(Long.parseLong(byA.get(byA.size() - 1)) + 1));
		assertThat(received(a)).isEqualTo(byA);
		await().until(() -> "node-b".equals(endpoint(a).get("holder")));
		assertThat(endpoint(a)).containsEntry("role", "STANDBY").containsEntry("state", "CLOSED");

		a.getBean(SseEndpoint.class).control("prices", "start");
		b.getBean(SseEndpoint.class).control("prices", "stop");
		await().until(() -> "ACTIVE".equals(endpoint(a).get("role")) && received(a).size() > byA.size());
	}

	@Test
	void aStreamRunsOnlyOnTheInstancesThatListIt() {
		ConfigurableApplicationContext a = startWithNews("node-a", "sse.client.cluster.streams=prices");
		await().until(() -> received(a).size() >= 5);
		ConfigurableApplicationContext b = startWithNews("node-b");
		await().until(() -> news(b).size() >= 5);

		assertThat(news(a)).isEmpty();
		assertThat(a.getBean(SseEndpoint.class).stream("news")).containsEntry("role", "EXCLUDED").containsEntry("holder", "node-b");
		assertThat(endpoint(b)).containsEntry("role", "STANDBY").containsEntry("holder", "node-a");
	}

	@Test
	void aStreamDefinedDifferentlyOnAnotherInstanceIsNamedInOneWarning(CapturedOutput output) {
		ConfigurableApplicationContext a = start("node-a", "sse.client.streams.quotes.url=" + this.feed.url("/quotes"));
		await().until(() -> received(a).size() >= 5);
		start(this.database, Instance.class, "node-b", "sse.client.streams.prices.url=" + this.feed.url("/prices?v=2"),
				"sse.client.streams.quotes.url=" + this.feed.url("/quotes"));
		await().until(() -> output.getOut().contains("is defined differently"));
		assertThat(output.getOut().lines().filter((line) -> line.contains("is defined differently")))
			.singleElement()
			.satisfies((line) -> assertThat(line).contains("Stream 'prices' is defined differently on node-a than on this "
					+ "instance (node-b)"));
	}

	@Test
	void streamsRegisteredAtRunTimeSpreadOverTheInstancesOneHolderEach() {
		List<ConfigurableApplicationContext> both = List.of(startWithDevices("node-a"), startWithDevices("node-b"));
		for (ConfigurableApplicationContext instance : both) {
			SseStreamRegistry registry = instance.getBean(SseStreamRegistry.class);
			for (int i = 1; i <= 8; i++) {
				registry.register("device-" + i, "device", Map.of("device", String.valueOf(i)));
			}
		}
		// each of the 9 streams (the declared prices and 8 devices) is run by one instance, and the
		// rebalancing evens them out: 4 and 5
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			List<String> activeOnA = activeStreams(both.get(0));
			List<String> activeOnB = activeStreams(both.get(1));
			assertThat(activeOnA.size() + activeOnB.size()).isEqualTo(9);
			assertThat(Math.min(activeOnA.size(), activeOnB.size())).isEqualTo(4);
			assertThat(activeOnA).noneMatch(activeOnB::contains);
		});
		for (int i = 1; i <= 8; i++) {
			String device = "device-" + i;
			await().until(() -> both.stream().anyMatch((instance) -> devices(instance).contains(device)));
		}
	}

	@Test
	void anInstanceThatLosesTheDatabaseStopsTheStreamBeforeAnotherTakesIt() throws Exception {
		PGSimpleDataSource direct = (PGSimpleDataSource) PostgresTestServer.shared().newDatabase();
		try (TcpProxy network = new TcpProxy(direct.getPortNumbers()[0])) {
			DataSource throughNetwork = through(network, direct);
			ConfigurableApplicationContext a = start(throughNetwork, Instance.class, "node-a");
			await().until(() -> received(a).size() >= 5);
			ConfigurableApplicationContext b = start(direct, Instance.class, "node-b");
			await().until(() -> "node-a".equals(endpoint(b).get("holder")));
			Collector byA = a.getBean(Collector.class);
			Collector byB = b.getBean(Collector.class);

			long cutAt = System.nanoTime();
			network.cut();
			await().until(() -> "STANDBY".equals(endpoint(a).get("role")));
			long stoppedMillis = (System.nanoTime() - cutAt) / 1_000_000;
			await().until(() -> !byB.prices.isEmpty());
			long takenMillis = (byB.receivedAt.get(0) - cutAt) / 1_000_000;
			System.out.println("Database lost by the holder (lock-ttl 2 s): stopped after " + stoppedMillis
					+ " ms, taken over after " + takenMillis + " ms");

			assertThat(stoppedMillis).isLessThan(2000);
			assertThat(byA.receivedAt.get(byA.receivedAt.size() - 1)).as("the holder stopped before the successor began")
				.isLessThan(byB.receivedAt.get(0));
			assertThat(Long.parseLong(byB.prices.get(0))).as("nothing skipped")
				.isLessThanOrEqualTo(Long.parseLong(byA.prices.get(byA.prices.size() - 1)) + 1);
		}
	}

	@Test
	void anInstanceWhoseDatabaseHangsStopsTheStreamBeforeItsLockCanExpireAndItsLateSavesAreRefused(
			CapturedOutput output) throws Exception {
		PGSimpleDataSource direct = (PGSimpleDataSource) PostgresTestServer.shared().newDatabase();
		// a session stalled inside a transaction (a lock renewal under way when the network stops)
		// would hold its row locks, and the successor's lock statements wait for them, until the
		// database ends it: as production databases are set to
		new JdbcTemplate(direct).execute("ALTER DATABASE " + direct.getDatabaseName()
				+ " SET idle_in_transaction_session_timeout = '1s'");
		try (TcpProxy network = new TcpProxy(direct.getPortNumbers()[0])) {
			DataSource throughNetwork = through(network, direct);
			// a lock lives 4 s: an overdue holder stops after 3 s, leaving a second for a busy machine
			ConfigurableApplicationContext a = start(throughNetwork, Instance.class, "node-a",
					"sse.client.cluster.heartbeat=200ms", "sse.client.cluster.lock-ttl=4s");
			await().until(() -> received(a).size() >= 5);
			ConfigurableApplicationContext b = start(direct, Instance.class, "node-b", "sse.client.cluster.heartbeat=200ms",
					"sse.client.cluster.lock-ttl=4s");
			await().until(() -> "node-a".equals(endpoint(b).get("holder")));
			Collector byA = a.getBean(Collector.class);
			Collector byB = b.getBean(Collector.class);

			// the holder's renewals now hang rather than fail: nothing tells it the lock is going
			long stalledAt = System.nanoTime();
			network.stall();
			await().until(() -> !a.getBean(SseStreamRegistry.class).getContainer("prices").isRunning());
			long stoppedMillis = (System.nanoTime() - stalledAt) / 1_000_000;
			await().until(() -> !byB.prices.isEmpty());
			long takenMillis = (byB.receivedAt.get(0) - stalledAt) / 1_000_000;
			System.out.println("Database hung for the holder (lock-ttl 4 s): stopped after " + stoppedMillis
					+ " ms, taken over after " + takenMillis + " ms");

			assertThat(stoppedMillis).as("stopped before the lock could expire").isLessThan(4000);
			assertThat(byA.receivedAt.get(byA.receivedAt.size() - 1)).as("the holder stopped before the successor began")
				.isLessThan(byB.receivedAt.get(0));
			assertThat(Long.parseLong(byB.prices.get(0))).as("nothing skipped")
				.isLessThanOrEqualTo(Long.parseLong(byA.prices.get(byA.prices.size() - 1)) + 1);

			// the database answers the former holder again: its checkpoint saves, made under its
			// claim, are refused, and the successor's checkpoint stands
			SseCheckpointStore store = b.getBean(SseCheckpointStore.class);
			long firstOfB = Long.parseLong(byB.prices.get(0));
			await().until(() -> checkpoint(store) > firstOfB + 10);
			long savedByB = checkpoint(store);
			network.resume();
			await().until(() -> output.getOut().contains("not saved: another instance took the stream over"));
			assertThat(checkpoint(store)).as("the successor's checkpoint stands")
				.isGreaterThanOrEqualTo(savedByB);
		}
	}

	@Test
	void locksInRedisHandOverTheSameWay() throws Exception {
		int port;
		try (ServerSocket free = new ServerSocket(0)) {
			port = free.getLocalPort();
		}
		RedisServer redis = new RedisServer(port);
		redis.start();
		try {
			ConfigurableApplicationContext a = start(Map.of("dataSource", this.database, "redisConnectionFactory", redis(port)),
					Instance.class, "node-a", "sse.client.cluster.lock-registry=redis");
			await().until(() -> received(a).size() >= 5);
			ConfigurableApplicationContext b = start(Map.of("dataSource", this.database, "redisConnectionFactory", redis(port)),
					Instance.class, "node-b", "sse.client.cluster.lock-registry=redis");
			await().until(() -> "node-a".equals(endpoint(b).get("holder")));
			assertThat(endpoint(b)).containsEntry("role", "STANDBY");

			Collector byA = a.getBean(Collector.class);
			a.close();
			await().until(() -> !received(b).isEmpty());
			assertThat(received(b).get(0)).isEqualTo(Long.toString(Long.parseLong(byA.prices.get(byA.prices.size() - 1)) + 1));
			assertThat(endpoint(b)).containsEntry("role", "ACTIVE").containsEntry("holder", "node-b");
		}
		finally {
			this.instances.forEach(ConfigurableApplicationContext::close);
			redis.stop();
		}
	}

	@Test
	void anInstanceStartsWhileItsLockStoreIsDownStandsBySayingWhyAndRunsOnceItAnswers() throws Exception {
		int port;
		try (ServerSocket free = new ServerSocket(0)) {
			port = free.getLocalPort();
		}
		ConfigurableApplicationContext a = start(Map.of("dataSource", this.database, "redisConnectionFactory", redis(port)),
				Instance.class, "node-a", "sse.client.cluster.lock-registry=redis");
		await().untilAsserted(() -> assertThat(health(a).getDetails()).containsEntry("role", "STANDBY")
			.hasEntrySatisfying("reason", (reason) -> assertThat(reason.toString()).startsWith("the lock store cannot be reached")));
		assertThat(health(a).getStatus()).isEqualTo(Status.UP);
		assertThat(received(a)).isEmpty();

		RedisServer redis = new RedisServer(port);
		redis.start();
		try {
			await().until(() -> received(a).size() >= 5);
			assertThat(endpoint(a)).containsEntry("role", "ACTIVE").doesNotContainKey("reason");
		}
		finally {
			this.instances.forEach(ConfigurableApplicationContext::close);
			redis.stop();
		}
	}

	private static LettuceConnectionFactory redis(int port) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	private ConfigurableApplicationContext start(String id, String... properties) {
		return start(this.database, Instance.class, id, properties);
	}

	private ConfigurableApplicationContext startWithNews(String id, String... properties) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.add("sse.client.streams.news.url=" + this.feed.url("/news"));
		return start(this.database, WithNews.class, id, all.toArray(String[]::new));
	}

	private ConfigurableApplicationContext start(DataSource database, Class<?> extra, String id, String... properties) {
		return start(Map.of("dataSource", database), extra, id, properties);
	}

	private ConfigurableApplicationContext start(Map<String, Object> singletons, Class<?> extra, String id,
			String... properties) {
		List<String> all = new ArrayList<>(List.of("sse.client.cluster.enabled=true", "sse.client.cluster.instance-id=" + id,
				"sse.client.cluster.lock-ttl=2s", "sse.client.checkpoint.store=jdbc",
				"sse.client.streams.prices.url=" + this.feed.url("/prices"), "management.endpoints.web.exposure.include=sse",
				"spring.main.banner-mode=off"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Instance.class, extra)
			.web(WebApplicationType.NONE)
			.initializers((ConfigurableApplicationContext app) -> singletons.forEach(app.getBeanFactory()::registerSingleton))
			.properties(all.toArray(String[]::new))
			.run();
		this.instances.add(context);
		return context;
	}

	private ConfigurableApplicationContext startWithDevices(String id) {
		return start(this.database, WithDevices.class, id, "sse.client.cluster.rebalance-interval=300ms",
				"sse.client.templates.device.url=" + this.feed.url("/devices/{device}"));
	}

	/** The streams whose role on this instance is active, from the sse endpoint. */
	@SuppressWarnings("unchecked")
	private static List<String> activeStreams(ConfigurableApplicationContext context) {
		Map<String, Object> streams = (Map<String, Object>) context.getBean(SseEndpoint.class).streams().get("streams");
		return streams.entrySet()
			.stream()
			.filter((entry) -> "ACTIVE".equals(((Map<String, Object>) entry.getValue()).get("role")))
			.map(Map.Entry::getKey)
			.toList();
	}

	private static List<String> devices(ConfigurableApplicationContext context) {
		return List.copyOf(context.getBean(DeviceCollector.class).devices);
	}

	private static List<String> received(ConfigurableApplicationContext context) {
		return List.copyOf(context.getBean(Collector.class).prices);
	}

	private static List<String> news(ConfigurableApplicationContext context) {
		return List.copyOf(context.getBean(NewsCollector.class).news);
	}

	/** The same database, reached through {@code network}. */
	private static DataSource through(TcpProxy network, PGSimpleDataSource direct) {
		PGSimpleDataSource throughNetwork = new PGSimpleDataSource();
		throughNetwork.setUrl(direct.getUrl());
		throughNetwork.setPortNumbers(new int[] { network.port() });
		throughNetwork.setUser("postgres");
		return throughNetwork;
	}

	/** The stored checkpoint of {@code prices}, 0 while none is saved (an empty id). */
	private static long checkpoint(SseCheckpointStore store) {
		String id = store.load("prices").orElse("");
		return id.isEmpty() ? 0 : Long.parseLong(id);
	}

	private static Map<String, Object> endpoint(ConfigurableApplicationContext context) {
		return context.getBean(SseEndpoint.class).stream("prices");
	}

	private static Health health(ConfigurableApplicationContext context) {
		return ((HealthIndicator) context.getBean(SseHealthContributor.class).getContributor("prices")).health();
	}

	private static double active(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class).get("sse.client.cluster.active").tag("stream", "prices").gauge().value();
	}

	static DataSource h2() {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL("jdbc:h2:mem:cluster" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
		return dataSource;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SseClientAutoConfiguration.class, SseClusterAutoConfiguration.class,
			SseHealthContributorAutoConfiguration.class, SseEndpointAutoConfiguration.class, SseMetricsAutoConfiguration.class })
	static class Instance {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		Collector collector() {
			return new Collector();
		}

	}

	static class Collector {

		final List<String> prices = new CopyOnWriteArrayList<>();

		final List<Long> receivedAt = new CopyOnWriteArrayList<>();

		@SseListener(stream = "prices")
		void prices(SseEvent event) {
			this.receivedAt.add(System.nanoTime());
			this.prices.add(event.id());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WithNews {

		@Bean
		NewsCollector newsCollector() {
			return new NewsCollector();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WithDevices {

		@Bean
		DeviceCollector deviceCollector() {
			return new DeviceCollector();
		}

	}

	static class DeviceCollector {

		final Set<String> devices = ConcurrentHashMap.newKeySet();

		@SseListener(template = "device")
		void device(SseEvent event) {
			this.devices.add(event.stream());
		}

	}

	static class NewsCollector {

		final List<String> news = new CopyOnWriteArrayList<>();

		@SseListener(stream = "news")
		void news(SseEvent event) {
			this.news.add(event.id());
		}

	}

}
