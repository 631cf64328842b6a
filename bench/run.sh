#!/usr/bin/env bash
# Rerunnable benchmarks (not tests). Usage: bench/run.sh [tokens] [usage-events] [idle-tokens-for-tick]
# 1. throughput through the full pipeline on the local stack vs the raw consume rate, and state bytes per token;
# 2. the cost of a time-driven tick with a million idle tokens;
# 3. posture reports: bytes per open report window, report latency after end+grace (ReportBench);
# 5. query API latency: GET /api/v1/tokens/{id} with wrk, answered locally and forwarded, TOKENS in the state (QueryBench);
# 6. TokenPulse vs the plain Kafka Streams floor side by side (ReferenceBench), and alert latency at 10,000 and 1,000 uses/s (AlertLatencyBench);
# 4. input adapter parse + Avro serialize throughput (jsonl, cloudtrail, vault-audit), no broker: ADAPTER_RECORDS (1,000,000).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TOKENS="${1:-100000}"; USES="${2:-1000000}"; IDLE="${3:-1000000}"
echo "== building"
./mvnw -q -B -DskipTests package -pl bench -am
CP="$ROOT/bench/target/lib/*:$ROOT/bench/target/tokenpulse-bench-0.1.0-SNAPSHOT.jar"
echo "== local stack"
./tokenpulse up >/dev/null && ./tokenpulse status
echo "== throughput and state size ($TOKENS tokens, $USES usage events)"
java -Xmx2g -Dtokenpulse.home="$ROOT/.tokenpulse" -cp "$CP" io.tokenpulse.bench.ThroughputBench "$TOKENS" "$USES"
echo "== tick cost ($IDLE idle tokens)"
java -Xmx4g -cp "$CP" io.tokenpulse.bench.TickBench "$IDLE" 200
echo "== posture reports: state per open window, report latency"
java -Xmx2g -Dtokenpulse.home="$ROOT/.tokenpulse" -cp "$CP" io.tokenpulse.bench.ReportBench 50 10 20000 10000
echo "== adapter parse throughput (${ADAPTER_RECORDS:-1000000} records per input, no broker)"
java -Xmx1g -cp "$CP" io.tokenpulse.bench.AdapterParseBench "${ADAPTER_RECORDS:-1000000}"
echo "== query API latency, two instances, $TOKENS tokens (needs wrk: apt-get install -y wrk)"
java -Xmx2g -Dtokenpulse.home="$ROOT/.tokenpulse" -cp "$CP" io.tokenpulse.bench.QueryBench "$TOKENS" 20s
echo "== TokenPulse vs the plain Kafka Streams floor, side by side (${REF_TOKENS:-10000} tokens, ${REF_USES:-1000000} usage records, ${REF_ROUNDS:-2} rounds)"
java -Xmx2g -Dtokenpulse.home="$ROOT/.tokenpulse" -cp "$CP" io.tokenpulse.bench.ReferenceBench "${REF_TOKENS:-10000}" "${REF_USES:-1000000}" "${REF_ROUNDS:-2}"
echo "== alert latency on a live system, default lateness: 10,000 and 1,000 uses/s (REVOKED_TOKEN_USED, send to alert readable)"
java -Xmx2g -Dtokenpulse.home="$ROOT/.tokenpulse" -cp "$CP" io.tokenpulse.bench.AlertLatencyBench 10000 20
java -Xmx2g -Dtokenpulse.home="$ROOT/.tokenpulse" -cp "$CP" io.tokenpulse.bench.AlertLatencyBench 1000 20
