#!/bin/bash
# Where an add-one run's time goes, by hand (make bench gives the figures):
#   bash scripts/dev/addone.sh [COUNT] [FOLDER]
# makes a COUNT-article benchmark project (default 1000) from this checkout's code in FOLDER
# (default: a new temporary folder), runs it cold, with nothing changed and with one article added
# (CPU seconds of each), times each stage of the same add-one run in process (scripts/dev/stages.py),
# and checks that the add-one output equals a cold run's.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
count=${1:-1000}
base=${2:-$(mktemp -d)}
py="$here/.venv/bin/python"
export NO_MKDOCS_2_WARNING=1
rm -rf "$base/p" "$base/warm" "$base/staged" "$base/cold"
"$py" -c "import sys; sys.path.insert(0, '$here/scripts/dev'); from pathlib import Path; import benchmark
benchmark.make_project(Path('$base/p'), $count)"
generate() { (cd "$1" && PYTHONPATH=scripts "$py" -m explainer.cli generate --root . -q); }
add() { (cd "$1" && PYTHONPATH=scripts "$py" -c "import sys, random; sys.path.insert(0, 'scripts/dev'); import benchmark
open('sources/report-added.txt', 'w', encoding='utf-8').write(benchmark.article(random.Random($count), 99_999))"); }
TIMEFORMAT="%U user + %S sys s"
echo -n "cold:    "; time generate "$base/p"
echo -n "no-op:   "; time generate "$base/p"
cp -r "$base/p" "$base/warm"
add "$base/p"
echo -n "add one: "; time generate "$base/p"
echo "stages of the same add-one run, in process (wall seconds):"
cp -r "$base/warm" "$base/staged"
"$py" "$here/scripts/dev/stages.py" "$base/staged" --add
cp -r "$base/p" "$base/cold" && rm -rf "$base/cold/.cache"
generate "$base/cold"
diff -rq "$base/p/docs" "$base/cold/docs" && diff -rq "$base/p/includes" "$base/cold/includes"
echo "docs/ and includes/ after adding one are identical to a cold run's ($base)"
