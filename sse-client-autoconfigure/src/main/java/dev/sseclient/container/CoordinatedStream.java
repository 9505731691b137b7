package dev.sseclient.container;

import org.jspecify.annotations.Nullable;

/**
 * A stream as a {@link SseStreamCoordinator} sees it: its name, and whether it was declared or
 * registered at run time (from a template, or from a bare request). A coordinator may guard a
 * declared stream on its own and streams registered at run time in groups.
 *
 * @param name the stream's name
 * @param declared whether it is declared under {@code sse.client.streams}
 * @param template the template it was registered from, or {@code null}
 */
public record CoordinatedStream(String name, boolean declared, @Nullable String template) {

	/** A declared stream. */
	public static CoordinatedStream declared(String name) {
		return new CoordinatedStream(name, true, null);
	}

	/** A stream registered at run time, from {@code template} or, when {@code null}, a bare request. */
	public static CoordinatedStream registered(String name, @Nullable String template) {
		return new CoordinatedStream(name, false, template);
	}

}
