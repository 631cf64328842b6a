#!/usr/bin/env bash
# The fault harness (issue 14). Usage: bench/faults.sh [short|long] [--tokens N] [--days D] [--tenants T] [--keep]
#
# Starts its own three-broker local cluster under bench/target/faults-<mode>/home (never your .tokenpulse/), simulates
# a fleet, runs it once undisturbed (the reference) and once on two instances while it kills, bounces, stops and wipes
# brokers and instances, then proves with read_committed readers that the disturbed run wrote exactly the reference's
# alerts, actions, incidents and reports: none missing, none twice, the same 'evaluate' score, no transaction left
# open, every publish acknowledged. Prints the recovery time of each fault and the restore rate; exit 1 on a failure.
# Everything it starts binds to 127.0.0.1 and is stopped at the end (--keep keeps the data, not the processes).
#
#   short  one broker kill mid-publish, one instance kill, one state restore (what FaultHarnessIT runs in CI)
#   long   three instance kills, a broker kill mid-publish and one mid-processing, a clean broker bounce, an instance
#          SIGSTOPped past max.poll.interval.ms and resumed (zombie fencing), a network partition of one instance for
#          45 s, a state restore, and a close() while a broker is dead (default 3,000 tokens over 30 days; takes 15-25
#          minutes on a 2-core machine). The partition runs that instance in a network namespace of its own and takes
#          its veth link down: it needs root (or CAP_NET_ADMIN) and iproute2's 'ip'; without them the harness stops at
#          once and says so, and --no-partition runs the rest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MODE="${1:-short}"; shift || true
echo "== building (no install; the reactor's own jars)"
./mvnw -q -B -DskipTests -DskipFuzz=true package -pl bench -am
CP="$ROOT/bench/target/lib/*:$ROOT/bench/target/tokenpulse-bench-0.1.0-SNAPSHOT.jar"
echo "== fault harness, $MODE mode"
exec java -Xmx1g -Dtokenpulse.apicurio.dir="$ROOT/local/target/apicurio" \
  -Dlogback.configurationFile="$ROOT/bench/src/test/resources/logback-test.xml" \
  -cp "$CP" io.tokenpulse.bench.faults.FaultHarness "$MODE" --work "$ROOT/bench/target/faults-$MODE" "$@"
