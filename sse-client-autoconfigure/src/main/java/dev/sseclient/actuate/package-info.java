/**
 * The {@code sse} actuator endpoint: every stream's state, and start, stop or restart by name.
 */
@NullMarked
package dev.sseclient.actuate;

import org.jspecify.annotations.NullMarked;
