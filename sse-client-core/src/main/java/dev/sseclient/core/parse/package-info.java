/**
 * A byte-level {@code text/event-stream} parser that follows the WHATWG rules exactly.
 */
@NullMarked
package dev.sseclient.core.parse;

import org.jspecify.annotations.NullMarked;
