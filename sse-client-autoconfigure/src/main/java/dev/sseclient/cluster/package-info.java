/**
 * Cluster mode: each declared stream runs on one of several application instances, chosen
 * by a lock per stream in a Spring Integration lock registry.
 */
@NullMarked
package dev.sseclient.cluster;

import org.jspecify.annotations.NullMarked;
