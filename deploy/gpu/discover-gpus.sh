#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript, spark.worker.resource.gpu.discoveryScript):
# prints this host's NVIDIA GPUs as Spark's resource JSON, e.g. {"name":"gpu","addresses":["0","1"]}.
# The addresses are CUDA device ordinals, which is what hpo's trial workers hand to ND4J:
#  - nvidia-smi's indices, which equal CUDA's ordinals when CUDA_DEVICE_ORDER=PCI_BUS_ID (the driver sets it on
#    executors);
#  - where CUDA_VISIBLE_DEVICES restricts the process, CUDA numbers the visible devices 0..n-1, so those.
# No GPU (or no nvidia-smi) prints an empty list, and Spark then schedules no GPU task on this host.
set -euo pipefail

addresses=()
if [ -n "${CUDA_VISIBLE_DEVICES:-}" ]; then
  IFS=',' read -r -a visible <<< "$CUDA_VISIBLE_DEVICES"
  for i in "${!visible[@]}"; do addresses+=("$i"); done
elif command -v nvidia-smi > /dev/null 2>&1; then
  while IFS= read -r index; do
    index=${index//[[:space:]]/}
    [[ "$index" =~ ^[0-9]+$ ]] && addresses+=("$index")
  done < <(nvidia-smi --query-gpu=index --format=csv,noheader)
fi

json=""
for a in "${addresses[@]+"${addresses[@]}"}"; do json+="${json:+,}\"$a\""; done
printf '{"name":"gpu","addresses":[%s]}\n' "$json"
