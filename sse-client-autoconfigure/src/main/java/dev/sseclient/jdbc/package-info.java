/**
 * Helpers for the tables this library keeps in the application's database.
 */
@NullMarked
package dev.sseclient.jdbc;

import org.jspecify.annotations.NullMarked;
