/**
 * Spring Boot auto-configuration for sse-client.
 */
@NullMarked
package dev.sseclient.autoconfigure;

import org.jspecify.annotations.NullMarked;
