#!/usr/bin/env bash
# The sample of the false-alarm review (docs/false-alarms.md): lints the shared corpora with the
# default configuration and picks up to PER_RULE findings of every rule that fires, the same
# ones on every run (a fixed seed; the order of files and findings does not matter).
#   bash scripts/sample-findings.sh [PER_RULE] [SEED]        (defaults: 3, 12)
# Prints one block per sampled finding: file:line, rule, severity, message, help and the
# rewrite's first lines, then the number of findings of each rule. Needs the shared corpora
# (MIGRATION_LINT_SHARED, default ../shared) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
per_rule=${1:-3}
seed=${2:-12}
shared=${MIGRATION_LINT_SHARED:-../shared}
swift build -q --product migration-lint
bin=.build/debug/migration-lint
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for corpus in corpus corpus-swift; do
  if [ -d "$shared/$corpus" ]; then
    # Exit code 1 means findings, which is the point; 2 and up are failures.
    "$bin" lint --format json "$shared/$corpus" > "$out/$corpus.json" || [ $? -eq 1 ]
  else
    echo "sample-findings: $shared/$corpus not found, skipped" >&2
  fi
done
python3 - "$out" "$shared" "$per_rule" "$seed" <<'PY'
import glob, hashlib, json, os, sys
out, shared, per_rule, seed = sys.argv[1], os.path.abspath(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
by_rule = {}
for path in sorted(glob.glob(os.path.join(out, "*.json"))):
    for file in json.load(open(path))["files"]:
        name = os.path.relpath(os.path.abspath(file["path"]), shared)
        for d in file["diagnostics"]:
            by_rule.setdefault(d["rule"], []).append((name, d))
def key(item):
    name, d = item
    return hashlib.sha256(f'{seed}:{name}:{d["start"]["line"]}:{d["start"]["column"]}:{d["message"]}'.encode()).hexdigest()
number = 0
for rule in sorted(by_rule):
    for name, d in sorted(by_rule[rule], key=key)[:per_rule]:
        number += 1
        print(f'## {number}. {name}:{d["start"]["line"]}  {rule} ({d["severity"]})')
        print(f'message: {d["message"]}')
        for note in d.get("notes", []):
            print(f'note: {note}')
        if d.get("help"):
            print(f'help: {d["help"]}')
        if d.get("rewrite"):
            lines = d["rewrite"].splitlines()
            print("rewrite:\n    " + "\n    ".join(lines[:14]) + ("\n    ..." if len(lines) > 14 else ""))
        print()
print("## findings per rule")
for rule in sorted(by_rule):
    print(f"{rule}\t{len(by_rule[rule])}")
print(f"total\t{sum(len(v) for v in by_rule.values())}\tsampled\t{number}")
PY
