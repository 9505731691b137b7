/**
 * Micrometer meters of the streams.
 */
@NullMarked
package dev.sseclient.metrics;

import org.jspecify.annotations.NullMarked;
