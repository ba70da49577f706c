#!/usr/bin/env bash
# Renders the workbench's views into docs/images/ for README.md and docs/USER_GUIDE.md.
#   bash docs/render_screenshots.sh [DATASET] [CLIP_CHECKPOINT]
# DATASET defaults to the bundled demo (bash .ci/run demo makes it). Its images are embedded
# with CLIP_CHECKPOINT — by default the tiny random-weight reference model, since real weights
# cannot be downloaded on the build machines: the captions it ranks are then not meaningful,
# but every view is shown as a user sees it. Needs xvfb-run and a build in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
dataset=${1:-demo-data/fashion-mnist}
checkpoint=${2:-tests/data/clip-reference/tiny_clip.safetensors}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp -r "$dataset" "$work/dataset"
rm -rf "$work/dataset/.faultline" "$work/dataset"/embeddings.*
./build/app/cli/faultline-cli embed --dataset "$work/dataset" --model "$checkpoint"
./build/app/cli/faultline-cli analyze --dataset "$work/dataset" > /dev/null
# The demo's classifier as TorchScript, so the Interventions dock can retrain its head.
if [ -f "$work/dataset/classifier.pt" ]; then
  ./build/app/cli/faultline-cli predict --dataset "$work/dataset" --classifier "$work/dataset/classifier.pt" \
      --input-size 28 --resize-size 28 --channels 1 --mean 0 --std 1
fi

mkdir -p docs/images
shoot() { XDG_CONFIG_HOME="$work/config-$1" xvfb-run -a -s '-screen 0 1600x1000x24' ./build/app/gui/faultline "${@:2}"; }
shoot tour "$work/dataset" --screenshot docs/images
# No dataset: the welcome page, with the demo button an installation that ships the demo shows.
FAULTLINE_DEMO_DATASET=$PWD/$dataset shoot welcome --screenshot docs/images
ls -1 docs/images
