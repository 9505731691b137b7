package dev.sseclient.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.ClassUtils;

import dev.sseclient.container.InvalidSseConfigurationException;

/**
 * Fails startup on a key under {@code sse.client} that no property answers to, such as
 * {@code sse.client.streams.ticks.reconect.max-delay}: Boot's binder would ignore it and the
 * stream would run with a setting the user did not mean. The message names the key, the stream,
 * and the nearest key that exists. The known keys are read from {@link SseClientProperties}, so
 * they never drift from it. Environment variables are not checked: their names map to
 * properties in more than one way.
 */
final class UnknownProperties {

	private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(StreamDefinitions.PREFIX);

	/** Keys below a stream or the defaults, such as {@code reconnect.max-delay}; a trailing dot takes any name. */
	private static final Set<String> STREAM_KEYS = keysOf(SseClientProperties.Stream.class, "");

	/** Keys below {@code sse.client} other than the streams and the defaults. */
	private static final Set<String> OTHER_KEYS = otherKeys();

	/** Settings read by sse-client-kafka, which checks them itself: keys under a stream, then under sse.client. */
	private static final String KAFKA_STREAM_KEYS = "forward.kafka.";

	private static final String KAFKA_KEYS = "kafka.";

	private static final String KAFKA_MODULE = "dev.sseclient.kafka.KafkaForwardingAutoConfiguration";

	private UnknownProperties() {
	}

	static void check(Iterable<ConfigurationPropertySource> sources) {
		for (ConfigurationPropertySource source : sources) {
			if (source instanceof IterableConfigurationPropertySource iterable
					&& !(source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource)) {
				iterable.filter(ROOT::isAncestorOf).forEach(UnknownProperties::check);
			}
		}
	}

	private static void check(ConfigurationPropertyName name) {
		List<String> rest = new ArrayList<>();
		int end = name.getNumberOfElements();
		while (end > ROOT.getNumberOfElements() && name.isNumericIndex(end - 1)) {
			end--; // an element of a list
		}
		for (int i = ROOT.getNumberOfElements(); i < end; i++) {
			rest.add(name.getElement(i, Form.DASHED));
		}
		if (rest.isEmpty()) {
			return;
		}
		String full = StreamDefinitions.PREFIX + "." + String.join(".", rest);
		if ((rest.get(0).equals("streams") || rest.get(0).equals("templates")) && rest.size() >= 2) {
			String stream = rest.get(1);
			String key = String.join(".", rest.subList(2, rest.size()));
			String kind = rest.get(0).equals("streams") ? "stream" : "template";
			if (isKafkaKey(full, key, KAFKA_STREAM_KEYS)) {
				return;
			}
			if (!isKnown(STREAM_KEYS, key)) {
				fail(full, "is not a setting of a stream (" + kind + " '" + stream + "')",
						nearest(key, STREAM_KEYS, StreamDefinitions.PREFIX + "." + rest.get(0) + "." + stream + "."));
			}
			return;
		}
		if (rest.get(0).equals("defaults")) {
			String key = String.join(".", rest.subList(1, rest.size()));
			if (isKafkaKey(full, key, KAFKA_STREAM_KEYS)) {
				return;
			}
			if (!isKnown(STREAM_KEYS, key)) {
				fail(full, "is not a setting of a stream (in the defaults of every stream)",
						nearest(key, STREAM_KEYS, StreamDefinitions.PREFIX + ".defaults."));
			}
			return;
		}
		String key = String.join(".", rest);
		if (isKafkaKey(full, key, KAFKA_KEYS)) {
			return;
		}
		if (!isKnown(OTHER_KEYS, key)) {
			Set<String> candidates = new TreeSet<>(OTHER_KEYS);
			String stream = (rest.size() >= 2) ? rest.get(1) : "<name>";
			STREAM_KEYS.forEach((streamKey) -> {
				candidates.add("streams." + stream + "." + streamKey);
				candidates.add("defaults." + streamKey);
			});
			fail(full, "is not a property of sse-client", nearest(key, candidates, StreamDefinitions.PREFIX + "."));
		}
	}

	/**
	 * Whether the key is one of sse-client-kafka's, which binds and checks its own; fails when
	 * that module is not on the class path, since nothing would forward.
	 */
	private static boolean isKafkaKey(String full, String key, String kafkaPrefix) {
		if (!key.startsWith(kafkaPrefix)) {
			return false;
		}
		if (!ClassUtils.isPresent(KAFKA_MODULE, UnknownProperties.class.getClassLoader())) {
			throw new InvalidSseConfigurationException(full, "is a setting of forwarding to Kafka, and sse-client-kafka is "
					+ "not on the class path", "Add the dependency dev.sseclient:sse-client-kafka, or remove " + full + ".");
		}
		return true;
	}

	private static boolean isKnown(Set<String> keys, String key) {
		if (keys.contains(key)) {
			return true;
		}
		for (String known : keys) {
			if (known.endsWith(".") && key.startsWith(known) && key.length() > known.length()) {
				return true;
			}
		}
		return false;
	}

	private static void fail(String key, String problem, String nearest) {
		throw new InvalidSseConfigurationException(key, problem,
				"Did you mean " + nearest + "? Correct or remove " + key + ".");
	}

	private static String nearest(String key, Collection<String> candidates, String prefix) {
		String best = candidates.stream()
			.min(Comparator.comparingInt((String candidate) -> distance(key, shown(candidate))))
			.orElseThrow();
		return prefix + shown(best);
	}

	/** A key that takes any name, shown with a placeholder. */
	private static String shown(String key) {
		return key.endsWith(".") ? key + "<name>" : key;
	}

	/** Edit distance: insertions, deletions and substitutions. */
	static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	private static Set<String> otherKeys() {
		Set<String> keys = keysOf(SseClientProperties.class, "");
		keys.removeIf((key) -> key.startsWith("streams.") || key.startsWith("templates.") || key.startsWith("defaults."));
		return keys;
	}

	/**
	 * The dashed keys of a properties class: a nested class of {@link SseClientProperties} is
	 * walked into; a map of values takes any name below it (a trailing dot); a map of streams
	 * and the defaults are left to the caller.
	 */
	private static Set<String> keysOf(Class<?> type, String prefix) {
		Set<String> keys = new TreeSet<>();
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
			if (property.getReadMethod() == null || property.getName().equals("class")) {
				continue;
			}
			String key = prefix + DataObjectPropertyName.toDashedForm(property.getName());
			Class<?> propertyType = property.getPropertyType();
			if (Map.class.isAssignableFrom(propertyType)) {
				keys.add(key + ".");
			}
			else if (!propertyType.isEnum() && (propertyType.getEnclosingClass() == SseClientProperties.class
					|| (propertyType.getEnclosingClass() != null
							&& propertyType.getEnclosingClass().getEnclosingClass() == SseClientProperties.class))) {
				keys.add(key + ".");
				keys.addAll(keysOf(propertyType, key + "."));
				keys.remove(key + ".");
			}
			else {
				keys.add(key);
			}
		}
		return keys;
	}

}
