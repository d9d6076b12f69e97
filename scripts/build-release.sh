#!/usr/bin/env bash
# Builds migration-lint in release as users get it (the install instructions, the GitHub action,
# the GitLab example and scripts/bench.sh all build through here) and prints the binary's path
# on standard output; the build's own output goes to standard error.
# Usage: scripts/build-release.sh [more swift build arguments, e.g. --scratch-path DIR]
#
# Each flag buys start-up time, the whole run for one small file (pre-commit's case); the
# figures are in docs/benchmarks.md, "Start-up". They go on the command line, never in
# Package.swift, where unsafe flags would stop other packages from depending on this one.
# - Linux: `--static-swift-stdlib` links the Swift runtime and Foundation in: 5 shared
#   libraries to load instead of 20.
# - Linux: `-Xlinker --no-export-dynamic` takes back SwiftPM's `--export-dynamic` (40,000
#   symbols in the dynamic table, which glibc's dladdr walks at start-up).
# - Linux: `-static-executable` links the C library (glibc), libm and libgcc in too, so there is
#   no dynamic loader at all: nothing to map, relocate or look up before `main`. One small file
#   5.4 to 4.7 ms (docs/benchmarks.md, "A static executable"). Like `-no-pie` before it, the
#   executable is linked at a fixed address. glibc warns that `getpwuid`, `getaddrinfo` and
#   `dlopen` in a static executable load NSS modules of the same glibc version at run time:
#   the lint never calls them, and the binary is built on the machine that runs it.
#   With a package trait (`--traits Database`: libpq, whose TLS and Kerberos libraries Debian
#   ships without static archives) the C library stays shared and `-no-pie` links at a fixed
#   address instead (the loader then has 7,976 relative relocations to apply instead of 114,162).
# - Linux: libpg_query and libstdc++ linked in from their static archives (Debian's
#   libpg-query-dev and libstdc++-12-dev ship them), through a folder of links that the linker
#   searches first; without an archive, the shared library as before (and no static
#   executable). The loader then no longer maps them and applies their 13,000 relocations,
#   libpg_query's 9,000 most of them: one small file, 606 to 479 page faults.
# - `-disable-concrete-type-metadata-mangled-name-accessors` makes the compiler reach a generic
#   type's metadata through its accessor instead of demangling its name at run time: demangling
#   checks the type's generic requirements, and each first protocol-conformance check walks all
#   11,000 conformance records of the binary.
# - `-cross-module-optimization` lets the optimizer inline and specialize across the package's
#   modules (the syntax tree, lock model, rules and reporters are separate modules), not only
#   within each: real migrations in one file and the corpus about 4 to 5 % less wall time, one
#   small file no slower; clean release builds took 7.9 minutes without it, 9.5 and 7.2 with it,
#   within this host's noise (docs/benchmarks.md, "The first session of 2026-12-07").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build=(swift build -c release --product migration-lint --package-path "$root"
       -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors
       -Xswiftc -cross-module-optimization)
if [ "$(uname -s)" = Linux ]; then
  build+=(--static-swift-stdlib -Xlinker --no-export-dynamic)
  clang="$(command -v clang || echo "$(dirname "$(command -v swift)")/clang")"
  static_libs="$root/.build/static-libs"
  mkdir -p "$static_libs"
  archives=yes
  for archive in libpg_query.a libstdc++.a; do
    found="$("$clang" -print-file-name="$archive" 2>/dev/null || true)"
    if [ -f "$found" ]; then ln -sfn "$found" "$static_libs/$archive"; else rm -f "$static_libs/$archive"; archives=no; fi
  done
  build+=(-Xlinker -L"$static_libs")
  traits=no
  for argument in "$@"; do
    case "$argument" in --traits|--traits=*|--enable-all-traits) traits=yes ;; esac
  done
  if [ "$archives" = yes ] && [ "$traits" = no ]; then
    build+=(-Xswiftc -static-executable)
  else
    build+=(-Xswiftc -Xclang-linker -Xswiftc -no-pie)
  fi
fi
"${build[@]}" "$@" >&2
echo "$("${build[@]}" "$@" --show-bin-path)/migration-lint"
