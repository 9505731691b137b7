package dev.sseclient.listener;

import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.Errors;
import org.springframework.validation.SmartValidator;
import org.springframework.validation.Validator;

/**
 * Turns event data into a listener's payload type: {@code String} as is, a type the
 * application has a {@code Converter} bean for with that converter, simple types (numbers, enums,
 * UUIDs, dates...) with the application's conversion service, everything else from JSON with the
 * application's {@link JsonMapper}, generic types included.
 */
public final class PayloadConverter {

	/** Parsers kept per listener parameter: as many as its reads that may run at once, within reason. */
	private static final int KEPT_PARSERS = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));

	private final @Nullable JsonMapper jsonMapper;

	private final Supplier<ConversionService> conversionService;

	private final Predicate<Class<?>> applicationConverts;

	private final Supplier<@Nullable Validator> validator;

	public PayloadConverter(@Nullable JsonMapper jsonMapper, ConversionService conversionService) {
		this(jsonMapper, () -> conversionService, (type) -> false, () -> null);
	}

	/**
	 * @param jsonMapper reads everything else, {@code null} without Jackson
	 * @param conversionService the application's, asked for at the first event it converts
	 * @param applicationConverts whether the application has a converter from {@code String} to
	 * a type (a {@code Converter} bean), which then reads it rather than JSON
	 * @param validator validates {@code @Valid} payloads, asked for at the first; it may give
	 * {@code null} when the application has none
	 */
	public PayloadConverter(@Nullable JsonMapper jsonMapper, Supplier<ConversionService> conversionService,
			Predicate<Class<?>> applicationConverts, Supplier<@Nullable Validator> validator) {
		this.jsonMapper = jsonMapper;
		this.conversionService = SingletonSupplier.of(conversionService);
		this.applicationConverts = applicationConverts;
		this.validator = SingletonSupplier.ofNullable(validator);
	}

	/**
	 * {@code reader}, then the application's validator with these hints (from {@code @Valid} or
	 * {@code @Validated}); without a validator, {@code reader} alone.
	 */
	Reader validating(Reader reader, Object[] hints) {
		return (data) -> {
			Object payload = reader.read(data);
			Validator validator = this.validator.get();
			if (payload != null && validator != null) {
				Errors errors = new BeanPropertyBindingResult(payload, "payload");
				if (validator instanceof SmartValidator smart) {
					smart.validate(payload, errors, hints);
				}
				else {
					validator.validate(payload, errors);
				}
				if (errors.hasErrors()) {
					throw new PayloadValidationException(errors);
				}
			}
			return payload;
		};
	}

	/**
	 * A function reading event data as {@code type}, prepared once and used for every event.
	 * @throws IllegalArgumentException when the type can never be read
	 */
	@SuppressWarnings("unchecked")
	public <T> Function<String, @Nullable T> reader(Class<T> type) {
		Reader reader = readerFor(ResolvableType.forClass(type));
		return (data) -> (T) reader.read(data);
	}

	/**
	 * A request body: a {@code String} (UTF-8) or {@code byte[]} as is, anything else written
	 * as JSON with the application's {@code JsonMapper}.
	 */
	public byte[] write(Object body) {
		if (body instanceof byte[] bytes) {
			return bytes;
		}
		if (body instanceof String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}
		JsonMapper mapper = this.jsonMapper;
		if (mapper == null) {
			throw new IllegalStateException(
					"Cannot write a " + body.getClass().getName() + " body without a Jackson JsonMapper; pass a String");
		}
		return mapper.writeValueAsBytes(body);
	}

	/** A function reading data as {@code type}, prepared once per listener parameter. */
	Reader readerFor(ResolvableType type) {
		Class<?> raw = type.toClass();
		if (raw == String.class || raw == CharSequence.class || raw == Object.class) {
			return (data) -> data;
		}
		if (this.applicationConverts.test(raw)) {
			TypeDescriptor target = TypeDescriptor.valueOf(raw);
			return (data) -> this.conversionService.get().convert(data, TypeDescriptor.valueOf(String.class), target);
		}
		if (BeanUtils.isSimpleValueType(raw)) {
			TypeDescriptor target = TypeDescriptor.valueOf(raw);
			if (ApplicationConversionService.getSharedInstance()
				.canConvert(TypeDescriptor.valueOf(String.class), target)) {
				return (data) -> this.conversionService.get()
					.convert(data.strip(), TypeDescriptor.valueOf(String.class), target);
			}
		}
		if (!canBeCreatedFromJson(raw)) {
			throw new IllegalArgumentException("cannot read event data as " + raw.getName() + ": "
					+ (Modifier.isInterface(raw.getModifiers()) ? "an interface" : "an abstract type")
					+ " that neither the conversion service nor Jackson can create (no @JsonTypeInfo or "
					+ "@JsonDeserialize on it)");
		}
		JsonMapper mapper = this.jsonMapper;
		if (mapper == null) {
			throw new IllegalStateException("Cannot read event data as " + type + " without a Jackson JsonMapper");
		}
		Type generic = type.getType();
		// a reader made once (no root deserializer lookup per event), with parsers kept between events
		ObjectReader reader = mapper.readerFor(mapper.getTypeFactory().constructType(generic));
		return KeptParserJsonReader.of(reader, KEPT_PARSERS);
	}

	/**
	 * Whether Jackson has a way to make the type: concrete classes, the abstract types it maps to
	 * a default (collections, maps, its own tree), or an abstract type annotated for it.
	 */
	private static boolean canBeCreatedFromJson(Class<?> type) {
		if (type.isPrimitive() || type.isArray() || !Modifier.isAbstract(type.getModifiers())
				|| BeanUtils.isSimpleValueType(type)) {
			return true;
		}
		if (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type) || type == Iterable.class
				|| JsonNode.class.isAssignableFrom(type) || type == Number.class) {
			return true;
		}
		MergedAnnotations annotations = MergedAnnotations.from(type, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY);
		return annotations.isPresent(JsonTypeInfo.class) || annotations.isPresent(JsonDeserialize.class);
	}

	@FunctionalInterface
	interface Reader {

		@Nullable Object read(String data);

	}

}
