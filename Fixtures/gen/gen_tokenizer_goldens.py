#!/usr/bin/env python3
"""gen_tokenizer_goldens.py — reference data for RMTTokenizer, produced with Hugging Face `tokenizers`.

Two jobs (both by default):

  tables   Probes the reference BertNormalizer / BertPreTokenizer one code point at a time and
           writes Sources/RMTTokenizer/UnicodeTableData.swift: per-code-point flags (dropped by
           clean_text, whitespace, CJK, punctuation, pre-tokenizer whitespace) and, for the uncased
           pipeline, small "programs" (NFD decomposition, combining-class reordering, accent strip,
           lowercase). Probing the library itself, rather than reading Unicode data files, makes the
           Swift tables match the (older) Unicode versions that `tokenizers` was built with.
  goldens  Writes Fixtures/tokenizer/goldens-{uncased,cased}.json: varied texts and the ids that
           `tokenizers.BertWordPieceTokenizer(vocab, lowercase=...)` gives them (no special tokens),
           plus the spec and id hash of a large (>100k tokens) deterministic text.

  multilingual-text OUT
           Writes a ~2 MB mostly non-ASCII benchmark text (not a fixture) to OUT.

It is not part of the build: run it by hand with the reference venv, then commit its outputs:
    /root/venv-ref/bin/python Fixtures/gen/gen_tokenizer_goldens.py [tables|goldens]
The vocab is Fixtures/tokenizer/vocab.txt (a copy of the all-MiniLM-L6-v2 uncased vocab).
"""
import base64
import json
import os
import struct
import sys
import unicodedata

import tokenizers
from tokenizers import BertWordPieceTokenizer, normalizers, pre_tokenizers

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VOCAB = os.path.join(ROOT, "Fixtures", "tokenizer", "vocab.txt")
TABLE_SWIFT = os.path.join(ROOT, "Sources", "RMTTokenizer", "UnicodeTableData.swift")

# Flag bits; keep in sync with UnicodeTables.swift.
DROP, SPACE, CJK, PUNCT, PRE_SPACE, PROGRAM, HANGUL = 1, 2, 4, 8, 16, 32, 64
# Program entry kinds (bits 29..31 of a UInt32; bits 0..20 scalar; bits 21..28 combining class).
EMIT, FLUSH, PUSH = 0, 1, 2
BLOCK = 128


# ----------------------------------------------------------------------------------------------
# tables
# ----------------------------------------------------------------------------------------------

def probe_each(normalizer, chars, sep="|"):
    """normalize_str over each char separately (batched with a separator that maps to itself)."""
    out = []
    for i in range(0, len(chars), 4096):
        part = chars[i:i + 4096]
        segments = normalizer.normalize_str(sep + sep.join(part) + sep).split(sep)
        assert len(segments) == len(part) + 2 and segments[0] == "" and segments[-1] == ""
        out.extend(segments[1:-1])
    return out


def all_chars():
    return [chr(c) for c in range(0x110000) if not (0xD800 <= c <= 0xDFFF)]


def bert(clean=False, cjk=False, strip=False, lower=False):
    return normalizers.BertNormalizer(clean_text=clean, handle_chinese_chars=cjk,
                                      strip_accents=strip, lowercase=lower)


def probe_unicode():
    chars = all_chars()
    probe = [c for c in chars if c != "|"]
    results = {}

    def each(norm, items):
        got = dict(zip(items, probe_each(norm, items)))
        return got

    clean = each(bert(clean=True), probe)
    cjk = each(bert(cjk=True), probe)
    nfd = each(normalizers.NFD(), probe)
    lower = each(bert(lower=True), probe)
    full = each(bert(strip=True, lower=True), probe)
    stable = [c for c in probe if nfd[c] == c]
    strip_only = each(bert(strip=True), stable)
    is_mn = {c for c in stable if strip_only[c] == ""}
    # A non-starter (combining class > 0) is reordered before U+0345 (class 240, the highest).
    swapped = each(normalizers.NFD(), ["\u0345" + c for c in stable])
    nonstarter = {c for c in stable if swapped["\u0345" + c] != "\u0345" + c} | {"\u0345"}
    pretok = pre_tokenizers.BertPreTokenizer()
    for c in "|":  # the separator itself, probed directly
        clean[c] = bert(clean=True).normalize_str(c)
        cjk[c] = bert(cjk=True).normalize_str(c)
        nfd[c] = normalizers.NFD().normalize_str(c)
        lower[c] = bert(lower=True).normalize_str(c)
        full[c] = bert(strip=True, lower=True).normalize_str(c)
    pre = {}
    for c in chars:
        pre[c] = len(pretok.pre_tokenize_str("a" + c + "a"))
    return chars, clean, cjk, nfd, lower, full, is_mn, nonstarter, pre


def ccc_of(c, nonstarter):
    if c not in nonstarter:
        return 0
    value = unicodedata.combining(c)
    assert value > 0, f"combining class unknown for U+{ord(c):04X}"
    return value


def build_tables():
    chars, clean, cjk, nfd, lower, full, is_mn, nonstarter, pre = probe_unicode()
    flags = [0] * 0x110000
    programs = [0]  # offset 0 means "no program"
    program_at = [0] * 0x110000
    program_cache = {}
    hangul_ok = 0
    for c in chars:
        cp = ord(c)
        f = 0
        r = clean[c]
        if r == "":
            f |= DROP
        elif r == " ":
            f |= SPACE
        else:
            assert r == c, (hex(cp), r)
        if cjk[c] == " " + c + " ":
            f |= CJK
        else:
            assert cjk[c] == c
        p = pre[c]
        if p == 2:
            f |= PRE_SPACE
        elif p == 3:
            f |= PUNCT
        else:
            assert p == 1
        # Uncased program: NFD, reorder, drop Mn, lowercase.
        decomposition = nfd[c]
        trivial = (decomposition == c and c not in is_mn and c not in nonstarter and lower[c] == c)
        if 0xAC00 <= cp <= 0xD7A3:
            s = cp - 0xAC00
            expect = chr(0x1100 + s // 588) + chr(0x1161 + (s % 588) // 28)
            if s % 28:
                expect += chr(0x11A7 + s % 28)
            assert decomposition == expect and full[c] == expect
            assert all(d not in nonstarter and d not in is_mn and lower[d] == d for d in expect)
            f |= HANGUL
            hangul_ok += 1
        elif not trivial:
            entries = []
            simulated = ""
            for d in decomposition:
                ccc = ccc_of(d, nonstarter)
                if d in is_mn:
                    if ccc == 0:
                        entries.append(FLUSH << 29)
                    continue
                if ccc == 0:
                    for low in lower[d]:
                        entries.append((EMIT << 29) | ord(low))
                    simulated += lower[d]
                else:
                    assert lower[d] == d, hex(ord(d))
                    entries.append((PUSH << 29) | (ccc << 21) | ord(d))
                    simulated += d
            # A single char is already in canonical order: the program's output, in order,
            # must be what the reference gives for the char alone.
            assert simulated == full[c], (hex(cp), simulated, full[c])
            key = tuple(entries)
            if key not in program_cache:
                program_cache[key] = len(programs)
                programs.append(len(entries))
                programs.extend(entries)
            program_at[cp] = program_cache[key]
            f |= PROGRAM
        flags[cp] = f
    # Kept non-starters must be plain word characters (the streaming cap relies on it).
    for c in nonstarter - is_mn:
        assert not (flags[ord(c)] & (DROP | SPACE | CJK | PUNCT | PRE_SPACE)), hex(ord(c))
    assert hangul_ok == 11172
    assert len(programs) < 65536
    return flags, program_at, programs


def two_stage(values, width_fmt):
    """Splits `values` into BLOCK-sized blocks; returns (block index, unique blocks) as bytes."""
    unique = {}
    index = []
    blocks = []
    for start in range(0, len(values), BLOCK):
        block = tuple(values[start:start + BLOCK])
        if block not in unique:
            unique[block] = len(blocks)
            blocks.append(block)
        index.append(unique[block])
    assert len(blocks) < 65536
    index_bytes = struct.pack("<%dH" % len(index), *index)
    flat = [v for b in blocks for v in b]
    block_bytes = struct.pack("<%d%s" % (len(flat), width_fmt), *flat)
    return index_bytes, block_bytes, len(blocks)


def swift_base64(name, data):
    text = base64.b64encode(data).decode("ascii")
    lines = [text[i:i + 120] for i in range(0, len(text), 120)]
    return "    static let %s = \"\"\"\n%s\n\"\"\"\n" % (name, "\n".join("    " + l for l in lines))


def write_tables():
    flags, program_at, programs = build_tables()
    flag_index, flag_blocks, n_flag = two_stage(flags, "B")
    prog_index, prog_blocks, n_prog = two_stage(program_at, "H")
    prog_bytes = struct.pack("<%dI" % len(programs), *programs)
    out = []
    out.append("// UnicodeTableData: GENERATED by Fixtures/gen/gen_tokenizer_goldens.py (tables); do not edit.\n")
    out.append("// Probed from Hugging Face tokenizers %s (BertNormalizer, BertPreTokenizer) code point by\n" % tokenizers.__version__)
    out.append("// code point, so the tables carry that library's Unicode versions. Decoded by UnicodeTables.swift.\n")
    out.append("// Layout: %d-code-point blocks; little-endian; %d flag blocks, %d program blocks, %d program words.\n"
               % (BLOCK, n_flag, n_prog, len(programs)))
    out.append("enum UnicodeTableData {\n")
    out.append("    static let referenceVersion = \"tokenizers %s\"\n" % tokenizers.__version__)
    out.append("    static let blockSize = %d\n" % BLOCK)
    out.append(swift_base64("flagBlockIndex", flag_index))
    out.append(swift_base64("flagBlocks", flag_blocks))
    out.append(swift_base64("programBlockIndex", prog_index))
    out.append(swift_base64("programBlocks", prog_blocks))
    out.append(swift_base64("programs", prog_bytes))
    out.append("}\n")
    with open(TABLE_SWIFT, "w", encoding="utf-8") as f:
        f.write("".join(out))
    print("wrote %s (%d flag blocks, %d program blocks, %d program words)"
          % (TABLE_SWIFT, n_flag, n_prog, len(programs)))


# ----------------------------------------------------------------------------------------------
# goldens
# ----------------------------------------------------------------------------------------------

CORPUS = "/work/shared/corpus/train"
GOLDEN = os.path.join(ROOT, "Fixtures", "tokenizer", "goldens-%s.json")


def austen_paragraphs():
    """A few paragraphs of each novel (deterministic picks), hard line breaks kept."""
    picks = []
    for name in sorted(os.listdir(CORPUS)):
        with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
            paragraphs = [p for p in f.read().split("\n\n") if len(p) > 300]
        for index in (7, 50, 111):
            picks.append(("austen/%s/%d" % (name.replace(".txt", ""), index), paragraphs[index]))
    return picks


def handmade_cases():
    c = []
    add = lambda name, text: c.append((name, text))
    add("empty", "")
    add("spaces-only", "  \t\n \r\n ")
    add("hello", "Hello, world! How are you?!?")
    add("accents", "Café naïve résumé coöperate façade Ångström Øresund Łódź Dvořák Mötley Crüe piñata")
    add("vietnamese", "Tiếng Việt có dấu: Hà Nội, Đà Nẵng, Huế")
    add("decomposed", "e\u0301 a\u0308 o\u0302\u0323 A\u030a n\u0303 cafe\u0301")
    add("zalgo", "Z\u0334\u0321\u031ba\u0338\u0316l\u0336\u0354g\u0337\u0319o\u0334\u0333 text")
    add("greek", "Ἀθῆναι ΟΔΥΣΣΕΥΣ ὁ Σωκράτης ΣΊΣΥΦΟΣ ᾯ ΐ ς σ Σ")
    add("cyrillic", "Привет, мир! Ёлка ЙОГУРТ Україна ґанок Ї й")
    add("chinese", "我爱北京天安门。中文分词测试，包括標點符號！")
    add("japanese", "こんにちは世界、カタカナとひらがな。ｶﾀｶﾅ")
    add("korean", "안녕하세요 세계 한국어 텍스트 각")
    add("cjk-compat-ext", "\uf900\uf901\ufa0e \U00020000\U00020001 \U0002a700 \U0002f800 \u3400\u4dbf")
    add("cjk-punct", "「引用」、『二重』。【括弧】〜")
    add("emoji", "I \u2764\ufe0f NY \U0001F44D\U0001F3FD \U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466 "
                 "\U0001F3F3\ufe0f\u200d\U0001F308 \U0001F1EB\U0001F1F7 \U0001F970 \U0001FAE8 \U0001F600\U0001F603 #\ufe0f\u20e3 \u00a9\u00ae\u2122")
    add("emoji-words", "smile\U0001F600face thumbs\U0001F44D\U0001F3FFup")
    add("controls", "a\x00b\x01c\x07d\x1be\x7ff\x80g\x9f h\x0bi\x0cj\x85k l\x1cm\x1fn")
    add("bidi-format", "abc\u200edef\u200fghi\u202ajkl\u202cmno\u2066pqr\u2069 \u00adsoft\u00adhyphen")
    add("zero-width", "zero\u200bwidth\u200cnon\u200djoiner\u2060word\ufeffbom\ufeff")
    add("combining-alone", "\u0301start \u0301 !\u0301 \u4e2d\u0301 1\u20dd x\u0345y")
    add("variation-selectors", "\u845b\U000E0100 \u2603\ufe0e \u2603\ufe0f a\ufe00b")
    add("turkish", "İstanbul IĞDIR ıi İı i̇ Iİ")
    add("german", "Straße STRASSE ẞ Fuß Maß groß GROẞ")
    add("ligatures", "ﬁne ﬂow ﬀ ﬃ ﬄ ﬅ ﬆ Œuvre æther Ĳssel ǅ ǈ")
    add("fullwidth", "ＨＥＬＬＯ\u3000ｗｏｒｌｄ！１２３　ＡＢＣ")
    add("long-100", "a" * 100)
    add("long-101", "a" * 101)
    add("long-mixed", "supercalifragilistic" * 6 + " ok " + "x" * 150 + " end")
    add("long-99-plus", "b" * 99 + "é " + "c" * 99 + "ée " + "d" * 100 + "\u0301 " + "ﬁ" * 60)
    add("long-accented", "é" * 101 + " " + "é" * 100 + " " + "İ" * 100 + " " + "İ" * 101)
    add("long-greek", "α" * 100 + " " + "Ω" * 101)
    add("long-punct-split", ("word" * 30) + "," + ("more" * 30))
    add("punct-ascii", "!!!???...,,,;;;:::---___***$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
    add("punct-unicode", "«quoted» „low“ “curly” ‘single’ ‹a› — – … ¡Hola! ¿Qué? ※ ‼ ⁉ ⸘ ‐ ‒ · ՚ ־ ׀ ؟ ۔ ။ ᠁")
    add("symbols", "¥€£¢©®°±×÷ ∑∫√∞ ≠≤≥ ←→↑↓ ♠♣♥♦ ☺☹ §¶ † ‡ • ‰ ′ ″")
    add("contractions", "don't won't it's I'm we're they've y'all rock'n'roll o'clock")
    add("abbreviations", "e.g. i.e. U.S.A. Mr. Mrs. Dr. St. a-b_c a/b a\\b")
    add("numbers", "3.14159 1,000,000 1e-10 0x1F 42nd 2nd ²³¹ ½ ⅓ ١٢٣ १२३ ௧௨ 一二三 ⅷ Ⅻ")
    add("urls", "https://example.com/path/to/page?query=1&x=y#frag mailto:user.name+tag@example.co.uk www.test.org:8080")
    add("code", "def f(x): return x**2 + 1  # comment\nif (a && b || !c) { y = z[0]; }")
    add("whitespace-mix", "a\tb\r\nc\rd\ne\u00a0f\u3000g\u2028h\u2029i\u1680j\u2000k\u200al\u202fm\u205fn\u0085o\u180ep")
    add("leading-trailing", "   padded text   \n\n")
    add("arabic", "مرحبا بالعالم! اَلْعَرَبِيَّةُ ١٢٣")
    add("hebrew", "שָׁלוֹם עוֹלָם, בְּרֵאשִׁית")
    add("hindi", "नमस्ते दुनिया। हिन्दी क़ ड़")
    add("thai", "สวัสดีครับ ภาษาไทย")
    add("misc-scripts", "ქართული Հայերեն አማርኛ ᏣᎳᎩ ᚠᛇᚻ 𐌰𐌱𐌲 ꦗꦮ")
    add("nonstarter-reorder", "a\U0001D16D\u0301\U0001D165b x\U0001D165\U0001D16D y\u302e\u302f\u0301 \uac00\u302e z\u08d4\u0301\u1dfb")
    add("musical", "\U0001D15E\U0001D160 \U0001D1BB\U0001D1BC")
    add("hangul-jamo", "\u1100\u1161\u11a8 \u1100\u1161 \uac01\u302e \ud7a3 \u3131\u314f")
    add("private-use", "a\ue000b \U000F0000c \U0010FFFDd")
    add("unassigned", "a\u0378b \U0001FFFFc \U000E0001d \u2fffe")
    add("replacement-char", "a\ufffdb \ufffd")
    add("specials-text", "[CLS] [SEP] [MASK] [PAD] [UNK] ##ing ##")
    add("specials-glued", "a[CLS]b [[CLS]] [CLS\x00] [cls] [CL[SEP] [UNK][UNK] é[MASK] [ CLS] x\u0301[SEP]\u0301y")
    add("specials-partial", "[CLS [SEP [MAS[MASK]] [[[[ [PA [PAD]x [ [")
    add("specials-end", "tail [SEP")
    add("mixed-case", "HeLLo WoRLD iPhone McDonald's NASA's")
    add("repeated-punct-words", "wait...what?!?! no-no-no!!! (yes) [maybe] {never}")
    add("superscripts", "x² H₂O E=mc² ™ ℃ ℉ № ℡ ㍿ ㎏")
    add("math-alnum", "\U0001D400\U0001D41A \U0001D7CE\U0001D7D8 \U0001D538")
    add("enclosed", "①②③ ⓐⓑⓒ ⒜ ㈠ 🄰")
    return c


def random_cases():
    """Deterministic random strings over a mix of code point ranges (no surrogates)."""
    import random
    rng = random.Random(20240611)
    pools = [
        (0x20, 0x7E), (0x00, 0x20), (0xA0, 0x17F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF),
        (0x590, 0x6FF), (0x900, 0x97F), (0x1100, 0x11FF), (0x1D00, 0x1DFF), (0x1E00, 0x1FFF),
        (0x2000, 0x206F), (0x2070, 0x2BFF), (0x3000, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
        (0xAC00, 0xD7A3), (0xD7B0, 0xD7FF), (0xE000, 0xF8FF), (0xF900, 0xFAFF), (0xFB00, 0xFFFF),
        (0x10000, 0x1FFFF), (0x1D100, 0x1D1FF), (0x1F000, 0x1FAFF), (0x20000, 0x2FFFF),
        (0x30000, 0x10FFFF),
    ]
    cases = []
    for n in range(240):
        length = rng.randint(1, 40)
        chars = []
        for _ in range(length):
            if rng.random() < 0.35:
                chars.append(rng.choice("abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789 .,;!?'-\n\t"))
                continue
            lo, hi = rng.choice(pools)
            cp = rng.randint(lo, hi)
            if 0xD800 <= cp <= 0xDFFF:
                cp = 0x20
            chars.append(chr(cp))
        cases.append(("random/%03d" % n, "".join(chars)))
    return cases


def byte_cases():
    """Byte strings with ill-formed UTF-8, read as bytes.decode("utf-8", "replace")."""
    raw = [
        b"abc\xffdef", b"\xc3\x28 caf\xc3\xa9", b"\xe2\x82 euro \xe2\x82\xac", b"\xe2\x82\x28",
        b"smile\xf0\x9f\x98", b"\xf0\x9f\x98\x80\xf0\x9f", b"sur\xed\xa0\x80rogate", b"big\xf4\x90\x80\x80x",
        b"over\xc0\xaflong \xe0\x80\xaf \xf0\x80\x80\xaf", b"caf\xc3", b"\x80\x80\x80 hi \xbf",
        b"\xfe\xff BOM? \xef\xbb\xbfreal", b"a\xc2\r\nb", b"mid\xe2word\xe2\x82ok", b"\xf1\x80\x80\xc3\xa9",
        b"\xf5\xf8\xfc\xfd x", b"tail \xf4\x8f\xbf", b"\x00\x00nul\x00s",
    ]
    cases = []
    for index, data in enumerate(raw):
        assert b"\xef\xbf\xbd" not in data
        text = data.decode("utf-8", "replace")
        cases.append(("bytes/%02d" % index, data, text.count("\ufffd")))
    return cases


def fnv1a_ids(ids):
    h = 0xcbf29ce484222325
    for i in ids:
        for b in struct.pack("<i", i):
            h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def big_text(texts, seed, pieces):
    """Deterministic mixture of the case texts; mirrored by the Swift tests (keep in sync)."""
    separators = [" ", "\n", "\r\n", "\t", ""]
    state = seed
    out = []
    for _ in range(pieces):
        state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        out.append(texts[(state >> 33) % len(texts)])
        out.append(separators[(state >> 17) % len(separators)])
    return "".join(out)


def all_code_points_text(start, stop, in_word):
    """Every scalar in [start, stop) (surrogates skipped): alone and followed by a space, or
    (in_word) inside a word and followed by a nonspacing mark and a kept non-starter."""
    if in_word:
        return "".join("a" + chr(c) + "\u0301\U0001D165b " for c in range(start, stop) if not (0xD800 <= c <= 0xDFFF))
    return "".join(chr(c) + " " for c in range(start, stop) if not (0xD800 <= c <= 0xDFFF))


def write_goldens():
    cases = [("austen", n, t) for n, t in austen_paragraphs()]
    cases += [("text", n, t) for n, t in handmade_cases() + random_cases()]
    texts = [t for _, _, t in cases]
    for lowercase in (True, False):
        tok = BertWordPieceTokenizer(VOCAB, lowercase=lowercase)
        enc = lambda s: tok.encode(s, add_special_tokens=False).ids
        out_cases = [{"name": n, "text": t, "ids": enc(t)} for _, n, t in cases]
        out_bytes = [{"name": n, "hex": d.hex(), "invalid": k, "ids": enc(d.decode("utf-8", "replace"))}
                     for n, d, k in byte_cases()]
        seed, pieces = 0x5EED, 9000
        big = big_text(texts, seed, pieces)
        big_ids = enc(big)
        assert len(big_ids) > 100000, len(big_ids)
        step = 0x10000
        planes = []
        for start in range(0, 0x110000, step):
            for in_word in (False, True):
                ids = enc(all_code_points_text(start, start + step, in_word))
                planes.append({"start": start, "in_word": in_word, "count": len(ids), "fnv1a64": fnv1a_ids(ids)})
        doc = {
            "reference": "tokenizers %s: BertWordPieceTokenizer(vocab, lowercase=%s).encode(text, add_special_tokens=False)"
                         % (tokenizers.__version__, lowercase),
            "tokenizers_version": tokenizers.__version__,
            "vocab": "Fixtures/tokenizer/vocab.txt",
            "lowercase": lowercase,
            "cases": out_cases,
            "byte_cases": out_bytes,
            "big_text": {"seed": seed, "pieces": pieces, "utf8_bytes": len(big.encode("utf-8")),
                         "count": len(big_ids), "fnv1a64": fnv1a_ids(big_ids)},
            "all_code_points": {"block": step, "blocks": planes},
        }
        path = GOLDEN % ("uncased" if lowercase else "cased")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=True, separators=(",", ":"))
            f.write("\n")
        print("wrote %s (%d cases, big text %d tokens)" % (path, len(out_cases), len(big_ids)))


def write_multilingual_text(path):
    """A ~2 MB benchmark text from the hand-made and random cases only (mostly non-ASCII)."""
    texts = [t for _, t in handmade_cases() + random_cases()]
    with open(path, "w", encoding="utf-8") as f:
        f.write(big_text(texts, 0xBE7C, 40000))
    print("wrote %s" % path)


if __name__ == "__main__":
    jobs = sys.argv[1:] or ["tables", "goldens"]
    if jobs[0] == "multilingual-text":
        # Not a fixture: a benchmark input, e.g. multilingual-text /tmp/multilingual.txt
        write_multilingual_text(jobs[1])
        sys.exit(0)
    for job in jobs:
        if job == "tables":
            write_tables()
        elif job == "goldens":
            write_goldens()
        else:
            sys.exit("unknown job %r (tables | goldens | multilingual-text OUT)" % job)
