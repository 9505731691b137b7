package dev.sseclient.readme;

/** The README's user type: one reading of a device. */
record Reading(double value) {
}
