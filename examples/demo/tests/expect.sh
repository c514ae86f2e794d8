#!/bin/sh
# usage: expect.sh EXPECTED COMMAND [ARGS...]: runs COMMAND and fails unless its output (lines joined by
# spaces) is exactly EXPECTED. Under a cross build, pogogen test sets POGOGEN_EMULATOR (e.g. qemu-aarch64 -L ...).
expected=$1
shift
got=$($POGOGEN_EMULATOR "$@" | tr '\n' ' ' | sed 's/ $//')
if [ "$got" != "$expected" ]; then
  echo "expected: $expected"
  echo "got:      $got"
  exit 1
fi
