package dev.sseclient.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.Conventions;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.env.Environment;
import org.springframework.util.DigestUtils;

/**
 * The settings of every stream (or template) and their defaults, read from the environment in
 * one pass and kept by stream, so each stream binds against its own few properties. Bound
 * against the whole environment, every setting of every stream was looked up in every
 * property source, and each name tried was cached: at 10,000 streams that took seconds and
 * tens of kilobytes a stream. Property sources that cannot list their names are not read;
 * Boot's binder cannot find stream names in them either.
 */
final class StreamProperties {

	private static final ConfigurationPropertyName DEFAULTS = ConfigurationPropertyName
		.of(StreamDefinitions.PREFIX + ".defaults");

	private final ConfigurationPropertyName root;

	private final Group defaults;

	/** By the name {@code sse.client.<section>.<stream>}, so differently written names of one stream meet. */
	private final Map<ConfigurationPropertyName, Group> groups;

	private final Current current = new Current();

	private final Binder binder;

	private StreamProperties(ConfigurationPropertyName root, Group defaults,
			Map<ConfigurationPropertyName, Group> groups, PropertySourcesPlaceholdersResolver placeholders) {
		this.root = root;
		this.defaults = defaults;
		this.groups = groups;
		this.binder = new Binder(List.of(this.current), placeholders);
	}

	/**
	 * Reads the defaults and {@code sse.client.<section>.*}, the first source to set a property
	 * winning as in the environment.
	 */
	static StreamProperties read(Environment environment, String section) {
		ConfigurationPropertyName root = ConfigurationPropertyName.of(StreamDefinitions.PREFIX + "." + section);
		Group defaults = new Group(StreamDefinitions.PREFIX + ".defaults");
		Map<ConfigurationPropertyName, Group> groups = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			iterable.stream().forEach((name) -> {
				if (DEFAULTS.isAncestorOf(name)) {
					defaults.add(name, source);
				}
				else if (root.isAncestorOf(name) && name.getNumberOfElements() > root.getNumberOfElements() + 1) {
					ConfigurationPropertyName stream = name.chop(root.getNumberOfElements() + 1);
					groups.computeIfAbsent(stream, (key) -> new Group(key.getLastElement(Form.ORIGINAL))).add(name, source);
				}
			});
		}
		return new StreamProperties(root, defaults, groups, new PropertySourcesPlaceholdersResolver(environment));
	}

	/**
	 * Per stream (or template), a short hash of what defines it: every property it sets as
	 * written, placeholders unresolved, header values and the body left out (they may be
	 * secrets, and the hash is shared between instances).
	 */
	Map<String, String> fingerprints() {
		Map<String, String> fingerprints = new LinkedHashMap<>();
		this.groups.forEach((stream, group) -> {
			StringBuilder definition = new StringBuilder();
			group.properties.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach((entry) -> {
				ConfigurationPropertyName relative = entry.getKey().subName(stream.getNumberOfElements());
				String setting = relative.toString();
				boolean secret = setting.startsWith("headers.") || setting.equals("body");
				definition.append(setting).append('=').append(secret ? "" : String.valueOf(entry.getValue().getValue())).append('\n');
			});
			fingerprints.put(group.label, DigestUtils.md5DigestAsHex(definition.toString().getBytes(StandardCharsets.UTF_8)));
		});
		return fingerprints;
	}

	/** The names of the streams (or templates) set, in the order first seen. */
	Set<String> names() {
		Set<String> names = new LinkedHashSet<>();
		this.groups.values().forEach((group) -> names.add(group.label));
		return names;
	}

	/**
	 * Binds the defaults, then the stream's own settings over them: a map (headers) adds to the
	 * defaults' entries, any other value replaces the default. Each property set is bound on its
	 * own, so a stream costs what it sets rather than every setting a stream has; a name that
	 * is no property's (an environment variable's, such as {@code reconnect.maxdelay}) has the
	 * whole settings bound instead.
	 * @param prefix the stream's, such as {@code sse.client.streams.prices}
	 */
	synchronized SseClientProperties.Stream bind(String prefix) {
		ConfigurationPropertyName own = ConfigurationPropertyName.of(prefix);
		Group ownGroup = this.groups.getOrDefault(own, Group.EMPTY);
		SseClientProperties.Stream stream = new SseClientProperties.Stream();
		BeanWrapper target = new BeanWrapperImpl(stream);
		if (bindEach(this.defaults, DEFAULTS, target) && bindEach(ownGroup, own, target)) {
			return stream;
		}
		SseClientProperties.Stream whole = new SseClientProperties.Stream();
		bindWhole(this.defaults, DEFAULTS, whole);
		bindWhole(ownGroup, own, whole);
		return whole;
	}

	/** One binder serves every stream; it sees the group being bound through {@link Current}. */
	private void bindWhole(Group group, ConfigurationPropertyName name, SseClientProperties.Stream stream) {
		this.current.group = group;
		try {
			this.binder.bind(name, Bindable.ofInstance(stream));
		}
		finally {
			this.current.group = Group.EMPTY;
		}
	}

	/** Binds each property the group sets; {@code false} when a name maps to no property. */
	private boolean bindEach(Group group, ConfigurationPropertyName prefix, BeanWrapper target) {
		this.current.group = group;
		try {
			Set<String> bound = new HashSet<>();
			for (ConfigurationPropertyName name : group) {
				int element = prefix.getNumberOfElements();
				String path = null;
				TypeDescriptor type = null;
				while (element < name.getNumberOfElements()) {
					String property = Conventions.attributeNameToPropertyName(name.getElement(element, Form.DASHED));
					path = (path != null) ? path + "." + property : property;
					type = target.isReadableProperty(path) ? target.getPropertyTypeDescriptor(path) : null;
					if (type == null) {
						return false;
					}
					if (!isSettings(type.getType()) || element + 1 == name.getNumberOfElements()) {
						break;
					}
					element++;
				}
				if (path != null && type != null && bound.add(path)) {
					bindProperty(name.chop(element + 1), path, type, target);
				}
			}
			return true;
		}
		finally {
			this.current.group = Group.EMPTY;
		}
	}

	@SuppressWarnings("unchecked")
	private void bindProperty(ConfigurationPropertyName name, String path, TypeDescriptor type, BeanWrapper target) {
		Object value = this.binder.bind(name, Bindable.of(type.getResolvableType())).orElse(null);
		if (value instanceof Map<?, ?> entries && target.getPropertyValue(path) instanceof Map<?, ?> existing) {
			((Map<Object, Object>) existing).putAll(entries);
		}
		else if (value != null) {
			target.setPropertyValue(path, value);
		}
	}

	/** A nested settings class, such as the reconnect or proxy settings, walked into. */
	private static boolean isSettings(Class<?> type) {
		return type.getName().startsWith(SseClientProperties.class.getName() + "$") && !type.isEnum();
	}

	/** The property as set, with its origin, or {@code null}. */
	@Nullable ConfigurationProperty find(ConfigurationPropertyName name) {
		if (DEFAULTS.isAncestorOf(name)) {
			return this.defaults.getConfigurationProperty(name);
		}
		if (this.root.isAncestorOf(name) && name.getNumberOfElements() > this.root.getNumberOfElements() + 1) {
			Group group = this.groups.get(name.chop(this.root.getNumberOfElements() + 1));
			return (group != null) ? group.getConfigurationProperty(name) : null;
		}
		return null;
	}

	/** The properties of the stream being bound. */
	private static final class Current implements IterableConfigurationPropertySource {

		Group group = Group.EMPTY;

		@Override
		public @Nullable ConfigurationProperty getConfigurationProperty(ConfigurationPropertyName name) {
			return this.group.getConfigurationProperty(name);
		}

		@Override
		public Stream<ConfigurationPropertyName> stream() {
			return this.group.stream();
		}

	}

	/** The properties of one stream, or of the defaults: a handful, searched through directly. */
	private static final class Group implements IterableConfigurationPropertySource {

		static final Group EMPTY = new Group("");

		final String label;

		private final Map<ConfigurationPropertyName, ConfigurationProperty> properties = new LinkedHashMap<>();

		Group(String label) {
			this.label = label;
		}

		void add(ConfigurationPropertyName name, ConfigurationPropertySource source) {
			if (!this.properties.containsKey(name)) {
				ConfigurationProperty property = source.getConfigurationProperty(name);
				if (property != null) {
					this.properties.put(name, property);
				}
			}
		}

		@Override
		public @Nullable ConfigurationProperty getConfigurationProperty(ConfigurationPropertyName name) {
			return this.properties.get(name);
		}

		@Override
		public Stream<ConfigurationPropertyName> stream() {
			return this.properties.keySet().stream();
		}

	}

}
