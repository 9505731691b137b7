package dev.sseclient.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import dev.sseclient.container.ListenerThread;
import dev.sseclient.container.OverflowPolicy;

/**
 * Configuration of declared streams: {@code sse.client.defaults} apply to every stream, and
 * each stream under {@code sse.client.streams.<name>} overrides only what it sets.
 */
@ConfigurationProperties("sse.client")
public class SseClientProperties {

	/**
	 * Whether to auto-configure sse-client at all.
	 */
	private boolean enabled = true;

	/**
	 * Settings every stream inherits unless it sets its own.
	 */
	private Stream defaults = new Stream();

	/**
	 * Listener dispatch settings.
	 */
	private final Listener listener = new Listener();

	private final Http2 http2 = new Http2();

	/**
	 * Event loop threads of the starter's own to read the streams, instead of Reactor Netty's
	 * shared ones (which a WebFlux server's requests also use). More than the cores reads each
	 * event sooner after its write when thousands of streams get one at once, but takes no less
	 * CPU: the whole burst reaches the listeners no sooner.
	 */
	private @Nullable Integer ioThreads;

	/**
	 * How stream states map to health.
	 */
	private final Health health = new Health();

	/**
	 * Where the last processed event id of each stream is kept.
	 */
	private final Checkpoint checkpoint = new Checkpoint();

	/**
	 * Several instances sharing the streams: each stream runs on one of them at a time.
	 */
	private final Cluster cluster = new Cluster();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Integer getIoThreads() {
		return this.ioThreads;
	}

	public void setIoThreads(@Nullable Integer ioThreads) {
		this.ioThreads = ioThreads;
	}

	public Stream getDefaults() {
		return this.defaults;
	}

	public void setDefaults(Stream defaults) {
		this.defaults = defaults;
	}

	public Listener getListener() {
		return this.listener;
	}

	public Http2 getHttp2() {
		return this.http2;
	}

	public Health getHealth() {
		return this.health;
	}

	public Checkpoint getCheckpoint() {
		return this.checkpoint;
	}

	public Cluster getCluster() {
		return this.cluster;
	}

	/**
	 * One stream, or the defaults of all streams.
	 */
	public static class Stream {

		/**
		 * URL of the event stream, http or https.
		 */
		private @Nullable String url;

		/**
		 * HTTP method of the request.
		 */
		private String method = "GET";

		/**
		 * Headers sent with every attempt; values may use placeholders such as ${TOKEN}.
		 */
		private Map<String, String> headers = new LinkedHashMap<>();

		/**
		 * Names of further headers that carry credentials: never sent to another origin after a
		 * redirect. Authorization, Proxy-Authorization, Cookie and names that look like
		 * credentials (containing auth, key, token, secret, password, session...) always are.
		 */
		private Set<String> sensitiveHeaders = new LinkedHashSet<>();

		/**
		 * Request body sent with every attempt (JSON unless a Content-Type header says otherwise).
		 */
		private @Nullable String body;

		/**
		 * Last-event-ID to resume from on the first connection.
		 */
		private String lastEventId = "";

		/**
		 * Event data that ends the stream normally, such as [DONE] (not delivered). Makes the
		 * stream finite: a response that ends without it fails the stream instead of being
		 * re-sent.
		 */
		private @Nullable String completeOn;

		/**
		 * Event type that ends the stream normally, such as message_stop (delivered, then the
		 * stream completes). Makes the stream finite, like complete-on.
		 */
		private @Nullable String completeOnEvent;

		/**
		 * Whether a finite stream whose response ended before completing sends its request again
		 * (with Last-Event-ID) instead of failing; each send may be a new, paid answer.
		 */
		private boolean resendIncomplete;

		/**
		 * Whether the stream starts with the application.
		 */
		private boolean autoStartup = true;

		/**
		 * Time allowed until the response status arrived, redirects included.
		 */
		private Duration connectTimeout = Duration.ofSeconds(10);

		/**
		 * Silence allowed on an open stream (comments count as activity) before reconnecting; 0
		 * for none.
		 */
		private Duration idleTimeout = Duration.ofMinutes(5);

		/**
		 * Largest event (and line) accepted; larger drops the connection and reconnects.
		 */
		private DataSize maxEventSize = DataSize.ofMegabytes(1);

		/**
		 * Events buffered between the connection and the listeners; when full, reading from the
		 * socket pauses (the rest of the network read that filled it is kept as well).
		 */
		private int bufferSize = 256;

		/**
		 * What happens when the listeners fall behind and the buffer is full: block (reading
		 * pauses), drop-oldest, drop-latest, or fail (reconnect from the last processed event).
		 */
		private OverflowPolicy overflow = OverflowPolicy.BLOCK;

		/**
		 * Which thread calls the stream's listeners: pool (the listener pool; a listener may
		 * block) or connection (the thread that reads the stream: no hand-off and the lowest
		 * latency, for listeners that never block; a blocking one holds up every stream read by
		 * that thread).
		 */
		private ListenerThread listenerThread = ListenerThread.POOL;

		/**
		 * Name of a Spring Boot SSL bundle (spring.ssl.bundle.*) whose trust material and keys
		 * the stream's TLS connections use.
		 */
		private @Nullable String sslBundle;

		/**
		 * Protocols the stream may speak: h2 is HTTP/2 over TLS, negotiated with ALPN; http11
		 * is HTTP/1.1, the fallback when the server does not offer h2; h2c is HTTP/2 over
		 * cleartext, alone with prior knowledge, or with http11 as an upgrade. HTTP/2 streams to
		 * one origin share connections (sse.client.http2.*).
		 */
		private List<Protocol> protocols = new ArrayList<>(List.of(Protocol.H2, Protocol.HTTP11));

		/**
		 * HTTP proxy the stream connects through.
		 */
		private final Proxy proxy = new Proxy();

		/**
		 * Streams registered at run time (from this template; set under defaults, from bare
		 * requests): tag their meters with each stream's own name rather than the template's
		 * (registered for bare requests), at most 1,000 streams of a template; past that, by
		 * the template. Declared streams always have meters of their own.
		 */
		private boolean perStreamMeters;

		public boolean isPerStreamMeters() {
			return this.perStreamMeters;
		}

		public void setPerStreamMeters(boolean perStreamMeters) {
			this.perStreamMeters = perStreamMeters;
		}

		/**
		 * Reconnection after the connection is lost.
		 */
		private final Reconnect reconnect = new Reconnect();

		public @Nullable String getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable String url) {
			this.url = url;
		}

		public String getMethod() {
			return this.method;
		}

		public void setMethod(String method) {
			this.method = method;
		}

		public Map<String, String> getHeaders() {
			return this.headers;
		}

		public void setHeaders(Map<String, String> headers) {
			this.headers = headers;
		}

		public Set<String> getSensitiveHeaders() {
			return this.sensitiveHeaders;
		}

		public void setSensitiveHeaders(Set<String> sensitiveHeaders) {
			this.sensitiveHeaders = sensitiveHeaders;
		}

		public @Nullable String getBody() {
			return this.body;
		}

		public void setBody(@Nullable String body) {
			this.body = body;
		}

		public String getLastEventId() {
			return this.lastEventId;
		}

		public void setLastEventId(String lastEventId) {
			this.lastEventId = lastEventId;
		}

		public @Nullable String getCompleteOn() {
			return this.completeOn;
		}

		public void setCompleteOn(@Nullable String completeOn) {
			this.completeOn = completeOn;
		}

		public @Nullable String getCompleteOnEvent() {
			return this.completeOnEvent;
		}

		public void setCompleteOnEvent(@Nullable String completeOnEvent) {
			this.completeOnEvent = completeOnEvent;
		}

		public boolean isResendIncomplete() {
			return this.resendIncomplete;
		}

		public void setResendIncomplete(boolean resendIncomplete) {
			this.resendIncomplete = resendIncomplete;
		}

		public boolean isAutoStartup() {
			return this.autoStartup;
		}

		public void setAutoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public DataSize getMaxEventSize() {
			return this.maxEventSize;
		}

		public void setMaxEventSize(DataSize maxEventSize) {
			this.maxEventSize = maxEventSize;
		}

		public int getBufferSize() {
			return this.bufferSize;
		}

		public void setBufferSize(int bufferSize) {
			this.bufferSize = bufferSize;
		}

		public @Nullable String getSslBundle() {
			return this.sslBundle;
		}

		public void setSslBundle(@Nullable String sslBundle) {
			this.sslBundle = sslBundle;
		}

		public Proxy getProxy() {
			return this.proxy;
		}

		public List<Protocol> getProtocols() {
			return this.protocols;
		}

		public void setProtocols(List<Protocol> protocols) {
			this.protocols = protocols;
		}

		public OverflowPolicy getOverflow() {
			return this.overflow;
		}

		public void setOverflow(OverflowPolicy overflow) {
			this.overflow = overflow;
		}

		public ListenerThread getListenerThread() {
			return this.listenerThread;
		}

		public void setListenerThread(ListenerThread listenerThread) {
			this.listenerThread = listenerThread;
		}

		public Reconnect getReconnect() {
			return this.reconnect;
		}

	}

	/**
	 * A protocol a stream may speak.
	 */
	public enum Protocol {

		/** HTTP/1.1. */
		HTTP11,

		/** HTTP/2 over TLS, negotiated with ALPN. */
		H2,

		/** HTTP/2 over cleartext. */
		H2C

	}

	/**
	 * Connections of HTTP/2 streams, shared per origin.
	 */
	public static class Http2 {

		/**
		 * Most connections to one origin (scheme, host and port) for streams that may speak
		 * HTTP/2. A new one opens when every open one carries as many streams as it may; a stream
		 * that fell back to HTTP/1.1 uses one of its own.
		 */
		private int maxConnections = 500;

		/**
		 * Most streams on one HTTP/2 connection; 0 for as many as the server's
		 * SETTINGS_MAX_CONCURRENT_STREAMS allows (a lower server value always applies).
		 */
		private int maxConcurrentStreams = 0;

		public int getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
		}

		public int getMaxConcurrentStreams() {
			return this.maxConcurrentStreams;
		}

		public void setMaxConcurrentStreams(int maxConcurrentStreams) {
			this.maxConcurrentStreams = maxConcurrentStreams;
		}

	}

	/**
	 * An HTTP proxy (tunnelling with CONNECT).
	 */
	public static class Proxy {

		/**
		 * Proxy host; no proxy when unset.
		 */
		private @Nullable String host;

		/**
		 * Proxy port.
		 */
		private int port = 8080;

		/**
		 * User name for proxy authentication.
		 */
		private @Nullable String username;

		/**
		 * Password for proxy authentication.
		 */
		private @Nullable String password;

		public @Nullable String getHost() {
			return this.host;
		}

		public void setHost(@Nullable String host) {
			this.host = host;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

	}

	/**
	 * Reconnection: the delay grows from the initial delay by the multiplier per failure in a
	 * row, up to the max delay, shortened by a random fraction up to the jitter.
	 */
	public static class Reconnect {

		/**
		 * Whether to reconnect at all; when off, the end of the response ends the stream.
		 */
		private boolean enabled = true;

		/**
		 * Delay before the first reconnect; the server's retry field replaces it.
		 */
		private Duration initialDelay = Duration.ofSeconds(1);

		/**
		 * Cap of the delay's growth.
		 */
		private Duration maxDelay = Duration.ofSeconds(30);

		/**
		 * Growth of the delay per failure in a row, at least 1.
		 */
		private double multiplier = 2.0;

		/**
		 * Largest random reduction of a delay, as a fraction from 0 to 1.
		 */
		private double jitter = 0.5;

		/**
		 * How long a connection without events must stay open to reset the failure count.
		 */
		private Duration resetAfter = Duration.ofSeconds(60);

		/**
		 * Attempts in a row without progress before the stream fails; -1 for no limit on a
		 * long-lived stream and 3 on a finite one (complete-on or complete-on-event). Progress is
		 * an event or a stable connection; for a finite stream, only its completion.
		 */
		private int maxAttempts = -1;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

		public Duration getResetAfter() {
			return this.resetAfter;
		}

		public void setResetAfter(Duration resetAfter) {
			this.resetAfter = resetAfter;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

	}

	/**
	 * How listener methods are called.
	 */
	public static class Listener {

		/**
		 * Most threads calling listener methods at once, over all streams. Each stream uses at
		 * most one at a time, so a blocked listener holds up only its own stream.
		 */
		private int maxThreads = 64;

		/**
		 * How long shutdown waits for listener calls in flight.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(10);

		/**
		 * Bean name of a java.util.concurrent.Executor to call listener methods on instead of the
		 * starter's pool (max-threads then does not apply). Each stream still has one call at a
		 * time, in order. Unset: virtual threads when spring.threads.virtual.enabled is true on
		 * Java 21 or later, otherwise the starter's pool.
		 */
		private @Nullable String executor;

		/**
		 * Most events in one call of a batch listener (@SseListener(batch = true)) that does not
		 * set its own maxBatchSize.
		 */
		private int maxBatchSize = 100;

		/**
		 * Whether each listener call is an Observation (a span and trace context inside the
		 * method, a long-task timer) rather than a sample of a timer made once per listener and
		 * outcome. Costs an object graph per call; @SseListener(observation = ...) overrides it.
		 */
		private boolean observationEnabled;

		public boolean isObservationEnabled() {
			return this.observationEnabled;
		}

		public void setObservationEnabled(boolean observationEnabled) {
			this.observationEnabled = observationEnabled;
		}

		public int getMaxBatchSize() {
			return this.maxBatchSize;
		}

		public void setMaxBatchSize(int maxBatchSize) {
			this.maxBatchSize = maxBatchSize;
		}

		public @Nullable String getExecutor() {
			return this.executor;
		}

		public void setExecutor(@Nullable String executor) {
			this.executor = executor;
		}

		public int getMaxThreads() {
			return this.maxThreads;
		}

		public void setMaxThreads(int maxThreads) {
			this.maxThreads = maxThreads;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

	}

	/**
	 * Health of streams.
	 */
	public static class Health {

		/**
		 * How long a stream may be connecting or reconnecting and still count as UP.
		 */
		private Duration gracePeriod = Duration.ofSeconds(30);

		/**
		 * Health status of a stream that completed normally (204 or complete-on).
		 */
		private String completedStatus = "UP";

		/**
		 * Health status of a stream stopped on purpose (through the registry or the endpoint)
		 * or not started (auto-startup false); UP keeps an operator's choice from taking the
		 * instance out of service, OUT_OF_SERVICE makes it count.
		 */
		private String stoppedStatus = "UP";

		/**
		 * Most names of streams that are down listed in the health of a template's streams.
		 */
		private int maxListed = 10;

		public int getMaxListed() {
			return this.maxListed;
		}

		public void setMaxListed(int maxListed) {
			this.maxListed = maxListed;
		}

		public String getStoppedStatus() {
			return this.stoppedStatus;
		}

		public void setStoppedStatus(String stoppedStatus) {
			this.stoppedStatus = stoppedStatus;
		}

		public Duration getGracePeriod() {
			return this.gracePeriod;
		}

		public void setGracePeriod(Duration gracePeriod) {
			this.gracePeriod = gracePeriod;
		}

		public String getCompletedStatus() {
			return this.completedStatus;
		}

		public void setCompletedStatus(String completedStatus) {
			this.completedStatus = completedStatus;
		}

	}

	/**
	 * Checkpoints: the id of the last event every listener got through, saved in batches and
	 * used as the first Last-Event-ID after a restart.
	 */
	public static class Checkpoint {

		/**
		 * Store kind: memory (lost on restart), file (one small file per stream, atomic replace)
		 * or jdbc (a table in the application's DataSource).
		 */
		private Store store = Store.MEMORY;

		/**
		 * Directory of the file store.
		 */
		private String directory = "sse-checkpoints";

		/**
		 * Table of the jdbc store, created if missing.
		 */
		private String table = "sse_checkpoint";

		/**
		 * Save a stream's checkpoint after this many of its processed events.
		 */
		private int batchSize = 100;

		/**
		 * Save at least this often while events are processed.
		 */
		private Duration interval = Duration.ofSeconds(1);

		public Store getStore() {
			return this.store;
		}

		public void setStore(Store store) {
			this.store = store;
		}

		public String getDirectory() {
			return this.directory;
		}

		public void setDirectory(String directory) {
			this.directory = directory;
		}

		public String getTable() {
			return this.table;
		}

		public void setTable(String table) {
			this.table = table;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		/** Kinds of checkpoint store. */
		public enum Store {

			/** In memory: survives stream restarts, not application restarts. */
			MEMORY,
			/** Files in a directory: survives application restarts and crashes. */
			FILE,
			/** A table in the application's DataSource: shared by every instance. */
			JDBC

		}

	}

	/**
	 * Cluster mode: every stream is guarded by its own lock in a Spring Integration lock
	 * registry; the instance holding it connects, the others stand by.
	 */
	public static class Cluster {

		/**
		 * Whether each stream runs on only one of the instances sharing the lock registry.
		 */
		private boolean enabled;

		/**
		 * Where the locks live: auto (jdbc when there is a DataSource, else redis), jdbc (a
		 * table in the application's DataSource) or redis (the application's Redis).
		 */
		private LockStore lockRegistry = LockStore.AUTO;

		/**
		 * This instance's name in the lock registry, shown as a stream's holder; at most 36
		 * characters. Defaults to the host name and process id.
		 */
		private String instanceId = "";

		/**
		 * How long a lock outlives its holder's last renewal: the take-over time after a
		 * holder dies or loses the lock registry.
		 */
		private Duration lockTtl = Duration.ofSeconds(10);

		/**
		 * How often the holder renews its locks; well under lock-ttl.
		 */
		private Duration heartbeat = Duration.ofMillis(500);

		/**
		 * How often an instance reads who holds which lock (one query) and tries the free
		 * locks that are its to take.
		 */
		private Duration pollInterval = Duration.ofMillis(100);

		/**
		 * How often an instance running more than its fair share of the streams gives up locks
		 * to the least busy instances, as many as it takes to even them out; 0 to leave streams
		 * where they are.
		 */
		private Duration rebalanceInterval = Duration.ofSeconds(5);

		/**
		 * Locks guarding the streams registered at run time, per template (and as many for
		 * streams registered from a bare request): a stream's name hashes to one of them. Lock
		 * traffic grows with this number, not with the streams.
		 */
		private int slots = 64;

		/**
		 * Declared streams and templates this instance may run; empty for all. Pins a stream, or
		 * every stream of a template, to the instances that list it.
		 */
		private Set<String> streams = new LinkedHashSet<>();

		private final Jdbc jdbc = new Jdbc();

		private final Redis redis = new Redis();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public LockStore getLockRegistry() {
			return this.lockRegistry;
		}

		public void setLockRegistry(LockStore lockRegistry) {
			this.lockRegistry = lockRegistry;
		}

		public String getInstanceId() {
			return this.instanceId;
		}

		public void setInstanceId(String instanceId) {
			this.instanceId = instanceId;
		}

		public Duration getLockTtl() {
			return this.lockTtl;
		}

		public void setLockTtl(Duration lockTtl) {
			this.lockTtl = lockTtl;
		}

		public Duration getHeartbeat() {
			return this.heartbeat;
		}

		public void setHeartbeat(Duration heartbeat) {
			this.heartbeat = heartbeat;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getRebalanceInterval() {
			return this.rebalanceInterval;
		}

		public void setRebalanceInterval(Duration rebalanceInterval) {
			this.rebalanceInterval = rebalanceInterval;
		}

		public int getSlots() {
			return this.slots;
		}

		public void setSlots(int slots) {
			this.slots = slots;
		}

		public Set<String> getStreams() {
			return this.streams;
		}

		public void setStreams(Set<String> streams) {
			this.streams = streams;
		}

		public Jdbc getJdbc() {
			return this.jdbc;
		}

		public Redis getRedis() {
			return this.redis;
		}

		/** Where the locks live. */
		public enum LockStore {

			/** JDBC when the application has a DataSource, else Redis. */
			AUTO,
			/** A table in the application's DataSource. */
			JDBC,
			/** The application's Redis. */
			REDIS

		}

		/**
		 * The JDBC lock registry.
		 */
		public static class Jdbc {

			/**
			 * Prefix of the lock table's name (Spring Integration's {@code <prefix>LOCK}).
			 */
			private String tablePrefix = "INT_";

			/**
			 * Region of this application's locks in the table, so several applications may
			 * share it.
			 */
			private String region = "sse-client";

			/**
			 * Whether to create the lock table if it is missing.
			 */
			private boolean initializeSchema = true;

			public String getTablePrefix() {
				return this.tablePrefix;
			}

			public void setTablePrefix(String tablePrefix) {
				this.tablePrefix = tablePrefix;
			}

			public String getRegion() {
				return this.region;
			}

			public void setRegion(String region) {
				this.region = region;
			}

			public boolean isInitializeSchema() {
				return this.initializeSchema;
			}

			public void setInitializeSchema(boolean initializeSchema) {
				this.initializeSchema = initializeSchema;
			}

		}

		/**
		 * The Redis lock registry.
		 */
		public static class Redis {

			/**
			 * Prefix of the lock keys.
			 */
			private String registryKey = "sse-client";

			public String getRegistryKey() {
				return this.registryKey;
			}

			public void setRegistryKey(String registryKey) {
				this.registryKey = registryKey;
			}

		}

	}

}
