#!/usr/bin/env bash
# The benchmark suite: builds what it needs, runs every client against the same loopback
# server (each in a fresh JVM), prints a markdown table and one TARGET line per goal, and
# writes docs/benchmarks.md and docs/benchmarks.png.
#   benchmarks/run.sh            full: 5 rounds (about 20 minutes on 2 cores)
#   benchmarks/run.sh --quick    2 rounds, shorter runs (about 3 minutes)
#   benchmarks/run.sh --rounds=N
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
classpath="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
exec java -Xmx1g -cp "$classpath" dev.sseclient.benchmarks.suite.SuiteMain "$@"
