package dev.sseclient.kafka;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.core.env.Environment;

import dev.sseclient.container.InvalidSseConfigurationException;
import dev.sseclient.container.StreamDefinition;

/**
 * Reads a stream's {@code forward.kafka} settings: its own (a declared stream's, or its
 * template's), each missing one taken from {@code sse.client.defaults.forward.kafka}. An unknown
 * key or an unusable value fails with the property named.
 */
final class ForwardSettingsBinder {

	private static final String PREFIX = "sse.client";

	private static final String DEFAULTS = PREFIX + ".defaults.forward.kafka";

	private final Binder binder;

	/** A template's settings, read at its first stream: thousands of streams of a template bind once. */
	private final Map<String, Optional<ForwardSettings>> templates = new ConcurrentHashMap<>();

	ForwardSettingsBinder(Environment environment) {
		this.binder = Binder.get(environment);
	}

	/** The stream's forwarding, or {@code null} when no topic is set for it. */
	@Nullable ForwardSettings settingsOf(StreamDefinition definition) {
		String template = definition.template();
		if (template != null) {
			return this.templates
				.computeIfAbsent(template, (name) -> Optional.ofNullable(settingsUnder(prefix("templates", name))))
				.orElse(null);
		}
		return settingsUnder(prefix("streams", definition.name()));
	}

	private @Nullable ForwardSettings settingsUnder(String streamOrTemplate) {
		String own = streamOrTemplate + ".forward.kafka";
		Forward stream = bind(own);
		Forward defaults = bind(DEFAULTS);
		String topic = (stream.topic != null) ? stream.topic : defaults.topic;
		if (topic == null) {
			return null;
		}
		String topicProperty = ((stream.topic != null) ? own : DEFAULTS) + ".topic";
		if (topic.isBlank()) {
			throw new InvalidSseConfigurationException(topicProperty, "is blank", "Name the topic to forward to.");
		}
		String key = (stream.key != null) ? stream.key : (defaults.key != null) ? defaults.key : "stream";
		String keyProperty = ((stream.key != null) ? own : DEFAULTS) + ".key";
		RecordKeys.check(key, keyProperty);
		boolean exactlyOnce = (stream.exactlyOnce != null) ? stream.exactlyOnce
				: (defaults.exactlyOnce != null) && defaults.exactlyOnce;
		return new ForwardSettings(topic, key, exactlyOnce, topicProperty);
	}

	private Forward bind(String name) {
		try {
			return this.binder
				.bind(name, Bindable.of(Forward.class),
						new NoUnboundElementsBindHandler(new IgnoreTopLevelConverterNotFoundBindHandler()))
				.orElseGet(Forward::new);
		}
		catch (BindException ex) {
			if (ex.getCause() instanceof UnboundConfigurationPropertiesException unbound
					&& !unbound.getUnboundProperties().isEmpty()) {
				String key = unbound.getUnboundProperties().iterator().next().getName().toString();
				throw new InvalidSseConfigurationException(key, "is not a setting of forwarding to Kafka",
						"Use " + name + ".topic, " + name + ".key or " + name + ".exactly-once; correct or remove " + key
								+ ".");
			}
			throw ex;
		}
	}

	private static String prefix(String section, String name) {
		return name.matches("[a-z0-9-]+") ? PREFIX + "." + section + "." + name : PREFIX + "." + section + "[" + name + "]";
	}

	/** The settings under {@code forward.kafka}, each {@code null} where not set. */
	static final class Forward {

		private @Nullable String topic;

		private @Nullable String key;

		private @Nullable Boolean exactlyOnce;

		public @Nullable String getTopic() {
			return this.topic;
		}

		public void setTopic(@Nullable String topic) {
			this.topic = topic;
		}

		public @Nullable String getKey() {
			return this.key;
		}

		public void setKey(@Nullable String key) {
			this.key = key;
		}

		public @Nullable Boolean getExactlyOnce() {
			return this.exactlyOnce;
		}

		public void setExactlyOnce(@Nullable Boolean exactlyOnce) {
			this.exactlyOnce = exactlyOnce;
		}

	}

}
