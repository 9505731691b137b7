package dev.sseclient.core;

/**
 * Anything a stream delivers: an {@link SseEvent} or an {@link SseSignal} (a comment, or
 * something that happened to the connection). {@link SseStream#items()} delivers them in one
 * sequence, in the order they happened on the wire, so an application never sees a comment, a
 * reconnect or the end of a stream before the events that came before it.
 */
public sealed interface SseItem permits SseEvent, SseSignal {

}
