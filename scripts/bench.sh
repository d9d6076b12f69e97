#!/usr/bin/env bash
# Side-by-side benchmark: MigrationLint (release build) against squawk-cli 2.70.0 from PyPI.
# Both tools run alternately, several rounds, on the same inputs, with machine-readable output;
# prints a Markdown table of median wall time, CPU time (user+sys), peak RSS and the ratio. A row
# whose run is short gets more rounds (about a second of runs of each tool, at most 200), since a
# median of a few 5 ms runs moves with every hiccup of a shared host.
# Usage: scripts/bench.sh [rounds=5]
#        scripts/bench.sh lsp     the language server's latency section alone
#        scripts/bench.sh swift [rounds=5]   the Swift corpus row alone (MigrationLint only:
#                                 squawk cannot read Swift)
#        scripts/bench.sh startup    the start-up floor alone (below the table in a full run)
# Needs: swift, python3 (with venv), network access to PyPI for the first run, and a C compiler
# with libpg-query-dev for the floor of the long files (libpg_query alone: scripts/bench-floor.c).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# == LSP latency: how long after a change to a 2,000-line migration its diagnostics arrive, with
# the server's default debounce, over a real pipe (Tests/lsp/rawclient.py); and its memory.
lsp_latency() {
  echo "building MigrationLint (release, as shipped: scripts/build-release.sh)..." >&2
  local binary
  binary="$(bash "$root/scripts/build-release.sh" --scratch-path "$root/.build-static")"
  python3 - "$root" "$binary" <<'PY'
import os, statistics, sys, tempfile, time, pathlib
root, binary = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(root, "Tests", "lsp"))
from rawclient import RawServer

shapes = [
    "ALTER TABLE t{j} ADD COLUMN c{i} integer;",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_{i} ON t{j} (name);",
    "ALTER TABLE t{j} ADD CONSTRAINT fk_{i} FOREIGN KEY (id) REFERENCES t{k} (id) NOT VALID;",
    "ALTER TABLE t{j} VALIDATE CONSTRAINT fk_{i};",
    "CREATE INDEX idx_plain_{i} ON t{j} (name);",
    "UPDATE t{j} SET name = 'n' WHERE id BETWEEN {i} AND {i} + 100;",
    "ALTER TABLE t{j} ALTER COLUMN name SET NOT NULL;",
    "SET lock_timeout = '2s';",
]
lines = [shapes[i % len(shapes)].format(i=i, j=i // 8, k=max(0, i // 8 - 1)) for i in range(2000)]
with tempfile.TemporaryDirectory() as work:
    server = RawServer(binary, pathlib.Path(work), debounce_ms=None)
    uri = (pathlib.Path(work) / "migrations" / "0001_big.sql").as_uri()
    started = time.perf_counter()
    server.open(uri, "\n".join(lines) + "\n")
    count = len(server.diagnostics(uri, 1))
    opened = time.perf_counter() - started
    def cpu_seconds():
        fields = open(f"/proc/{server.process.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    cpu_before = cpu_seconds()
    latencies = []
    for version in range(2, 102):
        line = (version * 37) % 2000
        # Type one character at the end of a line, as a keystroke does.
        column = len(lines[line])
        started = time.perf_counter()
        server.change(uri, version, (line, column), (line, column), " ")
        server.diagnostics(uri, version)
        latencies.append((time.perf_counter() - started) * 1000)
        lines[line] += " "
    latencies.sort()
    cpu_per_change = (cpu_seconds() - cpu_before) * 1000 / 100
    rss = server.resident_kib()
    server.close()
print(f"## LSP latency (release build, 2,000-line migration, {count} diagnostics, default debounce, 10 ms)")
print()
print("| measure | value |")
print("|---|---:|")
print(f"| open to first diagnostics | {opened * 1000:.0f} ms |")
print(f"| change to diagnostics, median of 100 | {statistics.median(latencies):.0f} ms |")
print(f"| change to diagnostics, 90th percentile | {latencies[89]:.0f} ms |")
print(f"| change to diagnostics, slowest | {latencies[-1]:.0f} ms |")
print(f"| server CPU time per change (lint, diagnostics, JSON) | {cpu_per_change:.0f} ms |")
print(f"| server resident memory after 100 changes | {rss / 1024:.0f} MiB |")
print()
print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
PY
}
if [ "${1:-}" = "lsp" ]; then
  lsp_latency
  exit 0
fi
only=""
if [ "${1:-}" = "swift" ] || [ "${1:-}" = "startup" ]; then
  only="$1"
  shift
fi
rounds="${1:-5}"

# The runs' folder, under .build rather than /tmp: squawk looks for its configuration by
# listing the working folder and each one above it, and a crowded /tmp (1,700 entries on this
# machine after a day's work) added a millisecond to each of its runs.
mkdir -p "$root/.build"
work="$(mktemp -d "$root/.build/bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The release build users get (scripts/build-release.sh: the Swift runtime linked statically,
# and the other start-up flags it explains).
echo "building MigrationLint (release, as shipped: scripts/build-release.sh)..." >&2
built="$(bash "$root/scripts/build-release.sh" --scratch-path "$root/.build-static")"
# Every program of the runs is installed into the work folder the same way, with `install`, as
# the README's install line installs migration-lint: none then starts slower for the way its
# pages came into memory. On this machine the linker's own output, or a binary whose pages the
# kernel had dropped and read back on demand, took 1.3 to 2.5 ms more per small-file run than a
# fresh copy of the same bytes, and squawk as pip wrote it 0.2 ms more than its copy
# (docs/benchmarks.md, "How a binary's pages came into memory").
install "$built" "$work/migration-lint"
lint="$work/migration-lint"

squawk=none
if [ "$only" != "swift" ]; then
  echo "installing squawk-cli 2.70.0 into a throwaway venv..." >&2
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet --disable-pip-version-check 'squawk-cli==2.70.0' >&2
  install "$work/venv/bin/squawk" "$work/squawk"
  squawk="$work/squawk"
  "$squawk" --version >&2
fi

# The start-up floor: three small Swift programs (scripts/startup-floor) built with the start-up
# flags of build-release.sh: one that only reads the file, one that first parses `lint`'s options
# with ArgumentParser, and one that also links the libraries every migration-lint links and does
# what every run does before its rules (looks for the configuration, reads and parses the file).
# They run beside both tools on the small file.
startup=none
if [ "$only" != "swift" ]; then
  echo "building the start-up floor programs (scripts/startup-floor)..." >&2
  floor_build=(swift build -c release --package-path "$root/scripts/startup-floor" --scratch-path "$root/.build/startup-floor"
               -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors)
  if [ "$(uname -s)" = Linux ]; then floor_build+=(--static-swift-stdlib -Xswiftc -static-executable); fi
  "${floor_build[@]}" >&2
  floor_bin="$("${floor_build[@]}" --show-bin-path)"
  startup="$work/startup-floor"
  mkdir -p "$startup"
  for program in floor argparser libraries; do install "$floor_bin/$program" "$startup/"; done
fi

python3 - "$root" "$work" "$lint" "$squawk" "$rounds" "$only" "$startup" <<'PY'
import os, re, statistics, subprocess, sys, time, datetime

root, work, lint, squawk, rounds, only, startup = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6], sys.argv[7]

# Inputs ------------------------------------------------------------------------------------
def generated_ddl(count):
    """Mixed DDL in the shapes real migrations have, 20,000 statements by default."""
    shapes = [
        "CREATE TABLE t{i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());",
        "ALTER TABLE t{j} ADD COLUMN c{i} integer;",
        "-- index for lookups by name\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_{i} ON t{j} (name);",
        "ALTER TABLE t{j} ADD CONSTRAINT fk_{i} FOREIGN KEY (id) REFERENCES t{k} (id) NOT VALID;",
        "ALTER TABLE t{j} VALIDATE CONSTRAINT fk_{i};",
        "COMMENT ON TABLE t{j} IS 'table number {i}';",
        "SET lock_timeout = '2s';",
        "ALTER TABLE t{j} ALTER COLUMN name SET DEFAULT 'x{i}';",
        "CREATE OR REPLACE FUNCTION f{i}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := lower(NEW.name); RETURN NEW; END $$;",
        "ALTER TABLE t{j} DROP COLUMN IF EXISTS old_{i};",
        "UPDATE t{j} SET name = 'n' WHERE id BETWEEN {i} AND {i} + 100;",
        "/* keep */ CREATE UNIQUE INDEX CONCURRENTLY uq_{i} ON t{j} (lower(name)) WHERE name IS NOT NULL;",
    ]
    out = []
    for i in range(count):
        out.append(shapes[i % len(shapes)].format(i=i, j=i // 12, k=max(0, i // 12 - 1)))
    return "\n".join(out) + "\n"

def write(name, text):
    # Each generated file in a folder of its own: files side by side form one migration set, and
    # MigrationLint would replay the others as the file's history.
    folder = os.path.join(work, os.path.splitext(name)[0])
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    return path

inputs = []
# MigrationLint's own flags for a row, beside the input.
lint_flags = {}
mixed = real = None
corpus = os.path.normpath(os.path.join(root, "..", "shared", "corpus"))
# The SQL rows, built only for a whole run: `swift` and `startup` runs use none of them.
if only == "":
    up_files = []
    if os.path.isdir(corpus):
        for dirpath, _, names in os.walk(corpus):
            for n in names:
                if n.endswith(".sql") and not n.endswith(".down.sql") and n != "down.sql":
                    up_files.append(os.path.join(dirpath, n))
        up_files.sort()
    # The corpus once as users get it (each file after its project's history) and once with each
    # file alone, as squawk reads them.
    if up_files:
        inputs.append(("corpus: %d up-migrations, one invocation" % len(up_files), up_files, "json"))
        alone = "corpus, each file alone (--no-history, as squawk reads it)"
        inputs.append((alone, up_files, "json"))
        lint_flags[alone] = ["--no-history"]
    else:
        inputs.append(("corpus: SKIPPED (%s not found)" % corpus, None, "json"))
    # One file after its history (what pre-commit lints): the last migration of each corpus project's
    # largest migration set, with every earlier file of the set replayed; squawk lints the same file.
    def natural(name):
        return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name)]
    if up_files:
        for project in sorted(os.listdir(corpus)):
            sets = {}
            for path in up_files:
                if not path.startswith(os.path.join(corpus, project) + os.sep):
                    continue
                folder, name = os.path.split(path)
                # Prisma and diesel keep one folder per migration: the set is the folder above.
                key, order = (os.path.dirname(folder), os.path.basename(folder)) if name in ("migration.sql", "up.sql") else (folder, name)
                sets.setdefault(key, []).append((natural(order), path))
            if sets:
                members = max(sets.values(), key=len)
                last = max(members)[1]
                inputs.append(("one file after its %d-file history (%s)" % (len(members) - 1, project.split("__")[-1]), [last], "json"))
    def synthetic_history(count):
        """`count` migrations of the shapes of a growing schema, then the file linted after them."""
        folder = os.path.join(work, "history")
        os.makedirs(folder, exist_ok=True)
        for i in range(count):
            with open(os.path.join(folder, "%05d_m.sql" % i), "w") as f:
                f.write("CREATE TABLE t%d (id bigint PRIMARY KEY, parent_id bigint REFERENCES t%d (id), name varchar(50) NOT NULL);\n"
                        "CREATE INDEX t%d_name_idx ON t%d (name);\nALTER TABLE t%d ADD COLUMN note text;\n"
                        "ALTER TABLE t%d ALTER COLUMN name TYPE varchar(100);\n" % (i, max(0, i - 1), i, i, i, i))
        last = os.path.join(folder, "%05d_last.sql" % count)
        with open(last, "w") as f:
            f.write("ALTER TABLE t%d ALTER COLUMN name TYPE varchar(200);\nCREATE INDEX CONCURRENTLY t10_note_idx ON t10 (note);\n" % (count - 1))
        return last
    inputs.append(("one file after a synthetic 1,500-file history", [synthetic_history(1500)], "json"))
    mixed = write("mixed.sql", generated_ddl(20000))
    inputs.append(("20,000 mixed DDL statements, one file", [mixed], "json"))
    # Real migrations in one long file: the up-migrations of the corpus's plain-SQL projects (those
    # without goose or dbmate up/down annotations), concatenated in path order.
    def real_migrations():
        if not os.path.isdir(corpus):
            return None, []
        projects = []
        for project in sorted(os.listdir(corpus)):
            files = sorted(os.path.join(d, n) for d, _, names in os.walk(os.path.join(corpus, project)) for n in names
                           if n.endswith(".sql") and not n.endswith((".down.sql", "_down.sql")) and n != "down.sql")
            texts = [open(f, encoding="utf-8", errors="replace").read() for f in files]
            if files and not any("+goose" in t.lower() or "migrate:up" in t for t in texts):
                projects.append((project, texts))
        if not projects:
            return None, []
        return write("real.sql", "".join(t + "\n" for _, texts in projects for t in texts)), [p for p, _ in projects]
    real, real_projects = real_migrations()
    if real:
        inputs.append(("real migrations in one file (%s up-migrations)" % ", ".join(p.split("__")[-1] for p in real_projects), [real], "json"))
    else:
        inputs.append(("real migrations in one file: SKIPPED (%s not found)" % corpus, None, "json"))
    inputs.append(("one small migration (pre-commit)", [os.path.join(root, "Fixtures", "examples", "001_add_token.sql")], "json"))
    # One finding per statement in both tools: an index built without CONCURRENTLY on an existing table.
    findings = "".join("CREATE INDEX idx_%d ON accounts (c%d);\n" % (i, i) for i in range(30000))
    inputs.append(("text output, 30,000 findings", [write("findings.sql", findings)], "text"))
# The Swift corpus, its folder given as a user gives it: the walk finds the files that declare a
# migration. squawk reads SQL only, so this row has MigrationLint alone.
swift_corpus = os.path.normpath(os.path.join(root, "..", "shared", "corpus-swift"))
SWIFT_LABEL = "Swift corpus: %d .swift files, one invocation (squawk cannot read Swift)"
if only in ("", "swift"):
    if os.path.isdir(swift_corpus):
        swift_files = sum(1 for _, _, names in os.walk(swift_corpus) for n in names if n.endswith(".swift"))
        inputs.append((SWIFT_LABEL % swift_files, [swift_corpus], "json"))
    else:
        inputs.append(("Swift corpus: SKIPPED (%s not found)" % swift_corpus, None, "json"))

# Runs ----------------------------------------------------------------------------------------
def command(tool, files, fmt, flags=()):
    if tool == "lint":
        return [lint, "lint", *flags, "--format", fmt, "--color", "never", *files]
    return [squawk, "--reporter=json", *files] if fmt == "json" else [squawk, *files]

def measure(cmd):
    """Wall time, user+sys CPU and peak RSS of one child, from wait4's own rusage."""
    with open(os.path.join(work, "out.txt"), "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, cwd=work)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code < 0 or code > 1 and not (cmd[0] == squawk and code < 3):
        raise SystemExit("%s exited with %d" % (" ".join(cmd[:4]), code))
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0

def fmt_time(seconds):
    return "%.1f ms" % (seconds * 1000) if seconds < 1 else "%.2f s" % seconds

def rounds_for(seconds):
    """Short runs move most with a shared host: a row whose run takes well under a second gets
    about a second of runs of each tool (at most 200), never fewer than `rounds`."""
    return max(rounds, min(200, int(1.0 / max(seconds, 0.005))))

rows = []
for label, files, fmt in inputs:
    if files is None:
        rows.append("| %s | – | – | – | – | – | – | – | – |" % label)
        continue
    tools = ("lint",) if label.startswith("Swift corpus") else ("lint", "squawk")
    results = {t: [] for t in tools}
    row_rounds = rounds
    if not label.startswith(("20,000", "real migrations", "text output")):  # written here, already in the page cache
        warm = [measure(command(tool, files, fmt, lint_flags.get(label, ())))[0] for tool in tools]
        row_rounds = rounds_for(max(warm))
    for r in range(row_rounds):
        order = tools if r % 2 == 0 else tuple(reversed(tools))
        for tool in order:
            results[tool].append(measure(command(tool, files, fmt, lint_flags.get(label, ()))))
    med = {t: [statistics.median(x[i] for x in results[t]) for i in range(3)] for t in results}
    if "squawk" not in med:
        rows.append("| %s | %d | %s | %s | %.0f MiB | – | – | – | – |" % (
            label, row_rounds, fmt_time(med["lint"][0]), fmt_time(med["lint"][1]), med["lint"][2]))
        print("done: " + label, file=sys.stderr)
        continue
    rows.append("| %s | %d | %s | %s | %.0f MiB | %s | %s | %.0f MiB | **%.2f×** |" % (
        label, row_rounds, fmt_time(med["lint"][0]), fmt_time(med["lint"][1]), med["lint"][2],
        fmt_time(med["squawk"][0]), fmt_time(med["squawk"][1]), med["squawk"][2],
        med["lint"][0] / med["squawk"][0]))
    print("done: " + label, file=sys.stderr)

# The start-up floor: what one small file's run costs before any linting, the five programs
# alternating.
small = os.path.join(root, "Fixtures", "examples", "001_add_token.sql")
startup_rows = []
if startup != "none":
    programs = [
        ("Swift program: read the file, write []", [os.path.join(startup, "floor"), small]),
        ("the same after ArgumentParser parses lint's options", [os.path.join(startup, "argparser"), "--format", "json", "--color", "never", small]),
        ("the same with Foundation and Yams (configuration) and libpg_query (parse), no rule", [os.path.join(startup, "libraries"), "--format", "json", "--color", "never", small]),
        ("migration-lint lint", command("lint", [small], "json")),
        ("squawk 2.70.0", command("squawk", [small], "json")),
    ]
    walls = {name: [] for name, _ in programs}
    for _ in range(200):
        for name, cmd in programs:
            walls[name].append(measure(cmd)[0])
    squawk_wall = statistics.median(walls["squawk 2.70.0"])
    startup_rows = [(name, statistics.median(walls[name]), statistics.median(walls[name]) / squawk_wall) for name, _ in programs]

# The floor of the long files: libpg_query's own split and parse (scripts/bench-floor.c), one core.
floors = []
floor_tool = os.path.join(work, "bench-floor")
if only == "" and subprocess.run(["cc", "-O2", os.path.join(root, "scripts", "bench-floor.c"), "-lpg_query", "-o", floor_tool]).returncode == 0:
    for label, path in (("20,000 mixed DDL statements", mixed), ("real migrations", real)):
        if path:
            count, ms = subprocess.run([floor_tool, path, str(max(rounds, 3))], capture_output=True, text=True, check=True).stdout.split()
            floors.append((label, int(count), float(ms)))

print("Machine: %d cores (%s), %s UTC; medians of `runs` runs of each tool (at least %d; about a second's worth for short rows), both tools alternating." % (
    os.cpu_count(), os.uname().machine, datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), rounds))
if rows:
    print()
    print("| input | runs | MigrationLint wall | CPU | peak RSS | squawk 2.70.0 wall | CPU | peak RSS | wall ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(row)
if startup_rows:
    print()
    print("Start-up floor: one small migration, 200 alternating runs of each program (scripts/startup-floor, built as the release binary is).")
    print()
    print("| program | wall median | ratio to squawk |")
    print("|---|---:|---:|")
    for name, wall, ratio in startup_rows:
        print("| %s | %s | %.2f× |" % (name, fmt_time(wall), ratio))
if floors:
    print()
    print("Floor: libpg_query alone on the same file (split with its scanner, then each statement parsed to JSON; CPU time, best of %d)." % max(rounds, 3))
    print()
    print("| file | statements | one core | spread over %d cores |" % os.cpu_count())
    print("|---|---:|---:|---:|")
    for label, count, ms in floors:
        print("| %s | %d | %.1f ms | %.1f ms |" % (label, count, ms, ms / os.cpu_count()))
PY

if [ "$only" = "" ]; then
  echo
  lsp_latency
fi
