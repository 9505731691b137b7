package dev.sseclient.container;

import org.jspecify.annotations.Nullable;

import dev.sseclient.core.SseClient;
import dev.sseclient.core.SseRequest;

/**
 * A declared stream: what to request, through which client, and how its container runs.
 *
 * @param name the stream's name, as listeners refer to it
 * @param request the request, with reconnection, timeouts and limits
 * @param client the client it connects through (its own when it has an SSL bundle or proxy)
 * @param bufferSize events buffered between the connection and the listeners
 * @param overflow what happens when the buffer is full
 * @param autoStartup whether the stream starts with the application
 * @param template the template under {@code sse.client.templates} it was made from, or
 * {@code null}
 * @param meterGroup for a stream registered at run time whose meters are shared: the value of
 * their {@code stream} tag (the template's name, or {@value #REGISTERED} for bare requests);
 * {@code null} for meters of its own
 * @param listenerThread which thread calls the stream's listeners
 */
public record StreamDefinition(String name, SseRequest request, SseClient client, int bufferSize,
		OverflowPolicy overflow, boolean autoStartup, @Nullable String template, @Nullable String meterGroup,
		ListenerThread listenerThread) {

	/** The {@code stream} tag of the shared meters of streams registered from bare requests. */
	public static final String REGISTERED = "registered";

	/** The {@code template} tag of meters of streams made from no template. */
	public static final String NO_TEMPLATE = "none";

	/** A stream made from no template. */
	public StreamDefinition(String name, SseRequest request, SseClient client, int bufferSize, OverflowPolicy overflow,
			boolean autoStartup) {
		this(name, request, client, bufferSize, overflow, autoStartup, null, null, ListenerThread.POOL);
	}

	/** A stream with meters of its own. */
	public StreamDefinition(String name, SseRequest request, SseClient client, int bufferSize, OverflowPolicy overflow,
			boolean autoStartup, @Nullable String template) {
		this(name, request, client, bufferSize, overflow, autoStartup, template, null, ListenerThread.POOL);
	}

	/** A stream whose listeners are called on the listener pool. */
	public StreamDefinition(String name, SseRequest request, SseClient client, int bufferSize, OverflowPolicy overflow,
			boolean autoStartup, @Nullable String template, @Nullable String meterGroup) {
		this(name, request, client, bufferSize, overflow, autoStartup, template, meterGroup, ListenerThread.POOL);
	}

	/** The value of the {@code stream} tag of this stream's meters. */
	public String meterStream() {
		return (this.meterGroup != null) ? this.meterGroup : this.name;
	}

	/** The value of the {@code template} tag of this stream's meters. */
	public String meterTemplate() {
		return (this.template != null) ? this.template : NO_TEMPLATE;
	}

	/** The same stream, its meters shared under {@code group}. */
	public StreamDefinition withMeterGroup(String group) {
		return new StreamDefinition(this.name, this.request, this.client, this.bufferSize, this.overflow, this.autoStartup,
				this.template, group, this.listenerThread);
	}

}
