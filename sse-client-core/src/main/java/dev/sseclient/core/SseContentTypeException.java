package dev.sseclient.core;

import org.jspecify.annotations.Nullable;

/**
 * The server answered 200 but not with {@code text/event-stream}: the URL most likely points at
 * something other than an event stream, so the stream stops.
 */
public class SseContentTypeException extends SseException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String contentType;

	public SseContentTypeException(String url, @Nullable String contentType, String body) {
		super("The server at " + url + " answered 200 with content type "
				+ ((contentType != null) ? "'" + contentType + "'" : "(none)") + " instead of text/event-stream"
				+ (body.isEmpty() ? "" : ": " + body), null, false);
		this.contentType = contentType;
	}

	/** The content type that arrived, or {@code null} when there was none. */
	public @Nullable String getContentType() {
		return this.contentType;
	}

}
