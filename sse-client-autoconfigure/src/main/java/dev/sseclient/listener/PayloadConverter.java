package dev.sseclient.listener;

import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;
import org.springframework.core.ResolvableType;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;

/**
 * Turns event data into a listener's payload type: {@code String} as is, simple types (numbers,
 * enums, UUIDs, dates...) with the conversion service, everything else from JSON with the
 * application's {@link JsonMapper}, generic types included.
 */
public final class PayloadConverter {

	private final @Nullable JsonMapper jsonMapper;

	private final ConversionService conversionService;

	public PayloadConverter(@Nullable JsonMapper jsonMapper, ConversionService conversionService) {
		this.jsonMapper = jsonMapper;
		this.conversionService = conversionService;
	}

	/** A function reading data as {@code type}, prepared once per listener parameter. */
	Reader readerFor(ResolvableType type) {
		Class<?> raw = type.toClass();
		if (raw == String.class || raw == CharSequence.class || raw == Object.class) {
			return (data) -> data;
		}
		if (BeanUtils.isSimpleValueType(raw)) {
			TypeDescriptor target = TypeDescriptor.valueOf(raw);
			if (this.conversionService.canConvert(TypeDescriptor.valueOf(String.class), target)) {
				return (data) -> this.conversionService.convert(data.strip(), TypeDescriptor.valueOf(String.class),
						target);
			}
		}
		JsonMapper mapper = this.jsonMapper;
		if (mapper == null) {
			throw new IllegalStateException("Cannot read event data as " + type + " without a Jackson JsonMapper");
		}
		Type generic = type.getType();
		JavaType javaType = mapper.getTypeFactory().constructType(generic);
		return (data) -> mapper.readValue(data, javaType);
	}

	@FunctionalInterface
	interface Reader {

		@Nullable Object read(String data);

	}

}
