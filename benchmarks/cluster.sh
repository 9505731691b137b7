#!/usr/bin/env bash
# Cluster mode at scale: three application JVMs register the same streams at run time from a
# template and share PostgreSQL checkpoints, with the locks in PostgreSQL, then in Redis; once
# with 1,000 streams and once with 10,000 (ClusterScaleTests, run with more streams), every
# cluster setting at its default (lock-ttl 10 s, slots 64). Prints each run's figures and one
# TARGET line per goal: coordination threads and lock-store statements flat from 1,000 to
# 10,000 streams, take-over after kill -9 within twice the lock's time to live, nothing lost,
# an even spread within a minute. About 8 minutes on 2 cores.
#   benchmarks/cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q install -DskipTests
results=$(mktemp)
run() { # streams heap event-interval-ms
	./mvnw -B -q -pl sse-client-autoconfigure surefire:test -Dtest=ClusterScaleTests -Dsurefire.failIfNoSpecifiedTests=false \
		-Dcluster.scale.streams="$1" -Dcluster.scale.heap="$2" -Dcluster.scale.event-interval-ms="$3" -Dcluster.scale.lock-ttl-ms=10000 \
		| grep -E '^(Cluster at scale|  kill|  [0-9]+ streams|RESULT)' | tee -a "$results"
}
run 1000 384m 1000
run 10000 1g 5000
awk '
/^RESULT/ {
	for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	key = v["store"] "-" v["streams"]
	stmts[key] = v["statementsPerSecondPerInstance"]; threads[key] = v["coordinationThreads"]
	takeover[key] = v["killTakeoverMaxMillis"]; lost[key] = v["lost"]; spread[key] = v["spreadSeconds"]; ttl = v["lockTtlMillis"]
}
END {
	for (s = 1; s <= 2; s++) {
		store = (s == 1) ? "jdbc" : "redis"
		small = store "-1000"; large = store "-10000"
		ratio = stmts[large] / stmts[small]
		printf "TARGET %s: coordination threads flat (%d at 1,000, %d at 10,000): %s\n", store, threads[small], threads[large], (threads[large] <= threads[small]) ? "PASS" : "FAIL"
		printf "TARGET %s: lock-store statements per instance flat (%.1f/s at 1,000, %.1f/s at 10,000, %.2fx): %s\n", store, stmts[small], stmts[large], ratio, (ratio <= 1.5) ? "PASS" : "FAIL"
		printf "TARGET %s: take-over after kill -9 within 2x lock-ttl (max %d ms at 10,000, limit %d): %s\n", store, takeover[large], 2 * ttl, (takeover[large] < 2 * ttl) ? "PASS" : "FAIL"
		printf "TARGET %s: nothing lost (%d at 1,000, %d at 10,000): %s\n", store, lost[small], lost[large], (lost[small] + lost[large] == 0) ? "PASS" : "FAIL"
		printf "TARGET %s: even within 10%% within a minute at 10,000 (%.1f s): %s\n", store, spread[large], (spread[large] <= 60) ? "PASS" : "FAIL"
	}
}' "$results"
rm -f "$results"
