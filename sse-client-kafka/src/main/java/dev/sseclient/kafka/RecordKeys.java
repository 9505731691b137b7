package dev.sseclient.kafka;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.ClassUtils;

import dev.sseclient.container.InvalidSseConfigurationException;
import dev.sseclient.core.SseEvent;

/**
 * What keys a forwarded record: the stream's name (the default: a stream's events stay in
 * order in one partition), the event's id, nothing (records spread over partitions), or the
 * value at a JSON pointer into the data, read only for this.
 */
final class RecordKeys {

	private static final Log logger = LogFactory.getLog(RecordKeys.class);

	private static final boolean JACKSON_PRESENT = ClassUtils.isPresent("tools.jackson.databind.json.JsonMapper",
			RecordKeys.class.getClassLoader());

	private RecordKeys() {
	}

	/** Fails naming {@code property} when {@code key} is none of the kinds. */
	static void check(String key, String property) {
		if (key.equals("stream") || key.equals("id") || key.equals("none")) {
			return;
		}
		if (!key.startsWith("/")) {
			throw new InvalidSseConfigurationException(property, "is '" + key + "', which is none of stream, id, none "
					+ "or a JSON pointer into the data", "Set it to stream, id, none, or a pointer such as /meta/domain.");
		}
		if (!JACKSON_PRESENT) {
			throw new InvalidSseConfigurationException(property, "is a JSON pointer, and Jackson is not on the class path",
					"Add tools.jackson.core:jackson-databind, or key by stream, id or none.");
		}
		try {
			JsonPointer.compile(key);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidSseConfigurationException(property, "is not a valid JSON pointer: " + ex.getMessage(),
					"Write it as RFC 6901 says, such as /meta/domain.");
		}
	}

	/** The key of an event's record, as bytes; {@code null} for no key. */
	static Function<SseEvent, byte @Nullable []> of(String key, String stream, @Nullable JsonMapper jsonMapper) {
		return switch (key) {
			case "stream" -> {
				byte[] name = stream.getBytes(StandardCharsets.UTF_8);
				yield (event) -> name;
			}
			case "id" -> (event) -> event.id().isEmpty() ? null : event.id().getBytes(StandardCharsets.UTF_8);
			case "none" -> (event) -> null;
			default -> pointer(JsonPointer.compile(key), (jsonMapper != null) ? jsonMapper : JsonMapper.shared());
		};
	}

	/** The value at the pointer: a string as it is, anything else as JSON; no key where missing or unreadable. */
	private static Function<SseEvent, byte @Nullable []> pointer(JsonPointer pointer, JsonMapper jsonMapper) {
		return (event) -> {
			try {
				JsonNode value = jsonMapper.readTree(event.data()).at(pointer);
				if (value.isMissingNode() || value.isNull()) {
					return null;
				}
				return (value.isString() ? value.asString() : value.toString()).getBytes(StandardCharsets.UTF_8);
			}
			catch (JacksonException ex) {
				if (logger.isDebugEnabled()) {
					logger.debug("Stream '" + event.stream() + "': event " + event.id() + " is not JSON; forwarded without a key");
				}
				return null;
			}
		};
	}

}
