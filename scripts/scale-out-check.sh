#!/usr/bin/env bash
# make scale-out-check: the study bundle run for real on this machine's CPU (docs/scale-out.md).
#   1. Polyglot pre-trains a tiny base, saves it as a Hugging Face folder, and `plan` writes a 2-cell bundle;
#   2. the first cell's generated config runs under `accelerate launch` (TRL's SFTTrainer, a few steps), and TRL's
#      loss on the first batch must equal Polyglot's `tune` loss on the same batch and mask within 1 %;
#   3. both cells run through a real single-node Slurm (munge, slurmctld and slurmd on localhost, configured in a
#      temporary folder): `sbatch jobs/tune.sbatch`, then `sbatch jobs/answer.sbatch` (each tuned model served by
#      `polyglot serve`, the built-in benchmark answered through it);
#   4. Polyglot loads both tuned folders back, judges the answers and scores them.
# Any mismatch or failure exits non-zero. Usage: scripts/scale-out-check.sh [POLYGLOT_BINARY]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(realpath "${1:-$ROOT/.build/release/polyglot}")
[ -x "$BIN" ] || { echo "scale-out-check: no polyglot binary at $BIN (make build)"; exit 1; }
WORK=$(mktemp -d /tmp/polyglot-scale-out.XXXXXX)
chmod 755 "$WORK"
say() { echo "== scale-out-check, ${SECONDS} s: $*"; }
fail() { echo "scale-out-check FAILED: $*" >&2; exit 1; }

# What it needs: TRL and accelerate (pip; torch comes with them when absent), Slurm and munge (Debian).
python3 -c 'import trl, accelerate' 2>/dev/null || python3 -m pip install -q trl accelerate
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  [ "$(id -u)" = "0" ] || fail "slurm-wlm and munge are not installed (as root: apt-get install slurm-wlm munge)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge
fi
[ "$(id -u)" = "0" ] || fail "the local Slurm runs its daemons as root; run this as root (CI does)"

JOBS=()
stop_slurm() {
  if [ ${#JOBS[@]} -gt 0 ]; then scancel "${JOBS[@]}" 2>/dev/null || true; fi
  for daemon in slurmd slurmctld munged; do
    [ -f "$WORK/slurm/$daemon.pid" ] && kill "$(cat "$WORK/slurm/$daemon.pid")" 2>/dev/null || true
  done
}
trap stop_slurm EXIT
cd "$WORK"

say "1. a tiny base as a Hugging Face folder, a 2-cell bundle, and Polyglot's own first-batch loss ($WORK)"
cat > prepare.pg <<'PG'
let base = pretrain builtin:corpus config: {sentences: 2000, steps: 30, batch: 8, context: 256, merges: 300} seed: 1 save: "base"
let lima = sample((load dataset builtin:lima-mini), n: 8, seed: 1)
let sets = compositions(lima)
plan bases: {tiny: "base"} data: {lima: sets} comps: ["EN", "DE"] epochs: 2 lr: 1e-3 batch: 8 seed: 1 gpus: 0 cpus: 1 hours: 1 server: "polyglot" answer_tokens: 8 to: "bundle"
let tuned = tune base on: sets.EN epochs: 2 lr: 1e-3 batch: 8 seed: 1
print "first-batch loss:", where(tuned.history.rows, "run", tuned.name)[0].loss
PG
"$BIN" run prepare.pg | tee prepare.out
POLYGLOT_LOSS=$(sed -n 's/^first-batch loss: //p' prepare.out)
[ -n "$POLYGLOT_LOSS" ] || fail "Polyglot printed no first-batch loss"
for f in README.md cells.tsv train.py jobs/tune.sbatch jobs/answer.sbatch configs/tiny-lima-EN-s1.yaml \
  configs/tiny-lima-DE-s1.yaml configs/accelerate-single.yaml configs/accelerate-zero3.yaml \
  configs/deepspeed-zero3.json data/lima-EN.jsonl data/lima-DE.jsonl; do
  [ -f "bundle/$f" ] || fail "the bundle has no $f"
done

say "2. the first cell with accelerate launch on the CPU"
cd bundle
accelerate launch --config_file configs/accelerate-single.yaml train.py configs/tiny-lima-EN-s1.yaml \
  > ../accelerate.log 2>&1 || { tail -30 ../accelerate.log; fail "accelerate launch failed (log: $WORK/accelerate.log)"; }
python3 - "$POLYGLOT_LOSS" <<'PY' || fail "TRL's first-batch loss differs from Polyglot's"
import json, sys
polyglot = float(sys.argv[1])
trl = json.load(open("runs/tiny-lima-EN-s1/trainer_state.json"))["log_history"][0]["loss"]
difference = abs(trl - polyglot) / polyglot
print(f"first-batch loss: TRL {trl:.6f}, Polyglot {polyglot:.6f}, relative difference {difference:.2e} (limit 1e-2)")
sys.exit(0 if difference <= 0.01 else 1)
PY
rm -rf runs

say "3. both cells through a single-node Slurm on localhost"
mkdir -p "$WORK/slurm/state" "$WORK/slurm/spool"
S="$WORK/slurm" NODE=$(hostname -s)
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
dd if=/dev/urandom of="$S/munge.key" bs=1024 count=1 status=none && chmod 400 "$S/munge.key"
munged --force --socket="$S/munge.socket" --key-file="$S/munge.key" --pid-file="$S/munged.pid" \
  --log-file="$S/munged.log" --seed-file="$S/munged.seed"
cat > "$S/slurm.conf" <<CONF
ClusterName=polyglotcheck
SlurmctldHost=$NODE(127.0.0.1)
AuthType=auth/munge
AuthInfo=socket=$S/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=check Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$S/slurm.conf" POLYGLOT="$BIN"
slurmctld -c && slurmd
for _ in $(seq 30); do sinfo -h -o %t 2>/dev/null | grep -q idle && break; sleep 1; done
sinfo -h -o %t | grep -q idle || { tail "$S/slurmctld.log" "$S/slurmd.log"; fail "the local Slurm did not come up"; }
submit() {
  local job
  job=$(sbatch --parsable "$1") || fail "sbatch $1 was refused"
  JOBS+=("$job")
  while squeue -h -j "$job" 2>/dev/null | grep -q .; do sleep 2; done
  echo "$1: job $job finished (its tasks' output: $WORK/bundle/logs)"
}
submit jobs/tune.sbatch
for cell in tiny-lima-EN-s1 tiny-lima-DE-s1; do
  [ -f "runs/$cell/model.safetensors" ] \
    || { cat logs/tune-*.out | tail -30; fail "Slurm left no tuned model runs/$cell"; }
done
submit jobs/answer.sbatch
for model in "tiny·lima·EN" "tiny·lima·DE"; do
  [ "$(wc -l < "answers/seed1/$model.jsonl")" = 400 ] \
    || { tail -30 logs/answer-*.out; fail "answers/seed1/$model.jsonl does not answer the 400 questions"; }
done

say "4. the tuned folders back in Polyglot: answers judged and scored"
cat > score.pg <<'PG'
let en = load model "runs/tiny-lima-EN-s1"
let de = load model "runs/tiny-lima-DE-s1"
print "loaded", en.name, "and", de.name
let bench = load bench builtin:bench
let answers = load answers "answers/seed1" bench: bench
answers
let j = judge answers with: builtin
score j by: ["model", "lang"]
PG
"$BIN" run score.pg | tee score.out
grep -q "loaded tiny·lima·EN and tiny·lima·DE" score.out || fail "the tuned folders did not load with their names"
grep -q "judged 1600 turns with the built-in judge" score.out || fail "the answers were not all judged"
say "passed"
