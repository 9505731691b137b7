package dev.sseclient.benchmarks.drivers;

import java.lang.management.ManagementFactory;

/** CPU time of this JVM so far, every thread: a client's cost per event, whatever its threads. */
final class ProcessCpu {

	private ProcessCpu() {
	}

	static long nanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

}
