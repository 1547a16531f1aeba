#!/usr/bin/env bash
# check-imports.sh [PACKAGE_DIR]: every `import X` of a package module in a target's Swift files
# names a dependency that Package.swift declares for that target. Being reachable through
# another dependency is not enough: an undeclared import builds only while some other target
# happens to pull X in, and it hides an import that points sideways or up.
#
# "Package modules" are the package's own targets and the products of its package
# dependencies (ArgumentParser); system modules (Foundation, Glibc, Testing, …) are not checked.
# The manifest is read by SwiftPM itself (`swift package dump-package`, in a throw-away scratch
# folder, so it runs beside a build or a `swift test` that holds .build); python3 reads the JSON.
#
# Prints nothing and exits 0 when every import is declared; otherwise one line per undeclared
# import, `path:line: target T imports X, which Package.swift does not declare as a dependency
# of T`, and exits 1. Run by CLITests (DeclaredImportsCLITests) and documented in
# Docs/Architecture.md.
set -euo pipefail
root="${1:-$(dirname "$0")/..}"
cd "$root"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
manifest="$scratch/manifest.json"
if ! swift package dump-package --scratch-path "$scratch/build" > "$manifest" 2> "$scratch/stderr"; then
    echo "check-imports: $(pwd)/Package.swift: swift package dump-package failed: $(head -n 1 "$scratch/stderr")" >&2
    exit 2
fi
python3 - "$manifest" <<'PY'
import json, os, re, sys

with open(sys.argv[1]) as f:
    package = json.load(f)

def module_name(target_name):
    # SwiftPM's module name for a target: characters that cannot start or be in an identifier become "_".
    return re.sub(r"[^A-Za-z0-9_]", "_", target_name)

targets = package["targets"]
products = set()      # modules of package dependencies' products
declared = {}         # target -> declared dependency module names
for t in targets:
    names = set()
    for dep in t.get("dependencies", []):
        for kind in ("byName", "target", "product"):
            if kind in dep:
                names.add(module_name(dep[kind][0]))
                if kind == "product":
                    products.add(module_name(dep[kind][0]))
    declared[t["name"]] = names
own = {module_name(t["name"]) for t in targets}
checked = own | products

# `import X`, `@_exported import X`, `@testable import X`, `public import X`, `import struct X.Y`, …
pattern = re.compile(r"^\s*(?:@[A-Za-z_]+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|fileprivate|private)\s+)?"
                     r"import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?([A-Za-z_][A-Za-z0-9_]*)")
problems = []
for t in targets:
    if t["type"] not in ("regular", "executable", "test", "macro", "plugin"):
        continue
    path = t.get("path") or os.path.join("Tests" if t["type"] == "test" else "Sources", t["name"])
    if not os.path.isdir(path):
        problems.append(f"{path}: the folder of target {t['name']} is missing")
        continue
    me = module_name(t["name"])
    for folder, _, files in sorted(os.walk(path)):
        for name in sorted(files):
            if not name.endswith(".swift"):
                continue
            file = os.path.join(folder, name)
            with open(file, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    m = pattern.match(line)
                    if not m:
                        continue
                    module = m.group(1)
                    if module in checked and module != me and module not in declared[t["name"]]:
                        problems.append(f"{file}:{number}: target {t['name']} imports {module}, "
                                        f"which Package.swift does not declare as a dependency of {t['name']}")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
