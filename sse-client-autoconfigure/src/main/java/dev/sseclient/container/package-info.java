/**
 * Stream containers and their registry: each stream's connection, dispatch to listeners, lifecycle and the streams registered at run time.
 */
@NullMarked
package dev.sseclient.container;

import org.jspecify.annotations.NullMarked;
