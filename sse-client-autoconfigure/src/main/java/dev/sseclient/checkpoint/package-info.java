/**
 * Where the last event every listener got through is kept, so a restart resumes from it.
 */
@NullMarked
package dev.sseclient.checkpoint;

import org.jspecify.annotations.NullMarked;
