/**
 * Health of the streams for actuator.
 */
@NullMarked
package dev.sseclient.health;

import org.jspecify.annotations.NullMarked;
