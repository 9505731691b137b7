package dev.sseclient.listener;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanNotOfRequiredTypeException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.Environment;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.validation.Validator;

import dev.sseclient.container.InvalidSseConfigurationException;

/**
 * Finds {@link SseListener} methods on beans (directly or through a meta-annotation, on
 * proxied beans too) and turns each into an {@link SseListenerEndpoint}. Signatures are checked
 * here, so a bad one fails startup naming the method.
 */
public class SseListenerAnnotationBeanPostProcessor implements BeanPostProcessor, EnvironmentAware, BeanFactoryAware {

	private static final boolean JACKSON_PRESENT = ClassUtils.isPresent("tools.jackson.databind.json.JsonMapper",
			SseListenerAnnotationBeanPostProcessor.class.getClassLoader());

	private final List<SseListenerEndpoint> endpoints = new CopyOnWriteArrayList<>();

	private final Set<Class<?>> classesWithoutListeners = ConcurrentHashMap.newKeySet();

	private @Nullable Environment environment;

	private static final String MAX_BATCH_SIZE_PROPERTY = "sse.client.listener.max-batch-size";

	/** As {@code SseClientProperties.Listener}'s default for {@value #MAX_BATCH_SIZE_PROPERTY}. */
	private static final int DEFAULT_MAX_BATCH_SIZE = 100;

	/** The name of the validator Boot's validation auto-configuration makes. */
	private static final String DEFAULT_VALIDATOR = "defaultValidator";

	private @Nullable BeanFactory beanFactory;

	private volatile @Nullable PayloadConverter payloadConverter;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	/** The listeners found so far, in discovery order. */
	public List<SseListenerEndpoint> getEndpoints() {
		return List.copyOf(this.endpoints);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof AopInfrastructureBean) {
			return bean;
		}
		Class<?> targetClass = AopProxyUtils.ultimateTargetClass(bean);
		if (this.classesWithoutListeners.contains(targetClass)
				|| !AnnotationUtils.isCandidateClass(targetClass, SseListener.class)) {
			return bean;
		}
		Map<Method, SseListener> methods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<SseListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, SseListener.class));
		if (methods.isEmpty()) {
			this.classesWithoutListeners.add(targetClass);
			return bean;
		}
		// the JVM lists methods in no fixed order: listeners of one bean are called in name order
		methods.entrySet()
			.stream()
			.sorted(Comparator.comparing((Map.Entry<Method, SseListener> entry) -> entry.getKey().getName())
				.thenComparing((entry) -> entry.getKey().toString()))
			.forEach((entry) -> this.endpoints.addAll(endpoints(bean, entry.getKey(), entry.getValue())));
		return bean;
	}

	/** One endpoint per stream, pattern or template the annotation names, all calling the one method. */
	private List<SseListenerEndpoint> endpoints(Object bean, Method method, SseListener annotation) {
		String where = "@SseListener method " + describe(method);
		if (Modifier.isPrivate(method.getModifiers()) || Modifier.isStatic(method.getModifiers())) {
			throw new InvalidSseConfigurationException(where, "is private or static",
					"Make the method an instance method that is public or package-private.");
		}
		Method invocable;
		try {
			invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new InvalidSseConfigurationException(where, "cannot be called through the bean's proxy ("
					+ ex.getMessage() + ")", "Make the method public, or declare it on an interface the proxy implements.");
		}
		ListenerMethodAdapter adapter;
		try {
			adapter = ListenerMethodAdapter.create(bean, invocable, payloadConverter(), annotation.batch());
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			throw new InvalidSseConfigurationException(where, ex.getMessage(), annotation.batch()
					? "Take one List<SseEvent> or List<PayloadType> parameter, and return void, Mono or "
							+ "CompletionStage (or be a Kotlin suspend fun)."
					: "Take an SseEvent and/or one payload parameter (String, a simple type, or a type read from JSON), "
							+ "and return void, Mono or CompletionStage (or be a Kotlin suspend fun).");
		}
		int maxBatchSize = annotation.batch() ? maxBatchSize(annotation, where) : 1;
		Set<String> events = Set.copyOf(Arrays.stream(annotation.events())
			.map((type) -> resolve(type, where))
			.collect(Collectors.toCollection(LinkedHashSet::new)));
		String id = annotation.id().isEmpty() ? method.getDeclaringClass().getSimpleName() + "." + method.getName()
				: resolve(annotation.id(), where);
		Set<String> streams = new LinkedHashSet<>();
		if (!annotation.stream().isEmpty()) {
			streams.add(resolve(annotation.stream(), where));
		}
		for (String stream : annotation.streams()) {
			streams.add(resolve(stream, where));
		}
		SseListenerErrorHandler errorHandler = annotation.errorHandler().isEmpty() ? null
				: errorHandler(resolve(annotation.errorHandler(), where), where);
		Boolean observation = observation(annotation, where);
		List<SseListenerEndpoint> endpoints = new ArrayList<>();
		for (String stream : streams) {
			endpoints.add(
					new SseListenerEndpoint(id, stream, events, adapter, null, errorHandler, maxBatchSize, observation));
		}
		if (!annotation.template().isEmpty()) {
			endpoints.add(new SseListenerEndpoint(id, "", events, adapter, resolve(annotation.template(), where),
					errorHandler, maxBatchSize, observation));
		}
		if (endpoints.isEmpty()) {
			throw new InvalidSseConfigurationException(where, "names no stream",
					"Name a stream (stream = \"prices\"), several or a pattern (streams = {\"a\", \"device-*\"}), "
							+ "or a template (template = \"device\").");
		}
		return endpoints;
	}

	/** The annotation's choice of an Observation per call; {@code null} for the application's. */
	private @Nullable Boolean observation(SseListener annotation, String where) {
		if (annotation.observation().isEmpty()) {
			return null;
		}
		String given = resolve(annotation.observation(), where).strip();
		if (given.equalsIgnoreCase("true") || given.equalsIgnoreCase("false")) {
			return Boolean.valueOf(given);
		}
		throw new InvalidSseConfigurationException(where, "has observation '" + given + "', neither true nor false",
				"Give \"true\", \"false\", or a placeholder that resolves to one; leave it empty for "
						+ "sse.client.listener.observation-enabled.");
	}

	/** The annotation's size, else {@code sse.client.listener.max-batch-size}; at least 1. */
	private int maxBatchSize(SseListener annotation, String where) {
		String given = annotation.maxBatchSize().isEmpty() ? null : resolve(annotation.maxBatchSize(), where).strip();
		if (given == null) {
			Environment current = this.environment;
			Integer configured = (current != null)
					? Binder.get(current).bind(MAX_BATCH_SIZE_PROPERTY, Integer.class).orElse(null) : null;
			if (configured == null) {
				return DEFAULT_MAX_BATCH_SIZE;
			}
			if (configured < 1) {
				throw new InvalidSseConfigurationException(MAX_BATCH_SIZE_PROPERTY, "is " + configured
						+ "; a batch holds at least one event", "Set it to 1 or more (the default is 100).");
			}
			return configured;
		}
		try {
			int size = Integer.parseInt(given);
			if (size >= 1) {
				return size;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new InvalidSseConfigurationException(where, "has maxBatchSize '" + given + "', not a whole number of "
				+ "at least 1", "Give a number such as \"500\", or a placeholder that resolves to one.");
	}

	private SseListenerErrorHandler errorHandler(String name, String where) {
		BeanFactory beans = this.beanFactory;
		Assert.state(beans != null, "No BeanFactory");
		try {
			return beans.getBean(name, SseListenerErrorHandler.class);
		}
		catch (BeanNotOfRequiredTypeException ex) {
			throw new InvalidSseConfigurationException(where, "names the error handler '" + name + "', which is a "
					+ ex.getActualType().getName() + ", not an SseListenerErrorHandler",
					"Name a bean of type SseListenerErrorHandler in errorHandler.");
		}
		catch (NoSuchBeanDefinitionException ex) {
			throw new InvalidSseConfigurationException(where,
					"names the error handler '" + name + "', which does not exist",
					"Declare an SseListenerErrorHandler bean named '" + name
							+ "' (with @Bean(defaultCandidate = false)), or remove errorHandler.");
		}
	}

	/**
	 * Boot's conversion service with the application's {@code Converter}, {@code Formatter} and
	 * similar beans added, made at the first event that needs it, when those beans exist.
	 */
	private ConversionService conversionService() {
		if (!(this.beanFactory instanceof ListableBeanFactory beans)) {
			return ApplicationConversionService.getSharedInstance();
		}
		ApplicationConversionService service = new ApplicationConversionService();
		ApplicationConversionService.addBeans(service, beans);
		return service;
	}

	/**
	 * The application's validator, or {@code null}: the only or primary one, else Boot's
	 * {@code defaultValidator} (made when a Bean Validation provider is there).
	 */
	private @Nullable Validator validator() {
		BeanFactory beans = this.beanFactory;
		if (beans == null) {
			return null;
		}
		Validator validator = beans.getBeanProvider(Validator.class).getIfUnique();
		if (validator == null && beans.containsBean(DEFAULT_VALIDATOR)) {
			validator = beans.getBean(DEFAULT_VALIDATOR, Validator.class);
		}
		return validator;
	}

	/** Whether a {@code Converter<String, T>} bean makes the type; looked up without creating beans. */
	private boolean applicationConverts(Class<?> type) {
		if (!(this.beanFactory instanceof ListableBeanFactory beans)) {
			return false;
		}
		return beans.getBeanNamesForType(ResolvableType.forClassWithGenerics(Converter.class, String.class, type), true,
				false).length > 0;
	}

	private String resolve(String value, String where) {
		Environment current = this.environment;
		try {
			return (current != null) ? current.resolveRequiredPlaceholders(value) : value;
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidSseConfigurationException(where, "refers to an unresolvable placeholder: " + ex.getMessage(),
					"Define the property it refers to, or give the value directly.");
		}
	}

	/** Reads event data as listener payloads, and writes request bodies, with the application's JSON mapper. */
	public PayloadConverter getPayloadConverter() {
		return payloadConverter();
	}

	private PayloadConverter payloadConverter() {
		PayloadConverter converter = this.payloadConverter;
		if (converter == null) {
			JsonMapper jsonMapper = null;
			if (JACKSON_PRESENT && this.beanFactory != null) {
				jsonMapper = this.beanFactory.getBeanProvider(JsonMapper.class).getIfAvailable(JsonMapper::new);
			}
			converter = new PayloadConverter(jsonMapper, this::conversionService, this::applicationConverts,
					this::validator);
			this.payloadConverter = converter;
		}
		return converter;
	}

	private static String describe(Method method) {
		return method.getDeclaringClass().getSimpleName() + "." + method.getName() + "("
				+ Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "))
				+ ")";
	}

}
