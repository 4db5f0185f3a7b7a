#!/usr/bin/env bash
# The two speeds side by side on one machine (docs/deployment.md#two-speeds): a standalone Kafka
# broker (KRaft, from the Maven artifacts, 127.0.0.1:29092), the fleet simulator paced at 20x, the
# whole job in one (job.mode all, 5 s checkpoints) and the history job (60 s checkpoints, compaction
# every 3 commits, 3 snapshots kept) writing two warehouses; then each table's commits and files.
# Usage: bash docs/examples/two-speeds.sh [work dir]   (about 10 minutes; needs ./burnrate built)
set -euo pipefail
cd "$(dirname "$0")/../.."
W=${1:-$(mktemp -d)}
mkdir -p "$W/data"
./burnrate --version >/dev/null # builds on first use
CP=$(cat tools/target/runtime-classpath.txt)
cat > "$W/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:29093
listeners=PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093
advertised.listeners=PLAINTEXT://127.0.0.1:29092
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$W/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.ms=-1
PROPS
java -cp "$CP" kafka.tools.StorageTool format -c "$W/server.properties" \
  -t "$(java -cp "$CP" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" >/dev/null
java -Xmx1g -cp "$CP" kafka.Kafka "$W/server.properties" > "$W/broker.log" 2>&1 &
BROKER=$!
trap 'kill $BROKER 2>/dev/null || true' EXIT
sleep 12
BS=127.0.0.1:29092
COMMON=(--set "kafka.bootstrap-servers=$BS" --set cluster.default-name=sim-cluster --set time.source-idleness=1h)
echo "$(date +%T) starting the one-job baseline (all, 5 s) and the history job (60 s); logs in $W"
BURNRATE_JAVA_OPTS=-Xmx1500m ./burnrate run "${COMMON[@]}" --set job.mode=all --set checkpoint.interval=5s \
  --set "iceberg.warehouse=$W/wh-all" --set kafka.group-id=all --set kafka.transactional-id-prefix=all > "$W/all.log" 2>&1 &
ALL=$!
sleep 20
BURNRATE_JAVA_OPTS=-Xmx1g ./burnrate run "${COMMON[@]}" --set job.mode=history --set checkpoint.interval=60s \
  --set lake.compact-every-commits=3 --set lake.compact-min-files=2 --set lake.snapshots-retain-last=3 \
  --set lake.snapshot-max-age=0s --set "iceberg.warehouse=$W/wh-hist" --set kafka.group-id=hist \
  --set kafka.transactional-id-prefix=hist > "$W/hist.log" 2>&1 &
HIST=$!
sleep 10
./burnrate simulate --bootstrap-servers=$BS --hours 2 --speedup 20 --nodes 24
echo "$(date +%T) simulator done; 150 s for the last commits"
sleep 150
kill $ALL $HIST
sleep 15
for t in workload_windows cost_allocations alerts budget_status; do
  cat <<SQL
SELECT '$t' AS tbl, operation, count(*) AS snapshots, sum(CAST(summary['added-data-files'] AS INT)) AS files_added FROM \`$t\$snapshots\` GROUP BY operation;
SELECT '$t' AS tbl, count(*) AS live_files, sum(record_count) AS row_count, avg(file_size_in_bytes) AS avg_file_bytes FROM \`$t\$files\`;
SQL
done > "$W/tables.sql"
for wh in all hist; do
  echo "== warehouse $wh"
  ./burnrate sql --warehouse "$W/wh-$wh" --statements "$W/tables.sql"
done
