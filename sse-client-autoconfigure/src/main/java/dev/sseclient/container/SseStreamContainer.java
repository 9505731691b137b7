package dev.sseclient.container;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.ApplicationEventPublisher;

import dev.sseclient.core.SseClient;
import dev.sseclient.checkpoint.CheckpointWriter;
import dev.sseclient.core.Redaction;
import dev.sseclient.core.SseEvent;
import dev.sseclient.core.SseItem;
import dev.sseclient.core.SseException;
import dev.sseclient.core.SseRequest;
import dev.sseclient.core.SseSignal;
import dev.sseclient.core.SseStream;
import dev.sseclient.core.StreamState;
import dev.sseclient.listener.ErrorAction;
import dev.sseclient.listener.InstrumentedListener;
import dev.sseclient.listener.ListenerFailure;
import dev.sseclient.listener.ListenerInstrumentation;
import dev.sseclient.listener.PayloadConversionException;
import dev.sseclient.listener.SseListenerEndpoint;
import dev.sseclient.listener.SseListenerErrorHandler;

/**
 * Runs one declared stream: connects through its {@link SseClient}, buffers up to the
 * stream's buffer size (then reading pauses), and hands each event to the matching listeners,
 * one event at a time, in order, on the listener pool rather than an I/O thread. The stream's
 * lifecycle application events travel the same path: {@link SseStreamEvent.Opened} is
 * published before the first event of its connection reaches a listener, and
 * {@link SseStreamEvent.Completed}, {@link SseStreamEvent.Failed} or
 * {@link SseStreamEvent.Closed} after every listener handled the last event before it. Not a
 * bean: reach it through {@link SseStreamRegistry}.
 *
 * <p>It remembers the last event every listener got through (and saves it, batched, to the
 * checkpoint store), and a start resumes from there, so events that were buffered but not
 * processed are asked for again, also after the application restarted.
 */
public final class SseStreamContainer {

	private static final Log logger = LogFactory.getLog(SseStreamContainer.class);

	private static final VarHandle DROPPED;

	static {
		try {
			DROPPED = MethodHandles.lookup().findVarHandle(SseStreamContainer.class, "dropped", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final StreamDefinition definition;

	private final List<SseListenerEndpoint> listeners;

	/** The listeners called once per event, measured as configured. */
	private final List<InstrumentedListener> eventListeners;

	/** The listeners called with the events of a read or buffer drain at once. */
	private final List<InstrumentedListener> batchListeners;

	/** The most events handed on at once: the largest batch listener's size, or 1. */
	private final int batchSize;

	/** The listener calls of one event, and of events in a row: made once, not per event. */
	private final Function<SseEvent, @Nullable Mono<Void>> eventCalls = (event) -> callListeners(event, 0);

	private final Function<List<SseEvent>, @Nullable Mono<Void>> batchCalls = (events) -> callListeners(events, 0);

	private final Executor pool;

	/** The same pool, for the rare work that goes through Reactor (signals, async results, retries). */
	private final Scheduler scheduler;

	private final SseListenerErrorHandler errorHandler;

	private final ApplicationEventPublisher eventPublisher;

	private final List<SseStreamObserver> observers;

	private final CheckpointWriter checkpoints;

	private final CheckpointWriter.Slot checkpoint;

	/*
	 * Buffered events = arrived - dropped - taken, the first and last counted by the dispatch
	 * loop. Each count has one writer at a time and is written with an ordered store: no atomic
	 * instruction per event.
	 */
	private volatile long dropped;

	private volatile long bytesOfEarlierStreams;

	private final Object lock = new Object();

	private @Nullable SseStream stream;

	private @Nullable DispatchLoop loop;

	/** Whether the current run's end was published: by its dispatch loop, or by a stop that cut the loop short. */
	private AtomicBoolean endPublished = new AtomicBoolean();

	private volatile boolean stopping;

	private volatile boolean stoppedByOperator;

	private boolean reconnectWhenDrained;

	/** The cause a reconnecting event reports: the failure signalled just before it. */
	private @Nullable SseException lastSignalledFailure;

	/**
	 * The id of the thread calling the listeners (0: none), for a stop from within a listener.
	 * Plain: only that thread needs to see its own write; any other thread sees another id or
	 * none. An id, not the {@code Thread}: a reference written into 10,000 old containers at
	 * every event is 10,000 cards for G1 to refine, a number is none.
	 */
	private long dispatchThreadId;

	/** Whether a listener call is running; events are dispatched one at a time. */
	private volatile boolean dispatching;

	/** Whether a stop waits for the call in flight, and wants to be woken when it ends. */
	private volatile boolean stopWaiting;

	/**
	 * Where the current run started from. The events it processed since are recorded in the
	 * checkpoint slot alone ({@link #processedOnThisRun} says whether there are any): one
	 * reference written per event, not one here too, as each is a card for G1 to refine when
	 * 10,000 streams get an event.
	 */
	private volatile String lastProcessedId;

	/** Whether the current run processed an event: then the slot holds the last one's id. */
	private volatile boolean processedOnThisRun;

	private final @Nullable SseStreamCoordinator coordinator;

	SseStreamContainer(StreamDefinition definition, List<SseListenerEndpoint> listeners, Executor pool,
			Scheduler scheduler, SseListenerErrorHandler errorHandler, ApplicationEventPublisher eventPublisher,
			List<SseStreamObserver> observers, ListenerInstrumentation instrumentation, CheckpointWriter checkpoints,
			@Nullable SseStreamCoordinator coordinator) {
		this.definition = definition;
		this.coordinator = coordinator;
		this.checkpoints = checkpoints;
		this.eventPublisher = eventPublisher;
		this.observers = List.copyOf(observers);
		this.listeners = List.copyOf(listeners);
		this.eventListeners = this.listeners.stream()
			.filter((listener) -> !listener.isBatch())
			.map((listener) -> instrumentation.instrument(listener, definition.meterStream(), definition.meterTemplate()))
			.toList();
		this.batchListeners = this.listeners.stream()
			.filter(SseListenerEndpoint::isBatch)
			.map((listener) -> instrumentation.instrument(listener, definition.meterStream(), definition.meterTemplate()))
			.toList();
		this.batchSize = this.batchListeners.stream()
			.mapToInt((listener) -> listener.endpoint().maxBatchSize())
			.max()
			.orElse(1);
		this.pool = pool;
		this.scheduler = scheduler;
		this.errorHandler = errorHandler;
		this.checkpoint = checkpoints.slot(definition.name());
		this.lastProcessedId = checkpoints.getStore().load(definition.name()).orElse(definition.request().lastEventId());
	}

	public String getName() {
		return this.definition.name();
	}

	public StreamDefinition getDefinition() {
		return this.definition;
	}

	/** The ids of the listeners of this stream. */
	public List<String> getListenerIds() {
		return this.listeners.stream().map(SseListenerEndpoint::id).toList();
	}

	/** The stream's state; {@link StreamState#NEW} before the first start. */
	public StreamState getState() {
		SseStream current = this.stream;
		return (current != null) ? current.state() : StreamState.NEW;
	}

	/** The id of the last event that every listener got through; where a new start resumes. */
	public String getLastEventId() {
		String processed = this.processedOnThisRun ? this.checkpoint.latest() : null;
		return (processed != null) ? processed : this.lastProcessedId;
	}

	/** The underlying stream while one exists, for its signals and last failure. */
	public @Nullable SseStream getStream() {
		return this.stream;
	}

	/** Whether the stream is connected or trying to be. */
	public boolean isRunning() {
		SseStream current = this.stream;
		// once stopped, not running, even while the stream's own end is still on its way
		return current != null && !this.stopping && !current.state().isFinal();
	}

	/**
	 * Starts connecting, unless running, and returns: the connection is made on Reactor's
	 * parallel threads. Resumes from {@link #getLastEventId()}.
	 */
	public void start() {
		synchronized (this.lock) {
			if (isRunning()) {
				return;
			}
			SseRequest declared = this.definition.request();
			this.lastProcessedId = getLastEventId();
			this.processedOnThisRun = false;
			// the declared request itself when the id is its own: one request less per stream
			SseRequest request = declared.lastEventId().equals(this.lastProcessedId) ? declared
					: declared.mutate().lastEventId(this.lastProcessedId).build();
			SseStream previous = this.stream;
			if (previous != null) {
				this.bytesOfEarlierStreams += previous.bytesReceived();
			}
			SseStream started = this.definition.client().stream(request);
			this.stopping = false;
			this.stopWaiting = false;
			this.stoppedByOperator = false;
			this.stream = started;
			this.dropped = 0;
			AtomicBoolean ended = new AtomicBoolean();
			this.endPublished = ended;
			DispatchLoop loop = new DispatchLoop(getName(), dispatchExecutor(), this.definition.bufferSize(),
					droppingBuffer(), (item) -> dispatch(item, ended), this.batchListeners.isEmpty() ? null : this::dispatch,
					this.batchSize, this::completed);
			// connecting (the request's set-up, the socket, its registration with an event loop) is
			// Reactor's parallel threads' work, not the caller's: registering 10,000 streams held
			// the caller 10-13 s, 1.4-3.3 s this way, and every stream is open as soon as before
			started.itemBatches().subscribeOn(Schedulers.parallel(), false).subscribe(loop);
			this.loop = loop;
		}
	}

	/**
	 * Start from {@code lastEventId}, the id in the checkpoint store rather than this instance's
	 * memory: another instance may have run the stream meanwhile (cluster mode). The stream was
	 * claimed in the store first, so that saves of an instance that held it before are refused.
	 */
	void startAt(String lastEventId) {
		synchronized (this.lock) {
			if (isRunning()) {
				return;
			}
			this.lastProcessedId = lastEventId;
			this.processedOnThisRun = false;
		}
		start();
	}

	/** The id of the last event every listener got through, as this instance knows it. */
	String lastProcessedId() {
		return getLastEventId();
	}

	/** Bytes received over the stream's life, across restarts. */
	public long getBytesReceived() {
		SseStream current = this.stream;
		return this.bytesOfEarlierStreams + ((current != null) ? current.bytesReceived() : 0);
	}

	/** Events received but not yet handed to the listeners. */
	public int getBufferedEvents() {
		DispatchLoop current = this.loop;
		if (current == null) {
			return 0;
		}
		return (int) Math.max(0, current.received() - this.dropped - current.taken());
	}

	/** What health and the endpoint show about this stream now. */
	public StreamSnapshot snapshot() {
		SseStream current = this.stream;
		SseException failure = (current != null) ? current.lastError() : null;
		return new StreamSnapshot(getName(), getState(), Redaction.url(this.definition.request().url()),
				getLastEventId(), (current != null) ? current.lastEventAt() : null,
				(current != null) ? current.connectedSince() : null, (current != null) ? current.protocol() : null,
				(current != null) ? current.disconnectedSince() : null, (current != null) ? current.failuresInRow() : 0,
				(failure != null) ? publicType(failure) + ": " + failure.getMessage() : null,
				(current != null) ? current.lastErrorAt() : null,
				getListenerIds(), this.stoppedByOperator,
				(this.coordinator != null) ? this.coordinator.role(getName()) : null);
	}

	/** The name of the first public class of an error, not an internal subclass. */
	private static String publicType(Throwable error) {
		Class<?> type = error.getClass();
		while (!java.lang.reflect.Modifier.isPublic(type.getModifiers()) && type.getSuperclass() != null) {
			type = type.getSuperclass();
		}
		return type.getSimpleName();
	}

	/** Stop on an operator's request: shown as out of service rather than failed. */
	void stopByOperator(Duration timeout) {
		this.stoppedByOperator = true;
		stop(timeout);
	}

	/** For a dropping overflow policy, the buffer that drops; {@code null} for {@code block}. */
	private @Nullable DroppingBuffer droppingBuffer() {
		OverflowPolicy overflow = this.definition.overflow();
		if (overflow == OverflowPolicy.BLOCK) {
			return null;
		}
		return new DroppingBuffer(overflow, this.definition.bufferSize(), this::droppedOnOverflow,
				() -> this.scheduler.schedule(this::closeAfterOverflow));
	}

	/**
	 * Overflow with policy {@code fail}: drop the connection now; the listeners finish what is
	 * buffered, and then the stream connects again from the last event they finished, so every
	 * reconnect makes progress and the server sends again what did not fit.
	 */
	private void closeAfterOverflow() {
		logger.warn("Stream '" + getName() + "': listeners fell more than " + this.definition.bufferSize()
				+ " events behind; dropping the connection, reconnecting once the buffer is processed (overflow: fail)");
		SseStream current;
		synchronized (this.lock) {
			current = this.stream;
			this.reconnectWhenDrained = true;
		}
		if (current != null) {
			current.close();
		}
	}

	private void completed() {
		boolean reconnect;
		synchronized (this.lock) {
			reconnect = this.reconnectWhenDrained && !this.stopping;
			this.reconnectWhenDrained = false;
			if (reconnect) {
				this.stream = null;
			}
		}
		if (reconnect) {
			start();
		}
		else {
			logger.debug("Stream '" + getName() + "' ended");
		}
	}

	void roleChanged(StreamRole.Role role) {
		for (SseStreamObserver observer : this.observers) {
			observer.onRoleChanged(this, role);
		}
	}

	private void droppedOnOverflow(SseEvent event) {
		DROPPED.setRelease(this, this.dropped + 1);
		for (SseStreamObserver observer : this.observers) {
			observer.onDropped(this, event, "overflow");
		}
	}

	/** Drop the connection and reconnect at once, or start when stopped. */
	public void restart() {
		SseStream current = this.stream;
		if (current != null && !current.state().isFinal()) {
			current.restart();
		}
		else {
			start();
		}
	}

	/**
	 * Stop reading, let a listener call in flight finish (up to {@code timeout}), then close the
	 * connection. Buffered events that were not dispatched are dropped; a later start asks for
	 * them again.
	 */
	public void stop(Duration timeout) {
		stopRun(timeout);
	}

	/** See {@link #stop(Duration)}; {@code false} when the run was stopped, or stopping, already. */
	private boolean stopRun(Duration timeout) {
		SseStream current;
		Disposable active;
		AtomicBoolean ended;
		synchronized (this.lock) {
			current = this.stream;
			active = this.loop;
			ended = this.endPublished;
			if (current == null || this.stopping) {
				return false;
			}
			this.stopping = true;
		}
		current.close();
		if (Thread.currentThread().getId() != this.dispatchThreadId) {
			awaitInFlight(timeout);
		}
		if (active != null) {
			active.dispose();
		}
		// the loop is cut short: the end is published here, after the listener call in flight
		SseException cause = current.lastFailure();
		publishEnd(ended, switch (current.state()) {
			case COMPLETED -> new SseSignal.Closed(StreamState.COMPLETED, null);
			case FAILED -> new SseSignal.Closed(StreamState.FAILED, cause);
			default -> new SseSignal.Closed(StreamState.CLOSED, null);
		});
		return true;
	}

	private void awaitInFlight(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.lock) {
			// the dispatch thread clears its flag before it reads this one: one of the two sees the other
			this.stopWaiting = true;
			while (this.dispatching) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					logger.warn("Stream '" + getName() + "': a listener call was still running after " + timeout.toMillis()
							+ " ms; stopping without it");
					return;
				}
				try {
					this.lock.wait(Math.max(1, Math.min(10, remaining / 1_000_000)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/** Where the dispatch loop runs: on the listener pool, or inline on the thread that delivers a read. */
	private Executor dispatchExecutor() {
		return (this.definition.listenerThread() == ListenerThread.CONNECTION) ? Runnable::run : this.pool;
	}

	/** Hands an item on: an event to the listeners, a signal to observers and as an application event. */
	private @Nullable Mono<Void> dispatch(SseItem item, AtomicBoolean ended) {
		if (item instanceof SseEvent event) {
			return dispatch(event);
		}
		if (item instanceof SseSignal.Closed closed) {
			publishEnd(ended, closed);
		}
		else if (!(item instanceof SseSignal.Comment)) {
			publish((SseSignal) item);
		}
		return null;
	}

	/** The end of a run, once: the stream's own {@code Closed}, or a stop's. */
	private void publishEnd(AtomicBoolean ended, SseSignal.Closed closed) {
		if (!ended.compareAndSet(false, true)) {
			return;
		}
		if (closed.state() == StreamState.COMPLETED && this.definition.request().isFinite()) {
			// a finite stream is an answer: the next start asks anew rather than resuming this one
			this.lastProcessedId = this.definition.request().lastEventId();
			this.processedOnThisRun = false;
		}
		if (closed.state() == StreamState.FAILED && closed.cause() != null) {
			try {
				this.errorHandler.handleStreamFailure(getName(), closed.cause());
			}
			catch (RuntimeException ex) {
				logger.error("The listener error handler failed on the end of stream '" + getName() + "'", ex);
			}
		}
		publish(closed);
	}

	private void publish(SseSignal signal) {
		for (SseStreamObserver observer : this.observers) {
			observer.onSignal(this, signal);
		}
		SseStreamEvent event = null;
		if (signal instanceof SseSignal.Failed failed) {
			this.lastSignalledFailure = failed.cause();
		}
		else if (signal instanceof SseSignal.Opened opened) {
			event = new SseStreamEvent.Opened(getName(), opened.url());
		}
		else if (signal instanceof SseSignal.Retrying retrying) {
			event = new SseStreamEvent.Reconnecting(getName(), this.lastSignalledFailure, retrying.delay(),
					retrying.attempt());
		}
		else if (signal instanceof SseSignal.Closed closed) {
			event = switch (closed.state()) {
				case COMPLETED -> new SseStreamEvent.Completed(getName());
				case FAILED -> new SseStreamEvent.Failed(getName(), closed.cause());
				default -> new SseStreamEvent.Closed(getName());
			};
		}
		if (event != null) {
			try {
				this.eventPublisher.publishEvent(event);
			}
			catch (RuntimeException ex) {
				// an application listener's failure is not the stream's
				logger.error("Stream '" + getName() + "': an application listener of " + event.getClass().getSimpleName()
						+ " failed", ex);
			}
		}
	}

	/** Hands one event to the listeners; {@code null} when done with it, else what is left to wait for. */
	private @Nullable Mono<Void> dispatch(SseEvent event) {
		if (!beginDispatch()) {
			return null;
		}
		observed(event);
		return processedAfter(this.eventCalls, event, event);
	}

	/**
	 * Hands events in a row to the listeners: each to the per-event listeners, in order, then
	 * all of them to the batch listeners. The checkpoint moves past them when every call is done.
	 */
	private @Nullable Mono<Void> dispatch(List<SseEvent> events) {
		if (!beginDispatch()) {
			return null;
		}
		for (SseEvent event : events) {
			observed(event);
		}
		return processedAfter(this.batchCalls, events, events.get(events.size() - 1));
	}

	/** Marks a dispatch as running on this thread; {@code false} (and nothing running) once stopping. */
	private boolean beginDispatch() {
		// flag first, then look at stopping: a stop sets stopping, then looks at the flag
		this.dispatching = true;
		if (this.stopping) {
			dispatchEnded();
			return false;
		}
		this.dispatchThreadId = Thread.currentThread().getId();
		return true;
	}

	private void observed(SseEvent event) {
		// by index: an iterator per event was not always optimized away
		for (int i = 0; i < this.observers.size(); i++) {
			this.observers.get(i).onEvent(this, event);
		}
	}

	/**
	 * Makes the listener calls for {@code input}, then records {@code last} as processed and ends
	 * the dispatch, now or when they are done.
	 */
	private <T> @Nullable Mono<Void> processedAfter(Function<T, @Nullable Mono<Void>> calls, T input, SseEvent last) {
		Mono<Void> rest;
		try {
			rest = calls.apply(input);
		}
		catch (RuntimeException ex) {
			dispatchEnded();
			throw ex;
		}
		if (rest == null) {
			processed(last);
			dispatchEnded();
			return null;
		}
		return rest.then(Mono.<Void>fromRunnable(() -> processed(last))).doFinally((signal) -> dispatchEnded());
	}

	/**
	 * Calls the per-event listeners of {@code event} from index {@code from} on. Synchronous
	 * ones are called right here, with no Reactor operator per event, for as long as they
	 * succeed. Returns the rest as a {@code Mono} from the first async listener or failure on,
	 * or {@code null} when every listener is done.
	 */
	private @Nullable Mono<Void> callListeners(SseEvent event, int from) {
		for (int i = from; i < this.eventListeners.size(); i++) {
			InstrumentedListener listener = this.eventListeners.get(i);
			if (!listener.endpoint().accepts(event.type())) {
				continue;
			}
			Mono<Void> call;
			if (listener.endpoint().method().isAsync()) {
				call = invoke(listener, event, 1);
			}
			else {
				Throwable failure = listener.callNow(event);
				if (failure == null) {
					continue;
				}
				call = handleFailure(listener, event, 1, failure);
			}
			int next = i + 1;
			return call.then(Mono.defer(() -> orEmpty(callListeners(event, next))));
		}
		return null;
	}

	/** Calls the per-event listeners for each event from index {@code from} on, then the batch listeners. */
	private @Nullable Mono<Void> callListeners(List<SseEvent> events, int from) {
		for (int i = from; i < events.size(); i++) {
			Mono<Void> rest = callListeners(events.get(i), 0);
			if (rest != null) {
				int next = i + 1;
				return rest.then(Mono.defer(() -> orEmpty(callListeners(events, next))));
			}
		}
		return callBatchListeners(events, 0, 0);
	}

	/**
	 * Calls the batch listeners from index {@code from} on, each with the events it accepts, in
	 * parts of at most its batch size; {@code offset} is where the first one's next part starts.
	 */
	private @Nullable Mono<Void> callBatchListeners(List<SseEvent> events, int from, int offset) {
		for (int i = from; i < this.batchListeners.size(); i++, offset = 0) {
			InstrumentedListener listener = this.batchListeners.get(i);
			SseListenerEndpoint endpoint = listener.endpoint();
			List<SseEvent> accepted = endpoint.events().isEmpty() ? events
					: events.stream().filter((event) -> endpoint.accepts(event.type())).toList();
			while (offset < accepted.size()) {
				int end = Math.min(accepted.size(), offset + endpoint.maxBatchSize());
				Mono<Void> call = callBatch(listener, accepted.subList(offset, end));
				offset = end;
				if (call != null) {
					int listenerIndex = i;
					int next = offset;
					return call.then(Mono.defer(() -> orEmpty(callBatchListeners(events, listenerIndex, next))));
				}
			}
		}
		return null;
	}

	/**
	 * One batch listener call. Each event's payload is read first; an event that cannot be read
	 * goes to the error handler alone and is left out. Returns {@code null} when done here.
	 */
	private @Nullable Mono<Void> callBatch(InstrumentedListener listener, List<SseEvent> events) {
		SseListenerEndpoint endpoint = listener.endpoint();
		List<SseEvent> read = new ArrayList<>(events.size());
		List<@Nullable Object> elements = new ArrayList<>(events.size());
		for (SseEvent event : events) {
			try {
				elements.add(endpoint.method().readBatchElement(event));
				read.add(event);
			}
			catch (PayloadConversionException ex) {
				ErrorAction action = decide(endpoint, new ListenerFailure(endpoint.id(), event, ex, 1));
				if (endsTheRun(action)) {
					return act(action, Mono::empty);
				}
			}
		}
		if (read.isEmpty()) {
			return null;
		}
		if (endpoint.method().isAsync()) {
			return invokeBatch(listener, read, elements, 1);
		}
		Throwable failure = listener.callBatchNow(read, elements);
		return (failure != null) ? handleBatchFailure(listener, read, elements, 1, failure) : null;
	}

	private static Mono<Void> orEmpty(@Nullable Mono<Void> rest) {
		return (rest != null) ? rest : Mono.empty();
	}

	private void dispatchEnded() {
		this.dispatchThreadId = 0;
		this.dispatching = false;
		if (this.stopWaiting) {
			synchronized (this.lock) {
				this.lock.notifyAll();
			}
		}
	}

	private void processed(SseEvent event) {
		this.checkpoint.record(event.id());
		if (!this.processedOnThisRun) {
			this.processedOnThisRun = true;
		}
	}

	private Mono<Void> invoke(InstrumentedListener listener, SseEvent event, int attempt) {
		return asyncCall(listener, listener.call(event))
			.onErrorResume((error) -> handleFailure(listener, event, attempt, error));
	}

	private Mono<Void> invokeBatch(InstrumentedListener listener, List<SseEvent> events, List<?> elements,
			int attempt) {
		return asyncCall(listener, listener.callBatch(events, elements))
			.onErrorResume((error) -> handleBatchFailure(listener, events, elements, attempt, error));
	}

	private Mono<Void> asyncCall(InstrumentedListener listener, Mono<Void> call) {
		// an async result may complete on a foreign thread: come back to the listener pool, unless
		// the listeners run where the events arrive (a result already there goes on at once)
		return (listener.endpoint().method().isAsync() && this.definition.listenerThread() == ListenerThread.POOL)
				? call.publishOn(this.scheduler) : call;
	}

	private Mono<Void> handleFailure(InstrumentedListener listener, SseEvent event, int attempt, Throwable error) {
		SseListenerEndpoint endpoint = listener.endpoint();
		return act(decide(endpoint, new ListenerFailure(endpoint.id(), event, error, attempt)),
				() -> invoke(listener, event, attempt + 1));
	}

	private Mono<Void> handleBatchFailure(InstrumentedListener listener, List<SseEvent> events, List<?> elements,
			int attempt, Throwable error) {
		SseListenerEndpoint endpoint = listener.endpoint();
		return act(decide(endpoint, new ListenerFailure(endpoint.id(), events, error, attempt)),
				() -> invokeBatch(listener, events, elements, attempt + 1));
	}

	/** The listener's own error handler's decision, else the application's. */
	private ErrorAction decide(SseListenerEndpoint listener, ListenerFailure failure) {
		SseListenerErrorHandler handler = (listener.errorHandler() != null) ? listener.errorHandler()
				: this.errorHandler;
		try {
			return handler.handleError(failure);
		}
		catch (RuntimeException ex) {
			logger.error("The listener error handler failed on: " + failure.describe(), ex);
			return ErrorAction.proceed();
		}
	}

	private Mono<Void> act(ErrorAction action, Supplier<Mono<Void>> again) {
		if (action instanceof ErrorAction.Retry retry) {
			// the listener pool cannot time tasks: wait on Reactor's timer, then come back
			return Mono.delay(retry.delay()).publishOn(this.scheduler).then(Mono.defer(again));
		}
		if (endsTheRun(action)) {
			// one step under the lock: a start or stop asked for meanwhile comes after it; a stop asked for before wins
			synchronized (this.lock) {
				boolean stopped = stopRun(Duration.ZERO);
				// this run's dispatch is given up, not awaited: a later stop must not wait for it
				dispatchEnded();
				if (stopped && action instanceof ErrorAction.RestartFrom restart) {
					this.checkpoint.record(restart.lastEventId());
					startAt(restart.lastEventId());
				}
			}
			return Mono.never();
		}
		return Mono.empty();
	}

	/** Whether the action stops this run (and perhaps starts the next): what is left of the call is given up. */
	private static boolean endsTheRun(ErrorAction action) {
		return action instanceof ErrorAction.StopStream || action instanceof ErrorAction.RestartFrom;
	}

	@Override
	public String toString() {
		return "SseStreamContainer[" + getName() + ", " + getState() + "]";
	}

}
