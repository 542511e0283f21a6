#!/usr/bin/env bash
# A .wasm file as a TypeScript module holding its bytes in base64, so the bundle loads it
# synchronously with no file beside it (src/dump/wasm, src/debuginfo/wasm build.sh):
#   wasm-module-ts.sh FILE.wasm CONST_NAME 'first-line comment' > FILE-wasm.ts
set -euo pipefail
echo "// $3"
echo "export const $2 ="
base64 -w 96 "$1" | sed "s/.*/  '&' +/"
echo "  '';"
