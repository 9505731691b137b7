#!/usr/bin/env bash
# Many streams in the application users run: a Boot app with actuator and a Prometheus registry
# registers 10,000 streams at run time from a template (shared meters, one health component:
# the defaults), each receiving a numbered tick a second from the suite's loopback server (every
# stream's tick in the same moment, stamped as written, for the burst latency), over
# HTTP/1.1 and over h2c; once more over HTTP/1.1 with per-stream meters asked for, to show what
# sharing saves; once with listener-thread: connection (no hand-off to the listener pool); once on
# the parallel collector instead of G1 (what G1's write barriers cost a burst); once on 16 event
# loops of the starter's own (sse.client.io-threads: 16); and
# okhttp-sse (a thread per stream, no application) for the burst's reference. A burst's latency
# is measured twice: from the server's write of each tick (the goal's measure) and from the
# moment the tick was due, the same for every stream (how long the whole burst took to reach the
# application; the server's own lag, due to written, is its floor). On shared cores the first
# rewards a client that preempts the writer: more threads slow the server's writes, and each tick
# is read at once after its late write. Prints each run's figures and one TARGET line per goal.
# About 7 minutes.
#   benchmarks/app-streams.sh [streams] [ticks]
set -euo pipefail
cd "$(dirname "$0")/.."
streams=${1:-10000}
ticks=${2:-30}
./mvnw -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
results=$(mktemp)
run() { # protocol per-stream-meters [listener-thread] [collector: g1 or parallel] [io-threads]
	coproc SERVER { java -Xmx1g -cp "$cp" dev.sseclient.benchmarks.server.BenchServer; }
	read -r line <&"${SERVER[0]}"
	port=$(echo "$line" | awk '{print $3}')
	gc=${4:-g1}
	gcOption=$([ "$gc" = parallel ] && echo "-XX:+UseParallelGC" || echo "-XX:+UseG1GC")
	java -Xmx2g "$gcOption" -cp "$cp" dev.sseclient.benchmarks.drivers.DriverMain ours app-streams \
		"url=http://127.0.0.1:$port/ticks?count=$ticks&interval=1000&stamped=1" "streams=$streams" "ticks=$ticks" \
		"protocol=$1" "per-stream-meters=$2" "listener-thread=${3:-pool}" ${5:+"io-threads=$5"} \
		| grep '^RESULT' | sed "s/\$/ gc=$gc/" \
		| tee -a "$results"
	exec {SERVER[1]}>&-
	wait
}
run http11 false
run h2c false
run http11 true
run http11 false connection
# the same application on the parallel collector: what G1's write barriers and refinement cost a burst
run http11 false pool parallel
# the streams on 16 event loops of their own (sse.client.io-threads) rather than Reactor Netty's shared 4
run http11 false pool g1 16
# the reference: okhttp-sse, the same streams, a thread each (small stacks so 10,000 fit); twice
# the ticks, as its threads take some 25 s to open every stream: else the first streams end
# within its bursts' window, and its bursts shrink
coproc SERVER { java -Xmx1g -cp "$cp" dev.sseclient.benchmarks.server.BenchServer; }
read -r line <&"${SERVER[0]}"
port=$(echo "$line" | awk '{print $3}')
java -Xmx2g -Xss256k -cp "$cp" dev.sseclient.benchmarks.drivers.DriverMain okhttp-sse streams \
	"url=http://127.0.0.1:$port/ticks?count=$((ticks * 2))&interval=1000&stamped=1" "streams=$streams" "ticks=$((ticks * 2))" \
	protocol=http11 | grep '^RESULT' | tee -a "$results"
exec {SERVER[1]}>&-
wait
awk '
/^RESULT/ {
	delete v
	for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	key = (v["client"] == "okhttp-sse") ? "okhttp" : v["protocol"] "-" v["perStreamMeters"] (v["listenerThread"] == "connection" ? "-connection" : "") (v["gc"] == "parallel" ? "-parallel" : "") (v["ioThreads"] != "" && v["ioThreads"] != "shared" ? "-io" : "")
	heap[key] = v["heapPerStreamKB"]; scrape[key] = v["scrapeKB"]; lost[key] = v["lost"]; threads[key] = v["threads"]
	register[key] = v["registerSeconds"]; health[key] = v["healthKB"]; healthMs[key] = v["healthMillis"]
	burst[key] = v["burstP99Millis"]; open[key] = v["allOpenSeconds"]; cpu[key] = v["burstCpuMicrosPerEvent"]; p50[key] = v["burstP50Millis"]
	dueP50[key] = v["burstSinceDueP50Millis"]; dueP99[key] = v["burstSinceDueP99Millis"]; lagP99[key] = v["burstWriteLagP99Millis"]
}
END {
	for (p = 1; p <= 2; p++) {
		k = (p == 1) ? "http11-false" : "h2c-false"
		printf "TARGET %s: heap per stream in the application <= 10 KB (%.2f KB): %s\n", k, heap[k], (heap[k] <= 10) ? "PASS" : "FAIL"
		printf "TARGET %s: Prometheus scrape <= 200 KB (%.1f KB): %s\n", k, scrape[k], (scrape[k] <= 200) ? "PASS" : "FAIL"
		printf "TARGET %s: p99 write-to-listener when every stream gets its tick at once <= 5 ms (%.2f ms): %s\n", k, burst[k], (burst[k] <= 5) ? "PASS" : "FAIL"
		printf "TARGET %s: health answer small and quick (%.1f KB, %.0f ms): %s\n", k, health[k], healthMs[k], (health[k] <= 10 && healthMs[k] <= 1000) ? "PASS" : "FAIL"
		printf "TARGET %s: registering the streams <= 3 s beyond an empty app (%.2f s; all open after %.2f s): %s\n", k, register[k], open[k], (register[k] <= 3) ? "PASS" : "FAIL"
		printf "TARGET %s: threads flat (%d): %s\n", k, threads[k], (threads[k] <= 64) ? "PASS" : "FAIL"
		printf "TARGET %s: nothing lost (%d): %s\n", k, lost[k], (lost[k] == 0) ? "PASS" : "FAIL"
	}
	printf "listener-thread: connection, HTTP/1.1: burst p99 %.2f ms, heap %.2f KB a stream\n", burst["http11-false-connection"], heap["http11-false-connection"]
	printf "the parallel collector, HTTP/1.1: burst p99 %.2f ms and %.1f us of JVM CPU a tick, against G1: %.2f ms and %.1f us\n", burst["http11-false-parallel"], cpu["http11-false-parallel"], burst["http11-false"], cpu["http11-false"]
	printf "io-threads: 16, HTTP/1.1: burst p50 %.2f ms, p99 %.2f ms, %d threads, against the shared loops: %.2f ms, %.2f ms\n", p50["http11-false-io"], burst["http11-false-io"], threads["http11-false-io"], p50["http11-false"], burst["http11-false"]
	printf "okhttp-sse, HTTP/1.1, a thread a stream: burst p99 %.2f ms, %.1f us of JVM CPU a tick, heap %.2f KB a stream, %d threads\n", burst["okhttp"], cpu["okhttp"], heap["okhttp"], threads["okhttp"]
	printf "since the due moment (the whole burst), p50 / p99 ms, with the lag p99 of the server itself (the floor):\n"
	n = split("http11-false h2c-false http11-false-connection http11-false-parallel http11-false-io okhttp", keys, " ")
	for (i = 1; i <= n; i++) {
		printf "  %-26s %7.1f / %7.1f ms (server lag %.1f ms; since the write %.2f / %.2f ms)\n", keys[i], dueP50[keys[i]], dueP99[keys[i]], lagP99[keys[i]], p50[keys[i]], burst[keys[i]]
	}
	printf "REFERENCE: a whole burst reaches the application, p99 since its due moment, against okhttp-sse: %.2f (%.1f against %.1f ms)\n", dueP99["http11-false"] / dueP99["okhttp"], dueP99["http11-false"], dueP99["okhttp"]
	printf "per-stream meters for comparison (1,000 streams of them at most): %.2f KB a stream, a %.1f KB scrape\n", heap["http11-true"], scrape["http11-true"]
}' "$results"
rm -f "$results"
