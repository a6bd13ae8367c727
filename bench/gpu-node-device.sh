#!/bin/bash
# The GPU benchmark (bench/gpu-node.ts) on a bare GPU server that has neither Node nor a browser nor
# a network: everything it needs travels in two folders, ignored by git (.git/info/exclude).
#
#   bash bench/gpu-node-device.sh pack    here: Node 24, Dawn's bindings, the bundled bench with
#                                         onnxruntime's JSEP build (.gpubench/, ~38 MB of xz) and
#                                         the Vulkan loader's .deb packages (.gl/)
#   bash bench/gpu-node-device.sh run     there (as root, from the repository root): unpack, find
#                                         the NVIDIA Vulkan driver, run; log and JSON under $OUT
set -euo pipefail
case "${1:-}" in
pack)
  grep -qx '/.gl/' .git/info/exclude || echo /.gl/ >>.git/info/exclude
  grep -qx '/.gpubench/' .git/info/exclude || echo /.gpubench/ >>.git/info/exclude
  mkdir -p .gl .gpubench /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  apt-get $o update >/dev/null
  # the NVIDIA driver's Vulkan ICD (libGLX_nvidia) loads through glvnd: the loader alone finds no driver
  (cd .gl && apt-get $o download libvulkan1 libglvnd0 libglx0 libgl1 libegl1 libopengl0 libgles2 >/dev/null)
  npx node bench/build.mjs --gpu-node
  stage=$(mktemp -d)
  (cd "$stage" && npm init -y >/dev/null && npm i --no-save --ignore-scripts webgpu@0.6.2 >/dev/null)
  mkdir -p "$stage/pkg/webgpu/dist/linux-x64"
  cp "$stage"/node_modules/webgpu/{index.js,package.json} "$stage/pkg/webgpu/"
  cp "$stage/node_modules/webgpu/dist/linux-x64/dawn.node" "$stage/pkg/webgpu/dist/linux-x64/"
  cp node_modules/node/bin/node "$stage/pkg/node"
  (cd "$stage/pkg" && tar -cf - node webgpu | xz -T0 -6 >"$OLDPWD/.gpubench/base.tar.xz")
  (cd test-results && tar -cf - gpu-node | xz -T0 -6 >"$OLDPWD/.gpubench/bench.tar.xz")
  rm -rf "$stage"
  du -sh .gl .gpubench
  ;;
run)
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
  for t in .gpubench/*.tar.xz; do python3 -c "import tarfile,sys; tarfile.open(sys.argv[1]).extractall('/tmp/gb')" "$t"; done
  export XDG_RUNTIME_DIR=/tmp WEBGPU_NODE=/tmp/gb/webgpu/index.js
  probe() { /tmp/gb/node --input-type=module -e "const d=await import(process.env.WEBGPU_NODE);const a=await d.create([]).requestAdapter({powerPreference:'high-performance'});console.log('adapter:',a?a.info.vendor+' '+a.info.description:null);process.exit(a?0:1)"; }
  if ! probe; then
    # the driver's Vulkan manifest where the image keeps it outside the loader's search path
    export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    probe || { VK_LOADER_DEBUG=error,warn probe 2>&1 | head -40; exit 4; }
  fi
  cd /tmp/gb/gpu-node
  timeout 420 /tmp/gb/node bench.mjs --out "${OUT:-/tmp}/results-gpu-node.json" "${@:2}" 2>&1 | tee "${OUT:-/tmp}/log.txt"
  ;;
*)
  echo "usage: bash bench/gpu-node-device.sh pack|run" >&2
  exit 2
  ;;
esac
