/**
 * Test support: a scriptable Server-Sent Events server on loopback.
 */
@NullMarked
package dev.sseclient.test;

import org.jspecify.annotations.NullMarked;
