#!/usr/bin/env bash
# fetch-noise.sh: background prose of three genres for haystack noise, from Debian packages
# that carry public-domain or freely licensed text, extracted to plain prose (paragraphs
# separated by blank lines) in a cache folder outside the repository:
#
#   $OUT/fiction/train/*.txt      Jane Austen, five novels   (copied from --fiction, if given/found)
#   $OUT/fiction/valid/*.txt      Jane Austen, Persuasion
#   $OUT/reference/train/*.txt    The Jargon File; FOLDOC
#   $OUT/reference/valid/*.txt    The Devil's Dictionary
#   $OUT/technical/eval/*.txt     Python documentation; GNU Coding Standards; Debian Reference
#
# The split (Docs/noise.md): models train on fiction + reference (train/), validate during
# training on fiction + reference (valid/), and are EVALUATED on technical writing, a genre
# they never saw. Sources and licences: Docs/noise.md.
#
# Usage: Scripts/fetch-noise.sh [--out DIR] [--fiction DIR] [--max-bytes N]
#   --out        cache folder (default ${XDG_CACHE_HOME:-~/.cache}/rmt/noise)
#   --fiction    folder with train/ and valid/ novels (default: ../shared/corpus beside the
#                repository, when it exists)
#   --max-bytes  at most this many bytes of prose per source file (default 3000000)
#
# Needs apt-get (packages are downloaded with `apt-get download`, unpacked with dpkg-deb: no
# root needed, nothing installed) and python3 (the extractors below). Idempotent: a source whose
# output exists is skipped; delete the folder to refetch.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${XDG_CACHE_HOME:-$HOME/.cache}/rmt/noise"
fiction=""
[ -d "$here/../../shared/corpus" ] && fiction="$(cd "$here/../../shared/corpus" && pwd)"
max_bytes=3000000

while [ $# -gt 0 ]; do
    case "$1" in
        --out) out="${2:?--out needs a folder}"; shift 2 ;;
        --fiction) fiction="${2:?--fiction needs a folder}"; shift 2 ;;
        --max-bytes) max_bytes="${2:?--max-bytes needs a number}"; shift 2 ;;
        -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
        *) echo "fetch-noise.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$max_bytes" in ''|*[!0-9]*) echo "fetch-noise.sh: --max-bytes must be a positive integer, got $max_bytes" >&2; exit 2 ;; esac
for tool in apt-get dpkg-deb python3; do
    command -v "$tool" >/dev/null || { echo "fetch-noise.sh: $tool is needed (Debian)" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# The extractors: `python3 $work/extract.py KIND OUTPUT MAX_BYTES INPUT...`, writing OUTPUT atomically.
cat > "$work/extract.py" <<'PYTHON'
import gzip, html.parser, os, re, sys

TERMINAL = re.compile(r"[.!?][\"'\u201d\u2019)\]]*$")

def clean(text):
    text = re.sub(r"[{}]", "", text)             # dictd cross-reference braces
    text = re.sub(r"<[a-z, ]+>", "", text)       # FOLDOC subject tags such as <humour>
    return re.sub(r"\s+", " ", text).strip()

def usable(text):
    return len(text.split()) >= 6 and TERMINAL.search(text) and re.search(r"[a-z]", text)

# dictd databases (.index + .dict.dz): each entry's definition paragraphs; the headword line,
# pronunciations on their own line, and indented examples, verse and tables are dropped.
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
HEAD = re.compile(r"^[A-Z][A-Z0-9' .-]*(, [a-z. ]+?\.)?\s\s+")   # Devil's Dictionary: "ABSOLUTE, adj.  "

def b64(s):
    n = 0
    for c in s:
        n = n * 64 + B64.index(c)
    return n

def dictd(index, dz):
    data = gzip.open(dz).read()
    seen = set()
    spans = []
    for line in open(index, encoding="utf-8", errors="replace"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 3 or parts[0].startswith("00database") or parts[0].startswith("00-database"):
            continue
        offset, length = b64(parts[1]), b64(parts[2])
        if offset not in seen:
            seen.add(offset)
            spans.append((offset, length))
    for offset, length in sorted(spans):
        lines = data[offset:offset + length].decode("utf-8", "replace").split("\n")
        head = HEAD.match(lines[0])
        lines = [lines[0][head.end():]] + lines[1:] if head else lines[1:]
        paragraphs, current = [], []
        for line in lines + [""]:
            if line.strip():
                current.append(line.rstrip())
            elif current:
                paragraphs.append(current)
                current = []
        indent = lambda p: min(len(l) - len(l.lstrip()) for l in p)
        long = [p for p in paragraphs if len(" ".join(p).split()) >= 8]
        if not long:
            continue
        base = indent(long[0])
        for p in paragraphs:
            if indent(p) <= base + 1:
                yield clean(" ".join(l.strip() for l in p))

# HTML manuals: the text of <p> elements (inline markup kept as text; <pre> blocks, navigation
# and sidebars have no <p> or are skipped).
class Paragraphs(html.parser.HTMLParser):
    SKIP = {"script", "style", "pre", "nav", "header", "footer"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.current, self.found = [], None, []   # stack: (tag, skipped)
    def skipping(self):
        return bool(self.stack) and self.stack[-1][1]
    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        cls = dict(attrs).get("class") or ""
        skip = self.skipping() or tag in self.SKIP or "sphinxsidebar" in cls or "related" in cls or "navheader" in cls or "navfooter" in cls
        if tag == "p" and not skip:
            self.current = []
        self.stack.append((tag, skip))
    def handle_endtag(self, tag):
        if tag == "p" and self.current is not None:
            self.found.append(clean("".join(self.current)))
            self.current = None
        if any(t == tag for t, _ in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass
    def handle_data(self, data):
        if self.current is not None and not self.skipping():
            self.current.append(data)

def html_files(root):
    for folder, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".html"):
                parser = Paragraphs()
                parser.feed(open(os.path.join(folder, name), encoding="utf-8", errors="replace").read())
                yield from parser.found

# Plain-text manuals (GNU Info-style .text.gz): paragraphs whose lines are not indented like
# examples, without menus and underlines.
def text_manual(path):
    text = gzip.open(path).read().decode("utf-8", "replace")
    for block in re.split(r"\n\s*\n", text):
        lines = [l for l in block.split("\n") if l.strip()]
        if not lines or any(l.startswith("* ") or re.fullmatch(r"[=*.-]+", l.strip()) for l in lines):
            continue
        if min(len(l) - len(l.lstrip()) for l in lines) >= 5:
            continue
        yield clean(" ".join(l.strip() for l in lines))

kind, output, limit, inputs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
source = {"dictd": lambda: dictd(*inputs), "html": lambda: (p for root in inputs for p in html_files(root)),
          "text": lambda: (p for path in inputs for p in text_manual(path))}[kind]()
kept, size = [], 0
for paragraph in source:
    if usable(paragraph):
        kept.append(paragraph)
        size += len(paragraph.encode()) + 2
        if size >= limit:
            break
if not kept:
    sys.exit(f"fetch-noise.sh: no prose extracted for {output}")
temporary = output + ".partial"
with open(temporary, "w", encoding="utf-8") as f:
    f.write("\n\n".join(kept) + "\n")
os.replace(temporary, output)
print(f"  {output}: {len(kept)} paragraphs, {size} bytes")
PYTHON

# unpack PACKAGE: downloads the package with apt-get and unpacks it into $work/PACKAGE.
unpack() {
    local package="$1"
    [ -d "$work/$package" ] && return 0
    if ! (cd "$work" && apt-get download "$package" >/dev/null 2>"$work/apt.log"); then
        echo "fetch-noise.sh: apt-get download $package failed ($(tail -1 "$work/apt.log")); run apt-get update first?" >&2
        exit 1
    fi
    mkdir -p "$work/$package"
    dpkg-deb -x "$work/${package}"_*.deb "$work/$package"
}

# extract GENRE/SPLIT NAME KIND PACKAGE INPUT...: INPUT paths are inside the unpacked package.
extract() {
    local place="$1" name="$2" kind="$3" package="$4"
    shift 4
    local target="$out/$place/$name.txt"
    if [ -s "$target" ]; then echo "  $target: present"; return 0; fi
    unpack "$package"
    mkdir -p "$out/$place"
    local inputs=()
    for input in "$@"; do inputs+=("$work/$package/$input"); done
    python3 "$work/extract.py" "$kind" "$target" "$max_bytes" "${inputs[@]}"
}

echo "fetch-noise.sh: prose into $out"
extract reference/train jargon-file dictd dict-jargon usr/share/dictd/jargon.index usr/share/dictd/jargon.dict.dz
extract reference/train foldoc dictd dict-foldoc usr/share/dictd/foldoc.index usr/share/dictd/foldoc.dict.dz
extract reference/valid devils-dictionary dictd dict-devil usr/share/dictd/devil.index usr/share/dictd/devil.dict.dz
extract technical/eval python-docs html python3.11-doc \
    usr/share/doc/python3.11/html/{tutorial,howto,faq,library,reference}
extract technical/eval gnu-coding-standards text gnu-standards usr/share/doc/gnu-standards/standards.text.gz usr/share/doc/gnu-standards/maintain.text.gz
extract technical/eval debian-reference html debian-reference-en usr/share/debian-reference

if [ -n "$fiction" ] && [ -d "$fiction/train" ] && [ -d "$fiction/valid" ]; then
    for split in train valid; do
        mkdir -p "$out/fiction/$split"
        for novel in "$fiction/$split"/*.txt; do
            [ -s "$out/fiction/$split/$(basename "$novel")" ] || { cp "$novel" "$out/fiction/$split/"; chmod u+w "$out/fiction/$split/$(basename "$novel")"; }
        done
    done
    echo "  $out/fiction: copied from $fiction"
else
    echo "  fiction: no --fiction folder (with train/ and valid/) given or found; skipped"
fi

cat <<EOF
fetch-noise.sh: done. Train on fiction + reference, evaluate on technical writing (Docs/noise.md):
  --noise      $out/fiction/train $out/reference/train
  --eval-noise $out/fiction/valid $out/reference/valid
  rmt-train eval --noise $out/technical/eval
EOF
