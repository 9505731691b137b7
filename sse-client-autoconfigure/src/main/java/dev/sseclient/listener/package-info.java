/**
 * {@code @SseListener} methods: discovery, payload conversion, error handling and observations.
 */
@NullMarked
package dev.sseclient.listener;

import org.jspecify.annotations.NullMarked;
