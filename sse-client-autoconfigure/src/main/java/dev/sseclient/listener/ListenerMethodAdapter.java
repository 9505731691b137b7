package dev.sseclient.listener;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import org.springframework.core.CoroutinesUtils;
import org.springframework.core.KotlinDetector;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;
import org.springframework.validation.annotation.ValidationAnnotationUtils;

import dev.sseclient.container.SseEventBatchListener;
import dev.sseclient.container.SseEventListener;
import dev.sseclient.core.SseEvent;

/**
 * Calls one listener method: resolves its arguments from an event once per call (or, for a
 * batch listener, from each event of the batch), and adapts its result to a {@code Mono} that
 * completes when the method's work is done.
 */
public final class ListenerMethodAdapter {

	private final Object bean;

	private final Method method;

	private final ArgumentResolver[] resolvers;

	private final ResultKind result;

	/** For a batch listener: reads one event as an element of its list; else {@code null}. */
	private final @Nullable ArgumentResolver batchElement;

	private ListenerMethodAdapter(Object bean, Method method, ArgumentResolver[] resolvers, ResultKind result,
			@Nullable ArgumentResolver batchElement) {
		this.bean = bean;
		this.method = method;
		this.resolvers = resolvers;
		this.result = result;
		this.batchElement = batchElement;
		ReflectionUtils.makeAccessible(method);
	}

	/**
	 * Check the signature once, at startup.
	 * @param bean the bean (possibly a proxy) to call the method on
	 * @param method the method, invocable on {@code bean}
	 * @param batch whether the method takes the events of a batch as one {@code List}
	 * @throws IllegalArgumentException naming what is unsupported
	 */
	static ListenerMethodAdapter create(Object bean, Method method, PayloadConverter converter, boolean batch) {
		boolean suspending = KotlinDetector.isSuspendingFunction(method);
		ResultKind result = suspending ? ResultKind.SUSPEND : ResultKind.of(method);
		// a suspend fun's last parameter is the Continuation the coroutine machinery passes
		int parameters = method.getParameterCount() - (suspending ? 1 : 0);
		if (batch) {
			return new ListenerMethodAdapter(bean, method, new ArgumentResolver[0], result,
					batchElement(method, parameters, converter));
		}
		ArgumentResolver[] resolvers = new ArgumentResolver[parameters];
		boolean envelope = false;
		boolean payload = false;
		for (int i = 0; i < resolvers.length; i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			Class<?> type = parameter.getParameterType();
			if (type == SseEvent.class) {
				if (envelope) {
					throw new IllegalArgumentException("takes more than one SseEvent");
				}
				envelope = true;
				resolvers[i] = (event) -> event;
			}
			else {
				if (payload) {
					throw new IllegalArgumentException("takes more than one payload parameter (" + type.getSimpleName()
							+ " is the second); take the SseEvent and at most one payload");
				}
				if (elementType(parameter).resolve() == SseEvent.class) {
					throw new IllegalArgumentException("takes a list of SseEvent but is not a batch listener; "
							+ "set batch = true on @SseListener");
				}
				payload = true;
				PayloadConverter.Reader reader = payloadReader(parameter, ResolvableType.forMethodParameter(parameter),
						converter);
				resolvers[i] = (event) -> reader.read(event.data());
			}
		}
		return new ListenerMethodAdapter(bean, method, resolvers, result, null);
	}

	/** How a batch listener's one {@code List} parameter takes each event: as it is, or its payload. */
	private static ArgumentResolver batchElement(Method method, int parameters, PayloadConverter converter) {
		MethodParameter parameter = (parameters == 1) ? new MethodParameter(method, 0) : null;
		if (parameter == null || parameter.getParameterType() != List.class) {
			throw new IllegalArgumentException("is a batch listener, so it takes exactly one parameter: a List of "
					+ "SseEvent or of a payload type");
		}
		ResolvableType element = elementType(parameter);
		if (element.resolve() == null || element.resolve() == Object.class) {
			throw new IllegalArgumentException("takes a List without an element type; declare List<SseEvent> or "
					+ "List<PayloadType>");
		}
		if (element.resolve() == SseEvent.class) {
			return (event) -> event;
		}
		PayloadConverter.Reader reader = payloadReader(parameter, element, converter);
		return (event) -> reader.read(event.data());
	}

	/** The element type of a {@code List} parameter, or {@link ResolvableType#NONE}. */
	private static ResolvableType elementType(MethodParameter parameter) {
		ResolvableType type = ResolvableType.forMethodParameter(parameter);
		return (type.resolve() == List.class) ? type.getGeneric(0) : ResolvableType.NONE;
	}

	/** A reader of the payload type, validating when the parameter is {@code @Valid}. */
	private static PayloadConverter.Reader payloadReader(MethodParameter parameter, ResolvableType type,
			PayloadConverter converter) {
		PayloadConverter.Reader read = converter.readerFor(type);
		Object[] hints = validationHints(parameter);
		return (hints != null) ? converter.validating(read, hints) : read;
	}

	/** Calls a listener given with a stream registered at run time. */
	public static ListenerMethodAdapter of(SseEventListener listener) {
		Method onEvent = ReflectionUtils.findMethod(SseEventListener.class, "onEvent", SseEvent.class);
		Assert.state(onEvent != null, "SseEventListener.onEvent not found");
		return new ListenerMethodAdapter(listener, onEvent, new ArgumentResolver[] { (event) -> event }, ResultKind.NONE,
				null);
	}

	/** Calls a listener of batches, such as one made by a {@link dev.sseclient.container.SseStreamListenerFactory}. */
	public static ListenerMethodAdapter ofBatch(SseEventBatchListener listener) {
		Method onEvents = ReflectionUtils.findMethod(SseEventBatchListener.class, "onEvents", List.class);
		Assert.state(onEvents != null, "SseEventBatchListener.onEvents not found");
		return new ListenerMethodAdapter(listener, onEvents, new ArgumentResolver[0], ResultKind.NONE,
				(event) -> event);
	}

	/** The hints of a {@code @Valid} or {@code @Validated} parameter, or {@code null}. */
	private static Object @Nullable [] validationHints(MethodParameter parameter) {
		for (Annotation annotation : parameter.getParameterAnnotations()) {
			Object[] hints = ValidationAnnotationUtils.determineValidationHints(annotation);
			if (hints != null) {
				return hints;
			}
		}
		return null;
	}

	/** Whether the method returns a Mono or CompletionStage. */
	public boolean isAsync() {
		return this.result != ResultKind.NONE;
	}

	/** Whether the method takes a batch of events as one {@code List}. */
	public boolean isBatch() {
		return this.batchElement != null;
	}

	/** The method, for messages. */
	public Method getMethod() {
		return this.method;
	}

	/**
	 * Resolve arguments and call the method. Argument and call failures surface as the
	 * returned {@code Mono}'s error: {@link PayloadConversionException} when the data could not
	 * be read, the method's own exception otherwise.
	 */
	public Mono<Void> invoke(SseEvent event) {
		Object returned;
		try {
			returned = call(arguments(event));
		}
		catch (Throwable ex) {
			return Mono.error(ex);
		}
		return this.result.adapt(returned);
	}

	/**
	 * Call a method that is not {@linkplain #isAsync() async} on this thread, with no
	 * {@code Mono} around it: the dispatch fast path. Returns the failure, as {@link #invoke}
	 * would signal it, or {@code null}.
	 */
	public @Nullable Throwable invokeNow(SseEvent event) {
		try {
			call(arguments(event));
			return null;
		}
		catch (Throwable ex) {
			return ex;
		}
	}

	/**
	 * For a {@linkplain #isBatch() batch listener}: one event as an element of its list.
	 * @throws PayloadConversionException when the data cannot be read as the element type
	 */
	public @Nullable Object readBatchElement(SseEvent event) {
		ArgumentResolver element = this.batchElement;
		Assert.state(element != null, "Not a batch listener");
		try {
			return element.resolve(event);
		}
		catch (RuntimeException ex) {
			throw new PayloadConversionException(event, this.method, ex);
		}
	}

	/** A batch listener's call with its elements, as {@link #invoke(SseEvent)}. */
	public Mono<Void> invokeBatch(List<?> elements) {
		Object returned;
		try {
			returned = call(new Object[] { elements });
		}
		catch (Throwable ex) {
			return Mono.error(ex);
		}
		return this.result.adapt(returned);
	}

	/** A batch listener's call with its elements, as {@link #invokeNow(SseEvent)}. */
	public @Nullable Throwable invokeBatchNow(List<?> elements) {
		try {
			call(new Object[] { elements });
			return null;
		}
		catch (Throwable ex) {
			return ex;
		}
	}

	private @Nullable Object[] arguments(SseEvent event) {
		@Nullable Object[] arguments = new Object[this.resolvers.length];
		for (int i = 0; i < arguments.length; i++) {
			try {
				arguments[i] = this.resolvers[i].resolve(event);
			}
			catch (RuntimeException ex) {
				throw new PayloadConversionException(event, this.method, ex);
			}
		}
		return arguments;
	}

	private @Nullable Object call(@Nullable Object[] arguments) throws Throwable {
		if (this.result == ResultKind.SUSPEND) {
			// run as a coroutine; its Publisher completes when the function returns
			return CoroutinesUtils.invokeSuspendingFunction(this.method, this.bean, arguments);
		}
		try {
			return this.method.invoke(this.bean, arguments);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	@FunctionalInterface
	private interface ArgumentResolver {

		@Nullable Object resolve(SseEvent event);

	}

	private enum ResultKind {

		NONE, MONO, COMPLETION_STAGE,

		/** A Kotlin {@code suspend fun}: awaited as a {@code Mono} is. */
		SUSPEND;

		static ResultKind of(Method method) {
			Class<?> type = method.getReturnType();
			if (type == void.class || type == Void.class) {
				return NONE;
			}
			if (Mono.class.isAssignableFrom(type)) {
				return MONO;
			}
			if (CompletionStage.class.isAssignableFrom(type)) {
				return COMPLETION_STAGE;
			}
			throw new IllegalArgumentException("returns " + type.getSimpleName()
					+ "; a listener returns void, Mono or CompletionStage");
		}

		Mono<Void> adapt(@Nullable Object returned) {
			if (returned == null || this == NONE) {
				return Mono.empty();
			}
			if (this == MONO) {
				return ((Mono<?>) returned).then();
			}
			if (this == SUSPEND) {
				return Mono.from((Publisher<?>) returned).then();
			}
			return Mono.fromCompletionStage((CompletionStage<?>) returned).then();
		}

	}

}
