#!/usr/bin/env bash
# Builds the Lambda deployment zip: `bootstrap` (linked to load its dynamic loader and libraries
# from /var/task/lib), every shared library it needs including glibc's loader and libc, and the
# schema snapshot when one is given. Nothing is taken from the Lambda host at run time.
#
#   lambda/package.sh BUILD_DIR OUT.zip [SNAPSHOT]
set -euo pipefail
build=${1:?usage: package.sh BUILD_DIR OUT.zip [SNAPSHOT]}
out=${2:?usage: package.sh BUILD_DIR OUT.zip [SNAPSHOT]}
snapshot=${3:-}
bin=$build/bootstrap-lambda
[[ -x $bin ]] || { echo "package.sh: $bin not built (make build)" >&2; exit 1; }
[[ $out == /* ]] || out="$PWD/$out"

stage=$(mktemp -d /tmp/pgrest-lambda-pkg.XXXXXXXX)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/lib"
cp "$bin" "$stage/bootstrap"
strip --strip-unneeded "$stage/bootstrap"
# ldd resolves through the host loader (the package's loader path does not exist here yet).
ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u |
  while read -r lib; do
    case $lib in
      /var/task/lib/*) lib=$(readlink -f /lib64/"$(basename "$lib")") ;;  # the loader itself
    esac
    cp -L "$lib" "$stage/lib/"
  done
[[ -f $stage/lib/ld-linux-x86-64.so.2 ]] || { echo "package.sh: no dynamic loader found" >&2; exit 1; }
chmod 755 "$stage/bootstrap" "$stage/lib/ld-linux-x86-64.so.2"
if [[ -n $snapshot ]]; then
  cp "$snapshot" "$stage/pgrest.snapshot"
fi
rm -f "$out"
(cd "$stage" && zip -q -r -X -y "$out" .)
echo "package.sh: $out ($(du -k "$out" | cut -f1) KiB, $(ls "$stage/lib" | wc -l) libraries$([[ -n $snapshot ]] && echo ", snapshot $snapshot"))"
