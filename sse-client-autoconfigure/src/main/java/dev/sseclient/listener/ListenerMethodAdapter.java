package dev.sseclient.listener;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
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

import dev.sseclient.container.SseEventListener;
import dev.sseclient.core.SseEvent;

/**
 * Calls one listener method: resolves its arguments from an event once per call, and adapts
 * its result to a {@code Mono} that completes when the method's work is done.
 */
public final class ListenerMethodAdapter {

	private final Object bean;

	private final Method method;

	private final ArgumentResolver[] resolvers;

	private final ResultKind result;

	private ListenerMethodAdapter(Object bean, Method method, ArgumentResolver[] resolvers, ResultKind result) {
		this.bean = bean;
		this.method = method;
		this.resolvers = resolvers;
		this.result = result;
		ReflectionUtils.makeAccessible(method);
	}

	/**
	 * Check the signature once, at startup.
	 * @param bean the bean (possibly a proxy) to call the method on
	 * @param method the method, invocable on {@code bean}
	 * @throws IllegalArgumentException naming what is unsupported
	 */
	static ListenerMethodAdapter create(Object bean, Method method, PayloadConverter converter) {
		boolean suspending = KotlinDetector.isSuspendingFunction(method);
		// a suspend fun's last parameter is the Continuation the coroutine machinery passes
		ArgumentResolver[] resolvers = new ArgumentResolver[method.getParameterCount() - (suspending ? 1 : 0)];
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
				payload = true;
				PayloadConverter.Reader read = converter.readerFor(ResolvableType.forMethodParameter(parameter));
				Object[] hints = validationHints(parameter);
				PayloadConverter.Reader reader = (hints != null) ? converter.validating(read, hints) : read;
				resolvers[i] = (event) -> reader.read(event.data());
			}
		}
		return new ListenerMethodAdapter(bean, method, resolvers, suspending ? ResultKind.SUSPEND : ResultKind.of(method));
	}

	/** Calls a listener given with a stream registered at run time. */
	public static ListenerMethodAdapter of(SseEventListener listener) {
		Method onEvent = ReflectionUtils.findMethod(SseEventListener.class, "onEvent", SseEvent.class);
		Assert.state(onEvent != null, "SseEventListener.onEvent not found");
		return new ListenerMethodAdapter(listener, onEvent, new ArgumentResolver[] { (event) -> event }, ResultKind.NONE);
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
			returned = call(event);
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
			call(event);
			return null;
		}
		catch (Throwable ex) {
			return ex;
		}
	}

	private @Nullable Object call(SseEvent event) throws Throwable {
		Object[] arguments = new Object[this.resolvers.length];
		for (int i = 0; i < arguments.length; i++) {
			try {
				arguments[i] = this.resolvers[i].resolve(event);
			}
			catch (RuntimeException ex) {
				throw new PayloadConversionException(event, this.method, ex);
			}
		}
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
