#!/usr/bin/env bash
# Forwarding into Kafka: events per second from the suite's loopback server into a one-partition
# topic of a local KRaft broker (its own JVM), at 64 B and 1 KiB, for this project's forwarder
# (a Boot application configured in YAML alone, actuator on the class path) exactly once and at
# least once (buffer-size and max-batch-size 4096, as the README advises for a fast feed), beside
# a hand-written bridge (okhttp-sse and a KafkaProducer, acks=all, at least once, the data as
# value and no headers) and the same bridge writing the records ours writes (the four sse-*
# headers), measured in the same run. A fresh JVM per run, rounds alternate the order; prints
# the median of each and the TARGET lines. About 3 minutes a round.
#   benchmarks/kafka.sh [rounds]
# PRODUCER_BATCH_SIZE=262144 benchmarks/kafka.sh gives every client's producer that batch.size
# (ours through spring.kafka.producer.batch-size) instead of Kafka's 16 KiB.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
./mvnw -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
results=$(mktemp)
coproc BROKER { java -Xmx1g -cp "$cp" dev.sseclient.benchmarks.kafka.ForwardBench broker 2>/dev/null | grep --line-buffered '^BOOTSTRAP'; }
read -r line <&"${BROKER[0]}"
bootstrap=$(echo "$line" | awk '{print $2}')
coproc SERVER { java -Xmx1g -cp "$cp" dev.sseclient.benchmarks.server.BenchServer; }
read -r line <&"${SERVER[0]}"
port=$(echo "$line" | awk '{print $2}')
run() { # client size count round
	topic="bench-$1-$2-$4"
	java -cp "$cp" dev.sseclient.benchmarks.kafka.ForwardBench topic "$bootstrap" "$topic" >/dev/null 2>&1
	url="http://127.0.0.1:$port/events?count=$3&size=$2&batch=16"
	case $1 in
		ours-exactly-once) args=(ours "$bootstrap" "$url" "$3" "$topic" true) ;;
		ours-at-least-once) args=(ours "$bootstrap" "$url" "$3" "$topic" false) ;;
		bridge) args=(bridge "$bootstrap" "$url" "$3" "$topic") ;;
		bridge-headers) args=(-Dheaders=true dev.sseclient.benchmarks.kafka.ForwardBench bridge "$bootstrap" "$url" "$3" "$topic") ;;
	esac
	[[ ${args[0]} == -D* ]] || args=(dev.sseclient.benchmarks.kafka.ForwardBench "${args[@]}")
	if [[ -n ${PRODUCER_BATCH_SIZE:-} ]]; then
		args=(-Dproducer.batch-size="$PRODUCER_BATCH_SIZE" -Dspring.kafka.producer.batch-size="${PRODUCER_BATCH_SIZE}B" "${args[@]}")
	fi
	java -Xmx1g -cp "$cp" "${args[@]}" 2>/dev/null | grep '^RESULT' \
		| sed "s/\$/ size=$2/" | tee -a "$results"
}
for round in $(seq 1 "$rounds"); do
	for size in 64 1024; do
		count=$(( size == 64 ? 300000 : 100000 ))
		if (( round % 2 )); then order="bridge bridge-headers ours-at-least-once ours-exactly-once"; else order="ours-exactly-once ours-at-least-once bridge-headers bridge"; fi
		for client in $order; do run "$client" "$size" "$count" "$round"; done
	done
done
exec {SERVER[1]}>&-
exec {BROKER[1]}>&-
wait || true
awk '
/^RESULT/ {
	for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	key = v["client"] "-" v["size"]; n[key]++; rate[key, n[key]] = v["eventsPerSecond"]
}
function median(key,   i, j, t, a, m) {
	m = n[key]; for (i = 1; i <= m; i++) a[i] = rate[key, i]
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return a[int((m + 1) / 2)]
}
END {
	for (s = 1; s <= 2; s++) {
		size = (s == 1) ? 64 : 1024
		b = median("okhttp-sse-bridge-" size); alo = median("ours-at-least-once-" size); eos = median("ours-exactly-once-" size)
		printf "%d B: bridge %.0f/s, ours at least once %.0f/s, ours exactly once %.0f/s (medians of %d)\n", size, b, alo, eos, n["okhttp-sse-bridge-" size]
		printf "TARGET kafka-at-least-once-vs-bridge-%dB ratio=%.2f goal=1.50 %s\n", size, alo / b, (alo / b >= 1.5) ? "PASS" : "FAIL"
		bh = median("okhttp-sse-bridge-headers-" size)
		printf "%d B: the bridge writing the same records as ours (its four headers) %.0f/s: ours at least once %.2fx of it\n", size, bh, alo / bh
		printf "TARGET kafka-exactly-once-vs-at-least-once-%dB ratio=%.2f goal=0.70 %s\n", size, eos / alo, (eos / alo >= 0.7) ? "PASS" : "FAIL"
	}
}' "$results"
rm -f "$results"
