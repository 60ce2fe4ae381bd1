#!/usr/bin/env bash
# Rebuilds the hostile test modules into src/test/resources/wasm/<name>.wasm.
# Needs wat2wasm (wabt), clang with the wasm32-wasi sysroot, and python3.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../src/test/resources/wasm"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for wat in "$here"/*.wat; do
  name="$(basename "$wat" .wat)"
  wat2wasm -o "$out/$name.wasm" "$wat"
done

# -Wl,--strip-all keeps the modules small; -O2 keeps them realistic. The
# compiler-rt builtins are linked explicitly because -nodefaultlibs drops them
# and libc's sleep() needs one (__muloti4).
builtins="$(clang --target=wasm32-wasi -print-libgcc-file-name)"
for c in "$here"/*.c; do
  name="$(basename "$c" .c)"
  clang --target=wasm32-wasi -isystem /usr/include/wasm32-wasi -L/usr/lib/wasm32-wasi \
    -nodefaultlibs -lc "$builtins" -O2 -Wl,--strip-all -o "$out/$name.wasm" "$c"
done

python3 "$here/hugefunc.py" > "$tmp/hugefunc.wat"
wat2wasm -o "$out/hugefunc.wasm" "$tmp/hugefunc.wat"

# Not a module at all: fixed pseudo-random bytes, so the test input never changes.
python3 -c 'import random, sys; r = random.Random(2); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(512)))' \
  > "$out/garbage.wasm"

ls -l "$out"
