#!/bin/bash
# spendsim replay of one large trace as a Slurm job array, then the merge that starts when
# every task succeeded:
#
#   jid=$(sbatch --parsable slurm-replay.sh /shared/traces/2025.parquet /shared/replay)
#   sbatch --dependency=afterok:"$jid" --wrap "spendsim merge /shared/replay --pricing pmp-2025"
#
# Slurm gives each task SLURM_ARRAY_TASK_ID; with --shards N, spendsim reads the whole
# trace and bills the users hashed to that id, writing /shared/replay/replay-shards/
# messages-K-of-N.bin.zst, pairs-K-of-N.bin and, last, shard-K-of-N.json. The array must be
# 0..N-1 (spendsim counts shards from 0). Every task needs the same flags, and the merge
# the same billing flags (--pricing, --timezone, --currency, --rates, --tiers, ...): it
# refuses shards billed otherwise, naming the flag. /shared must be visible to every node.
#
# A shard bills on one core (run more shards rather than more cores per task). A task
# that failed can be resubmitted as is: it removes its manifest first and writes its
# parts again.
#SBATCH --job-name=spendsim-replay
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=02:00:00
#SBATCH --requeue
#SBATCH --output=spendsim-replay-%A_%a.log
set -euo pipefail

trace=${1:?usage: sbatch slurm-replay.sh TRACE OUT_DIR}
out=${2:?usage: sbatch slurm-replay.sh TRACE OUT_DIR}
shards=${SLURM_ARRAY_TASK_COUNT:?run this with sbatch --array=0-(N-1)}

exec spendsim replay --trace "$trace" --pricing pmp-2025 --shards "$shards" --out "$out" --quiet
