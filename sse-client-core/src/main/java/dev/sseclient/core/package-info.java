/**
 * The programmatic API: {@link dev.sseclient.core.SseClient} opens streams described by
 * {@link dev.sseclient.core.SseRequest} and keeps them alive.
 */
@NullMarked
package dev.sseclient.core;

import org.jspecify.annotations.NullMarked;
