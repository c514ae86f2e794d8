#!/bin/sh
# usage: expect.sh EXPECTED COMMAND [ARGS...]: runs COMMAND and fails unless its output (lines joined by
# spaces) is exactly EXPECTED.
expected=$1
shift
got=$("$@" | tr '\n' ' ' | sed 's/ $//')
if [ "$got" != "$expected" ]; then
  echo "expected: $expected"
  echo "got:      $got"
  exit 1
fi
