package dev.sseclient.cluster;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;

import dev.sseclient.autoconfigure.SseClientAutoConfiguration;
import dev.sseclient.autoconfigure.SseClusterAutoConfiguration;
import dev.sseclient.container.InvalidSseConfigurationException;
import dev.sseclient.container.SseStreamCoordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Cluster mode without what it needs fails startup, naming the property and the fix.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClusterConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseClientAutoConfiguration.class, SseClusterAutoConfiguration.class))
		.withPropertyValues("sse.client.defaults.auto-startup=false", "sse.client.streams.prices.url=http://localhost/p");

	private final ApplicationContextRunner withDatabase = this.contextRunner
		.withBean(DataSource.class, ClusterModeTests::h2)
		.withPropertyValues("sse.client.checkpoint.store=jdbc", "sse.client.cluster.enabled=true");

	@Test
	void offByDefault() {
		this.contextRunner.withBean(DataSource.class, ClusterModeTests::h2)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SseStreamCoordinator.class));
	}

	@Test
	void onWithADatabase() {
		this.withDatabase.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(SseStreamCoordinator.class));
	}

	@Test
	void withoutDatabaseOrRedis(CapturedOutput output) {
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--sse.client.cluster.enabled=true",
				"--sse.client.streams.prices.url=http://localhost/p", "--sse.client.defaults.auto-startup=false"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("sse.client.cluster.enabled is true, but no lock registry can be built: there is no single DataSource, "
					+ "and there is no RedisConnectionFactory")
			.contains("Give the application a DataSource (spring.datasource.url) and spring-integration-jdbc");
	}

	@Test
	void withoutSpringIntegration() {
		this.withDatabase.withClassLoader(new FilteredClassLoader("org.springframework.integration"))
			.run(failsWith("sse.client.cluster.enabled", "is true, but Spring Integration is missing"));
	}

	@Test
	void jdbcLocksWithoutSpringIntegrationJdbc() {
		this.withDatabase.withClassLoader(new FilteredClassLoader(JdbcLockRegistry.class))
			.withPropertyValues("sse.client.cluster.lock-registry=jdbc")
			.run(failsWith("sse.client.cluster.lock-registry", "is jdbc, but spring-integration-jdbc is missing"));
	}

	@Test
	void redisLocksWithoutRedis() {
		this.withDatabase.withPropertyValues("sse.client.cluster.lock-registry=redis")
			.run(failsWith("sse.client.cluster.lock-registry", "is redis, but there is no RedisConnectionFactory"));
	}

	@Test
	void checkpointsNotShared() {
		this.withDatabase.withPropertyValues("sse.client.checkpoint.store=memory")
			.run(failsWith("sse.client.checkpoint.store", "is memory, but in cluster mode the instance taking a stream over "
					+ "resumes from the checkpoint store, which must be shared by the instances"));
	}

	@Test
	void lockExpiringBeforeItsRenewal() {
		this.withDatabase.withPropertyValues("sse.client.cluster.lock-ttl=1s", "sse.client.cluster.heartbeat=600ms")
			.run(failsWith("sse.client.cluster.lock-ttl", "(1000 ms) must be at least twice sse.client.cluster.heartbeat (600 ms)"));
	}

	@Test
	void pinnedToAnUndeclaredStream() {
		this.withDatabase.withPropertyValues("sse.client.cluster.streams=prices,news")
			.run(failsWith("sse.client.cluster.streams", "names streams or templates that are not declared: news"));
	}

	@Test
	void pinnedToATemplate() {
		this.withDatabase.withPropertyValues("sse.client.cluster.streams=device", "sse.client.templates.device.url=http://localhost/{id}")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void noSlots() {
		this.withDatabase.withPropertyValues("sse.client.cluster.slots=0")
			.run(failsWith("sse.client.cluster.slots", "(0) must be between 1 and 4096"));
	}

	@Test
	void instanceIdTooLong() {
		this.withDatabase.withPropertyValues("sse.client.cluster.instance-id=" + "x".repeat(37))
			.run(failsWith("sse.client.cluster.instance-id", "is longer than 36 characters"));
	}

	@Test
	void lockTablePrefixNotAName() {
		this.withDatabase.withPropertyValues("sse.client.cluster.jdbc.table-prefix=x; DROP TABLE y; --")
			.run(failsWith("sse.client.cluster.jdbc.table-prefix", "does not make a plain table name"));
	}

	private static ContextConsumer<AssertableApplicationContext> failsWith(String property, String problem) {
		return (context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			while (failure != null && !(failure instanceof InvalidSseConfigurationException)) {
				failure = failure.getCause();
			}
			assertThat(failure).isInstanceOf(InvalidSseConfigurationException.class);
			InvalidSseConfigurationException invalid = (InvalidSseConfigurationException) failure;
			assertThat(invalid.getSource()).isEqualTo(property);
			assertThat(invalid.getProblem()).contains(problem);
			assertThat(invalid.getAction()).isNotBlank();
		};
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SseClientAutoConfiguration.class, SseClusterAutoConfiguration.class })
	static class App {

	}

}
