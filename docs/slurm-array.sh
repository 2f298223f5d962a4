#!/bin/bash
# spendsim sweep as a Slurm job array, then a merge that starts when every task succeeded:
#
#   jid=$(sbatch --parsable slurm-array.sh sweep.yaml /shared/out)
#   sbatch --dependency=afterok:"$jid" --wrap "spendsim merge /shared/out"
#
# Slurm gives each task SLURM_ARRAY_TASK_ID; with --shards N, spendsim runs the jobs whose
# number mod N is that id and writes /shared/out/runs/shard=K/part-K-of-N.parquet,
# daily/shard=K/..., shards/shard-K-of-N.json. The array must be 0..N-1 (spendsim counts
# shards from 0). The scenario needs a fixed seed (seed: in the YAML or --seed), so that
# every task expands the same sweep. /shared must be visible to every node.
#
# A task that was preempted or hit its time limit can be resubmitted as is: --resume
# picks up the runs it had finished (kept in /shared/out/.partial/).
#SBATCH --job-name=spendsim-sweep
#SBATCH --array=0-7
#SBATCH --cpus-per-task=4
#SBATCH --mem=4G
#SBATCH --time=02:00:00
#SBATCH --requeue
#SBATCH --output=spendsim-%A_%a.log
set -euo pipefail

scenario=${1:?usage: sbatch slurm-array.sh SCENARIO.yaml OUT_DIR}
out=${2:?usage: sbatch slurm-array.sh SCENARIO.yaml OUT_DIR}
shards=${SLURM_ARRAY_TASK_COUNT:?run this with sbatch --array=0-(N-1)}

exec spendsim run "$scenario" --shards "$shards" --out "$out" \
    --workers "${SLURM_CPUS_PER_TASK:-1}" --resume --quiet
