package dev.sseclient.container;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinPool.ForkJoinWorkerThreadFactory;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationStartupAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.core.metrics.StartupStep;

import dev.sseclient.checkpoint.CheckpointWriter;
import dev.sseclient.core.SseRequest;
import dev.sseclient.listener.ListenerMethodAdapter;
import dev.sseclient.listener.ListenerInstrumentation;
import dev.sseclient.listener.SseListenerEndpoint;
import dev.sseclient.listener.SseListenerErrorHandler;

/**
 * Owns the containers of all declared streams, as spring-kafka's listener endpoint registry
 * does: starts those with {@code auto-startup} once the application context is refreshed (after
 * the web server, so an application may follow its own feeds), stops them gracefully on close,
 * and lets code list streams and start, stop or restart one by name. While it runs with at least
 * one declared stream, a non-daemon thread keeps the JVM up, so an application without a web
 * server keeps following its feeds until it is closed.
 *
 * <p>Stream definitions are bound when the registry starts, so a stream URL may use properties
 * known only then, such as {@code ${local.server.port}}. A listener naming an undeclared stream
 * fails startup.
 *
 * <p>With a {@link SseStreamCoordinator} (cluster mode) a stream is not started but joined: it
 * runs while this instance holds it, resuming from the shared checkpoint. Stopping a stream
 * through the registry then hands it to another instance, and starting it competes again.
 */
public class SseStreamRegistry implements SmartLifecycle, DisposableBean, BeanClassLoaderAware, ApplicationStartupAware {

	private static final Log logger = LogFactory.getLog(SseStreamRegistry.class);

	/** The id of listeners given with {@link #register(String, SseRequest, SseEventListener)}. */
	public static final String REGISTERED_LISTENER = "registered";

	/** After the web server starts, before it stops. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 100;

	private final Supplier<Map<String, StreamDefinition>> definitions;

	private final Supplier<List<SseListenerEndpoint>> endpoints;

	private final SseListenerErrorHandler errorHandler;

	private final ApplicationEventPublisher eventPublisher;

	private final Supplier<List<SseStreamObserver>> observers;

	private final ListenerInstrumentation instrumentation;

	private final CheckpointWriter checkpoints;

	private final int maxThreads;

	private final Duration shutdownTimeout;

	private final @Nullable SseStreamCoordinator coordinator;

	private final Map<String, SseStreamContainer> containers = new LinkedHashMap<>();

	private final RuntimeStreams runtimeStreams;

	private @Nullable List<SseListenerEndpoint> listeners;

	private @Nullable List<SseStreamObserver> streamObservers;

	private @Nullable Scheduler scheduler;

	private boolean declaredCreated;

	private final Set<String> declaredNames = ConcurrentHashMap.newKeySet();

	private final SseStreamControl control = new Control();

	/** Most streams of one template (or of bare requests) with meters of their own. */
	static final int PER_STREAM_METERS_LIMIT = 1000;

	/** Streams registered at run time with meters of their own, per template; under the lock. */
	private final Map<String, Integer> perStreamMeters = new HashMap<>();

	private final Set<String> perStreamMetersWarned = new HashSet<>();

	private final KeepAlive keepAlive = new KeepAlive();

	private @Nullable ExecutorService executor;

	private @Nullable Executor listenerExecutor;

	private Supplier<List<SseStreamListenerFactory>> listenerFactories = List::of;

	/** The factories' list, read once at start with the discovered listeners. */
	private @Nullable List<SseStreamListenerFactory> streamListenerFactories;

	private @Nullable ClassLoader classLoader;

	private ApplicationStartup applicationStartup = ApplicationStartup.DEFAULT;

	private volatile boolean running;

	/**
	 * @param definitions binds the declared streams, called once at start
	 * @param endpoints the discovered listeners, read once at start
	 * @param errorHandler decides after a listener failure
	 * @param eventPublisher publishes {@link SseStreamEvent}s
	 * @param observers see every stream's signals and events, read once at start
	 * @param instrumentation measures each listener call (timers, or observations where opted in)
	 * @param checkpoints saves, batched, the last event every listener got through
	 * @param maxThreads most listener calls running at once, over all streams
	 * @param shutdownTimeout how long stopping waits for listener calls in flight
	 * @param coordinator decides which instance runs each stream, {@code null} outside cluster mode
	 * @param runtimeStreams makes the definition of a stream registered at run time
	 */
	public SseStreamRegistry(Supplier<Map<String, StreamDefinition>> definitions,
			Supplier<List<SseListenerEndpoint>> endpoints, SseListenerErrorHandler errorHandler,
			ApplicationEventPublisher eventPublisher, Supplier<List<SseStreamObserver>> observers,
			ListenerInstrumentation instrumentation, CheckpointWriter checkpoints, int maxThreads, Duration shutdownTimeout,
			@Nullable SseStreamCoordinator coordinator, RuntimeStreams runtimeStreams) {
		this.runtimeStreams = runtimeStreams;
		this.coordinator = coordinator;
		this.checkpoints = checkpoints;
		this.eventPublisher = eventPublisher;
		this.observers = observers;
		this.instrumentation = instrumentation;
		this.definitions = definitions;
		this.endpoints = endpoints;
		this.errorHandler = errorHandler;
		this.maxThreads = maxThreads;
		this.shutdownTimeout = shutdownTimeout;
	}

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	/**
	 * Calls listener methods on {@code executor} (a virtual-thread executor, or one of the
	 * application's) instead of the registry's own pool; set before the registry starts. Each
	 * stream still has one call at a time, in order. The registry does not shut it down.
	 */
	public void setListenerExecutor(@Nullable Executor executor) {
		this.listenerExecutor = executor;
	}

	/** Makers of listeners that belong to one stream, read once at start. */
	public void setListenerFactories(Supplier<List<SseStreamListenerFactory>> listenerFactories) {
		this.listenerFactories = listenerFactories;
	}

	/** Records the registry's startup steps (binding, containers, starting) beside Spring's own. */
	@Override
	public void setApplicationStartup(ApplicationStartup applicationStartup) {
		this.applicationStartup = applicationStartup;
	}

	/** The names of the declared streams, in declaration order. */
	public synchronized Set<String> getStreamNames() {
		return Collections.unmodifiableSet(new LinkedHashSet<>(this.containers.keySet()));
	}

	/** All containers, in declaration order. */
	public synchronized Collection<SseStreamContainer> getContainers() {
		return List.copyOf(this.containers.values());
	}

	/** The container of a stream, or {@code null} if no such stream is declared. */
	public synchronized @Nullable SseStreamContainer getContainer(String name) {
		return this.containers.get(name);
	}

	/** Whether the stream is declared under {@code sse.client.streams}, rather than registered at run time. */
	public boolean isDeclared(String name) {
		return this.declaredNames.contains(name);
	}

	/**
	 * Start a stream; in cluster mode, compete for it again.
	 * @throws IllegalArgumentException for an unknown name
	 */
	public void start(String name) {
		run(container(name));
	}

	/**
	 * Stop a stream gracefully; in cluster mode, hand it to another instance.
	 * @throws IllegalArgumentException for an unknown name
	 */
	public void stop(String name) {
		SseStreamContainer container = container(name);
		container.stopByOperator(this.shutdownTimeout);
		this.checkpoints.flush();
		if (this.coordinator != null) {
			this.coordinator.leave(name);
		}
	}

	/**
	 * Reconnect a running stream at once, or start a stopped one (in cluster mode: compete).
	 * @throws IllegalArgumentException for an unknown name
	 */
	public void restart(String name) {
		SseStreamContainer container = container(name);
		if (this.coordinator == null || container.isRunning()) {
			container.restart();
		}
		else {
			run(container);
		}
	}

	private void run(SseStreamContainer container) {
		SseStreamCoordinator coordinator = this.coordinator;
		if (coordinator == null) {
			container.start();
			return;
		}
		CoordinatedStream stream = this.declaredNames.contains(container.getName())
				? CoordinatedStream.declared(container.getName())
				: CoordinatedStream.registered(container.getName(), container.getDefinition().template());
		if (coordinator.isCandidate(stream)) {
			container.roleChanged(StreamRole.Role.STANDBY);
			coordinator.join(stream, this.control);
		}
	}

	/** Starts and stops the streams the coordinator gives this instance or takes from it, several at a time. */
	private final class Control implements SseStreamControl {

		@Override
		public Set<String> start(Collection<String> streams) {
			Map<String, SseStreamContainer> known = known(streams);
			Map<String, String> resumeFromIfNone = new HashMap<>();
			known.forEach((name, container) -> resumeFromIfNone.put(name, container.lastProcessedId()));
			Map<String, String> resumeFrom;
			try {
				// from here on a former holder's late checkpoint saves are refused
				resumeFrom = SseStreamRegistry.this.checkpoints.claim(resumeFromIfNone);
			}
			catch (RuntimeException ex) {
				logger.warn("Could not claim " + streams.size() + " stream(s) in the checkpoint store (" + ex
						+ "); trying again later");
				return Set.copyOf(streams);
			}
			Set<String> failed = new HashSet<>();
			known.forEach((name, container) -> {
				try {
					container.startAt(resumeFrom.getOrDefault(name, resumeFromIfNone.get(name)));
					container.roleChanged(StreamRole.Role.ACTIVE);
				}
				catch (RuntimeException ex) {
					logger.warn("Stream '" + name + "': could not start; trying again later", ex);
					failed.add(name);
				}
			});
			return failed;
		}

		@Override
		public void stop(Collection<String> streams) {
			Map<String, SseStreamContainer> known = known(streams);
			known.values().forEach((container) -> container.stop(SseStreamRegistry.this.shutdownTimeout));
			SseStreamRegistry.this.checkpoints.flush(known.keySet());
			known.values().forEach((container) -> container.roleChanged(StreamRole.Role.STANDBY));
		}

		private Map<String, SseStreamContainer> known(Collection<String> streams) {
			Map<String, SseStreamContainer> known = new LinkedHashMap<>();
			for (String name : streams) {
				SseStreamContainer container = getContainer(name);
				if (container != null) {
					known.put(name, container);
				}
			}
			return known;
		}

	}

	/**
	 * Registers a stream at run time (a stream per device, per customer, per symbol) and starts
	 * it when the registry runs. It gets what a declared stream has: the defaults of
	 * {@code sse.client.defaults} for its buffer and overflow policy, the request customizers
	 * that apply to its name, the listeners whose {@code stream} pattern matches it, health,
	 * meters, checkpoints (it resumes from its stored one), the {@code sse} endpoint,
	 * application events and, in cluster mode, its own lock.
	 * @param name the stream's name, unique in the registry
	 * @param request what to follow; its name is replaced by {@code name}
	 * @return the stream's container
	 * @throws IllegalArgumentException when a stream of that name exists
	 */
	public SseStreamContainer register(String name, SseRequest request) {
		return register(name, () -> this.runtimeStreams.define(name, request), null);
	}

	/**
	 * As {@link #register(String, SseRequest)}, with a listener of its own beside the
	 * {@code @SseListener} methods that match the stream.
	 * <pre>{@code
	 * registry.register("order-" + id, request, (event) -> tracker.update(id, event.data()));
	 * }</pre>
	 */
	public SseStreamContainer register(String name, SseRequest request, SseEventListener listener) {
		return register(name, () -> this.runtimeStreams.define(name, request), listener);
	}

	/**
	 * Registers a stream at run time from a template under {@code sse.client.templates}: its
	 * settings, with each {@code {parameter}} in the url (URL-encoded), headers and body replaced;
	 * otherwise as {@link #register(String, SseRequest)}, except that a template with
	 * {@code auto-startup: false} makes streams that wait for {@link #start(String)}.
	 * <pre>{@code
	 * registry.register("device-42", "device", Map.of("device", "42"));
	 * }</pre>
	 * @throws IllegalArgumentException when a stream of that name exists, the template is
	 * unknown, or a parameter is missing or unknown to the template
	 */
	public SseStreamContainer register(String name, String template, Map<String, String> parameters) {
		return register(name, () -> this.runtimeStreams.define(name, template, parameters), null);
	}

	/**
	 * As {@link #register(String, String, Map)}, with a listener of its own beside the
	 * {@code @SseListener} methods that match the stream.
	 */
	public SseStreamContainer register(String name, String template, Map<String, String> parameters,
			SseEventListener listener) {
		return register(name, () -> this.runtimeStreams.define(name, template, parameters), listener);
	}

	private SseStreamContainer register(String name, Supplier<StreamDefinition> definition,
			@Nullable SseEventListener listener) {
		if (name.isBlank()) {
			throw new IllegalArgumentException("A stream needs a name");
		}
		SseStreamContainer container;
		synchronized (this) {
			if (this.containers.containsKey(name)) {
				throw new IllegalArgumentException("A stream named '" + name + "' is already registered");
			}
			prepare();
			StreamDefinition made = limitPerStreamMeters(definition.get());
			List<SseListenerEndpoint> listeners = listenersOf(made);
			if (listener != null) {
				// one id for every such listener: the listener tag of meters stays bounded
				listeners = Stream.concat(listeners.stream(), Stream.of(new SseListenerEndpoint(REGISTERED_LISTENER,
						name, Set.of(), ListenerMethodAdapter.of(listener)))).toList();
			}
			container = newContainer(made, listeners);
			this.containers.put(name, container);
			if (!this.running) {
				return container;
			}
			this.keepAlive.start();
		}
		if (container.getDefinition().autoStartup()) {
			run(container);
		}
		return container;
	}

	/**
	 * Meters per stream for streams registered at run time, at most
	 * {@value #PER_STREAM_METERS_LIMIT} per template (or for bare requests): past that, shared by
	 * the template's streams, and one WARN says so. Must hold the lock.
	 */
	private StreamDefinition limitPerStreamMeters(StreamDefinition made) {
		if (made.meterGroup() != null) {
			return made;
		}
		String group = meterGroupOf(made);
		int count = this.perStreamMeters.getOrDefault(group, 0);
		if (count < PER_STREAM_METERS_LIMIT) {
			this.perStreamMeters.put(group, count + 1);
			return made;
		}
		if (this.perStreamMetersWarned.add(group)) {
			logger.warn("Streams of " + ((made.template() != null) ? "template '" + made.template() + "'"
					: "bare requests") + ": " + PER_STREAM_METERS_LIMIT + " already have meters of their own (per-stream-meters); "
					+ "the next ones share the template's, tagged stream=" + group + ", to keep the number of series bounded");
		}
		return made.withMeterGroup(group);
	}

	private static String meterGroupOf(StreamDefinition definition) {
		return (definition.template() != null) ? definition.template() : StreamDefinition.REGISTERED;
	}

	/**
	 * Removes a stream, declared or registered: stops it gracefully, saves its checkpoint (a later
	 * registration under the same name resumes from it), and forgets its health component and
	 * meters. In cluster mode it lets go of the stream's lock.
	 * @throws IllegalArgumentException for an unknown name
	 */
	public void remove(String name) {
		SseStreamContainer container = container(name);
		stop(name);
		synchronized (this) {
			if (this.containers.remove(name, container)) {
				StreamDefinition removed = container.getDefinition();
				if (!this.declaredNames.remove(name) && removed.meterGroup() == null) {
					this.perStreamMeters.computeIfPresent(meterGroupOf(removed), (group, count) -> (count > 1) ? count - 1 : null);
				}
			}
		}
		for (SseStreamObserver observer : observers()) {
			observer.onRemoved(container);
		}
		List<SseStreamListenerFactory> factories = this.streamListenerFactories;
		if (factories != null) {
			factories.forEach((factory) -> factory.removed(container.getDefinition()));
		}
	}

	private SseStreamContainer container(String name) {
		SseStreamContainer container = getContainer(name);
		if (container == null) {
			throw new IllegalArgumentException("No stream named '" + name + "'; declared: " + getStreamNames());
		}
		return container;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		if (!this.declaredCreated) {
			createContainers();
		}
		this.running = true;
		if (!this.containers.isEmpty()) {
			this.keepAlive.start();
		}
		StartupStep step = this.applicationStartup.start("sse.client.streams.start");
		for (SseStreamContainer container : this.containers.values()) {
			if (container.getDefinition().autoStartup()) {
				run(container);
			}
		}
		step.end();
	}

	/** Reads the discovered listeners and the observers once; must hold the lock. */
	private void prepare() {
		if (this.listeners == null) {
			this.listeners = List.copyOf(this.endpoints.get());
			this.streamObservers = List.copyOf(this.observers.get());
			this.streamListenerFactories = List.copyOf(this.listenerFactories.get());
		}
	}

	/** The observers of every stream, once the registry started. */
	List<SseStreamObserver> observers() {
		List<SseStreamObserver> known = this.streamObservers;
		return (known != null) ? known : List.of();
	}

	private List<SseListenerEndpoint> listenersOf(StreamDefinition definition) {
		List<SseListenerEndpoint> known = this.listeners;
		List<SseListenerEndpoint> matching = (known != null) ? known.stream()
			.filter((endpoint) -> endpoint.listensTo(definition.name(), definition.template()))
			.toList() : List.of();
		List<SseStreamListenerFactory> factories = this.streamListenerFactories;
		if (factories == null || factories.isEmpty()) {
			return matching;
		}
		List<SseListenerEndpoint> all = new ArrayList<>(matching);
		factories.forEach((factory) -> all.addAll(factory.listenersOf(definition)));
		return List.copyOf(all);
	}

	/** Must hold the lock. The listener pool is made with the first container. */
	private SseStreamContainer newContainer(StreamDefinition definition, List<SseListenerEndpoint> listeners) {
		Scheduler threads = this.scheduler;
		if (threads == null) {
			threads = (this.listenerExecutor != null) ? Schedulers.fromExecutor(this.listenerExecutor)
					: Schedulers.fromExecutorService(executor(), "sse-listeners");
			this.scheduler = threads;
		}
		Executor pool = (this.listenerExecutor != null) ? this.listenerExecutor : Objects.requireNonNull(this.executor);
		return new SseStreamContainer(definition, listeners, pool, threads, this.errorHandler, this.eventPublisher,
				observers(), this.instrumentation, this.checkpoints, this.coordinator);
	}

	private void createContainers() {
		this.declaredCreated = true;
		prepare();
		StartupStep bind = this.applicationStartup.start("sse.client.streams.bind");
		Map<String, StreamDefinition> declared = this.definitions.get();
		this.runtimeStreams.validate();
		bind.tag("streams", String.valueOf(declared.size())).end();
		for (SseListenerEndpoint endpoint : this.listeners) {
			if (endpoint.template() != null) {
				if (!this.runtimeStreams.templateNames().contains(endpoint.template())) {
					throw new InvalidSseConfigurationException("@SseListener '" + endpoint.id() + "'",
							"names the template '" + endpoint.template() + "', which is not declared; declared: "
									+ this.runtimeStreams.templateNames(),
							"Declare it under sse.client.templates." + endpoint.template() + ", or use a declared name.");
				}
			}
			else if (!endpoint.isPattern() && !declared.containsKey(endpoint.stream())) {
				throw new InvalidSseConfigurationException("@SseListener '" + endpoint.id() + "'",
						"names the stream '" + endpoint.stream() + "', which is not declared"
								+ (declared.isEmpty() ? " (no streams are declared)" : "; declared: " + String.join(", ", declared.keySet())),
						"Declare it with sse.client.streams." + endpoint.stream() + ".url, or use one of the declared "
								+ "stream names in the annotation.");
			}
		}
		StartupStep create = this.applicationStartup.start("sse.client.streams.containers");
		declared.forEach((name, definition) -> {
			List<SseListenerEndpoint> listeners = listenersOf(definition);
			if (listeners.isEmpty()) {
				logger.warn("Stream '" + name + "' has no @SseListener; it runs, but nothing receives its events");
			}
			this.containers.put(name, newContainer(definition, listeners));
			this.declaredNames.add(name);
		});
		create.end();
	}

	/**
	 * The listener threads: a fork-join pool rather than a fixed thread pool because its idle
	 * threads are woken last-in, first-out. A stream whose loop ran dry is resumed by the thread
	 * that went idle last (warm caches, no rotation through every idle thread): a hand-off to
	 * an idle pool at 10,000 per second takes 55-70 µs at p99.9 here against 84-183 µs for a
	 * fixed pool (the benchmarks' {@code HandOffProbe}). Bounded: no compensating threads
	 * beyond {@code maxThreads}, idle threads end after a minute.
	 */
	private ExecutorService executor() {
		ClassLoader classLoader = (this.classLoader != null) ? this.classLoader
				: Thread.currentThread().getContextClassLoader();
		AtomicInteger threadNumber = new AtomicInteger();
		ForkJoinWorkerThreadFactory threads = (forkJoinPool) -> {
			ForkJoinWorkerThread thread = new ForkJoinWorkerThread(forkJoinPool) {
			};
			thread.setName("sse-listener-" + threadNumber.incrementAndGet());
			// the application's, as on its other threads; the default factory sets the system one
			thread.setContextClassLoader(classLoader);
			return thread;
		};
		ForkJoinPool pool = new ForkJoinPool(this.maxThreads, threads, null, true, 0, this.maxThreads, 1,
				(saturated) -> true, 60, TimeUnit.SECONDS);
		this.executor = pool;
		return pool;
	}

	@Override
	public void stop() {
		List<SseStreamContainer> running;
		synchronized (this) {
			if (!this.running) {
				return;
			}
			this.running = false;
			running = List.copyOf(this.containers.values());
		}
		try {
			running.parallelStream().forEach((container) -> container.stop(this.shutdownTimeout));
			this.checkpoints.flush();
			if (this.coordinator != null) {
				// only now: a successor resumes from the checkpoints just saved
				this.coordinator.leaveAll();
			}
		}
		finally {
			this.keepAlive.stop();
		}
	}

	@Override
	public void destroy() {
		stop();
		this.checkpoints.close();
		ExecutorService pool = this.executor;
		if (pool != null) {
			pool.shutdown();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
