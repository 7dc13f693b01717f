#!/usr/bin/env bash
# Optional renderers the diagram tests exercise: Graphviz's `dot` (to check that `--format dot`
# output is valid Graphviz) and the Cairo library (for `--format png` via CairoSVG). bgraph's SVG
# output needs neither. A no-op when they are already there.
set -euo pipefail

need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
ldconfig -p 2>/dev/null | grep -q "libcairo.so.2" || need+=(libcairo2)
if [ "${#need[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "dot: $(dot -V 2>&1 | head -1)"
