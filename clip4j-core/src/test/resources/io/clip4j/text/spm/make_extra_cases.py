#!/usr/bin/python3
"""Makes the extra SentencePiece reference data beside this script.

Needs the C++ SentencePiece library 0.1.97 through its Python binding (Debian 12: apt-get install
python3-sentencepiece), the same version as testdata/fixtures/tokenizer/sentencepiece. Run from the
repository root:  /usr/bin/python3 clip4j-core/src/test/resources/io/clip4j/text/spm/make_extra_cases.py

Writes:
  extra-*.model        tiny models (identity normalizer) covering what the fixture models do not:
                       user-defined symbols, unigram byte fallback, whitespace as suffix, kept extra
                       whitespace, UNUSED pieces, CHAR and WORD models, custom normalization and
                       denormalization rules
  extra-cases.jsonl    {model, text | text_hex, ids, pieces, decoded}  encode/decode by the library
  extra-decode.jsonl   {model, ids, decoded}  decode of id sequences (control, unknown, byte pieces)
  siglip-extra.jsonl   {text, siglip_text, siglip_ids}  the SigLIP pipeline on edge-case texts with
                       testdata's spm-unigram.model (pad 0, eos 1, length 64)
"""
import json
import os
import random
import re
import string
import struct
import sys

import sentencepiece as spm

assert spm.__version__ == "0.1.97", spm.__version__

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join("testdata", "fixtures", "tokenizer", "sentencepiece")


def fixture_texts():
    with open(os.path.join(FIXTURES, "spm-unigram-cases.jsonl"), encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


EDGE_TEXTS = [
    "", " ", "   ", "\t", "\n\n", "  hello   world  ", "hello\tworld\nagain", "a\u3000b", "ｈｅｌｌｏ ｗｏｒｌｄ",
    "ﬁne ﬂow", "①②③", "Å Å", "e\u0301te\u0301", "a\u200db", "soft\u00adhyphen", "nul\x00char", "\x00",
    "del\x7fchar", "ctl\x01\x02x", "\u2581", "\u2581\u2581a", "a\u2581b", "a \u2581 b", "<unk>", "</s>", "<s>",
    "<pad>", "<0x41>", "C++ and <sep> and [MASK] here", "abab ab ba", "a" * 300, "supercalifragilistic" * 3,
    "👩\u200d👩\u200d👧 family", "🇯🇵 flag", "नमस्ते दुनिया", "مرحبا بالعالم", "สวัสดีครับ", "日本語のテキストです",
    "한국어 문장입니다", "Hello世界Hello", "1234567890", "3.14159 and 2,718", "https://example.com/a?b=c&d=e",
    "straße", "İstanbul", "ΟΔΟΣ ΟΔΟΣ", "Ǆemal", "x" * 1000, "Mixed   \t whitespace\u00a0\u2009here",
    "trailing spaces   ", "   leading spaces", "UPPER lower MiXeD", "'quoted' \"double\" `back`",
    "under_score and-dash", "emoji 😀😃😄 end", "tab\tsep\tvalues", "zero\u200bwidth\u200bspace",
    "ABC ABD AB A ABCABC Straße it’s ！ x\u3000y", "axb xx",
]

BAD_UTF8 = [b"ab\xffcd", b"\xe2\x96", b"x\xed\xa0\x80y", b"\xc0\xafz", b"\xf4\x90\x80\x80q", b"\x80\x80", b"ok\xe2"]


# --- minimal protobuf wire format, to mark some pieces UNUSED -----------------------------------------------------
def varint(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if not x & 0x80:
            return r, i


def enc_varint(v):
    out = bytearray()
    while True:
        x = v & 0x7F
        v >>= 7
        if v:
            out.append(x | 0x80)
        else:
            out.append(x)
            return bytes(out)


def fields(b):
    i = 0
    while i < len(b):
        start = i
        k, i = varint(b, i)
        f, w = k >> 3, k & 7
        if w == 0:
            _, i = varint(b, i)
        elif w == 2:
            n, i = varint(b, i)
            i += n
        elif w == 5:
            i += 4
        elif w == 1:
            i += 8
        else:
            raise ValueError(w)
        yield f, w, b[start:i]


def payload(raw):
    _, i = varint(raw, 0)
    n, i = varint(raw, i)
    return raw[i:i + n]


def mark_unused(model_bytes, unused_pieces):
    out = bytearray()
    for f, w, raw in fields(model_bytes):
        if f == 1:
            sub = payload(raw)
            piece = None
            kept = bytearray()
            for ff, ww, rr in fields(sub):
                if ff == 1:
                    piece = payload(rr).decode("utf-8")
                if ff != 3:
                    kept += rr
            if piece in unused_pieces:
                kept += enc_varint(3 << 3) + enc_varint(5)
                raw = enc_varint(1 << 3 | 2) + enc_varint(len(kept)) + bytes(kept)
        out += raw
    return bytes(out)


def train(name, texts, **kw):
    corpus = os.path.join(HERE, "corpus.tmp")
    with open(corpus, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(t.replace("\n", " ") + "\n")
    prefix = os.path.join(HERE, name)
    if "normalization_rule_tsv" not in kw:
        kw["normalization_rule_name"] = "identity"
    spm.SentencePieceTrainer.train(input=corpus, model_prefix=prefix, num_threads=1, minloglevel=2, **kw)
    os.remove(corpus)
    os.remove(prefix + ".vocab")
    return prefix + ".model"


def main():
    texts = fixture_texts()
    models = {}
    models["extra-unigram-udef.model"] = train(
        "extra-unigram-udef", texts, model_type="unigram", vocab_size=400, byte_fallback=True,
        user_defined_symbols=["<sep>", "C++", "[MASK]", "ab"], remove_extra_whitespaces=False,
        pad_id=3, unk_surface="<?>", character_coverage=0.98)
    models["extra-bpe-suffix.model"] = train(
        "extra-bpe-suffix", texts, model_type="bpe", vocab_size=300, treat_whitespace_as_suffix=True,
        user_defined_symbols=["<sep>", "C++"], character_coverage=0.98)
    models["extra-char.model"] = train(
        "extra-char", texts, model_type="char", vocab_size=80, add_dummy_prefix=False, eos_id=-1,
        user_defined_symbols=["<sep>"], character_coverage=0.98)
    # Custom rules (compiled into a precompiled_charsmap) and a denormalizer applied when decoding.
    norm_tsv = os.path.join(HERE, "norm.tmp.tsv")
    denorm_tsv = os.path.join(HERE, "denorm.tmp.tsv")
    with open(norm_tsv, "w") as f:
        f.write("DF\t73 73\n2019\t27\nFF01\t21\n41 42 43\t61 62 63\n3000\t20\n41 42\t78\n")
    with open(denorm_tsv, "w") as f:
        f.write("27\t2019\n78\t41 42\n")
    models["extra-unigram-rules.model"] = train(
        "extra-unigram-rules", texts, model_type="unigram", vocab_size=300, normalization_rule_tsv=norm_tsv,
        denormalization_rule_tsv=denorm_tsv, character_coverage=0.98)
    os.remove(norm_tsv)
    os.remove(denorm_tsv)
    models["extra-word.model"] = train(
        "extra-word", texts, model_type="word", vocab_size=600, hard_vocab_limit=False,
        remove_extra_whitespaces=False, character_coverage=0.98)

    # BPE and unigram models in which frequent pieces are UNUSED (BPE resegments them, unigram skips them).
    bpe_plain = train("extra-bpe-plain", texts, model_type="bpe", vocab_size=300, character_coverage=0.98)
    uni_plain = train("extra-unigram-plain", texts, model_type="unigram", vocab_size=300, character_coverage=0.98)
    for plain, name in [(bpe_plain, "extra-bpe-unused.model"), (uni_plain, "extra-unigram-unused.model")]:
        sp = spm.SentencePieceProcessor(model_file=plain)
        counts = {}
        for t in texts:
            for p in sp.encode(t, out_type=str):
                if len(p) > 1:
                    counts[p] = counts.get(p, 0) + 1
        unused = set(sorted(counts, key=lambda p: (-counts[p], p))[:12])
        with open(plain, "rb") as f:
            data = mark_unused(f.read(), unused)
        os.remove(plain)
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        models[name] = os.path.join(HERE, name)
    for name in ["spm-unigram.model", "spm-bpe.model"]:
        models["fixture:" + name] = os.path.join(FIXTURES, name)

    rnd = random.Random(7)
    sample = rnd.sample(texts, 60)
    with open(os.path.join(HERE, "extra-cases.jsonl"), "w", encoding="utf-8") as out, \
            open(os.path.join(HERE, "extra-decode.jsonl"), "w", encoding="utf-8") as dec:
        for name, path in models.items():
            sp = spm.SentencePieceProcessor(model_file=path)
            cases = ([] if name.startswith("fixture:") else sample) + EDGE_TEXTS + BAD_UTF8
            for t in cases:
                ids = sp.encode(t)
                pieces = [p.decode("utf-8") if isinstance(p, bytes) else p for p in sp.encode(t, out_type=str)]
                row = {"model": name}
                if isinstance(t, bytes):
                    row["text_hex"] = t.hex()
                else:
                    row["text"] = t
                row.update(ids=ids, pieces=pieces, decoded=sp.decode(ids))
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n = sp.get_piece_size()
            byte_ids = [i for i in range(n) if sp.is_byte(i)]
            seqs = [list(range(min(n, 60))), [sp.unk_id()], [sp.unk_id(), sp.unk_id()],
                    [i for i in range(n) if sp.is_control(i)] + [min(10, n - 1)]]
            if byte_ids:
                b = {sp.id_to_piece(i): i for i in byte_ids}
                seqs += [[b["<0xE4>"], b["<0xB8>"], b["<0xAD>"]], [b["<0xE4>"], b["<0xB8>"]],
                         [b["<0xFF>"], 10, b["<0x41>"], b["<0xC3>"]], [b["<0xE2>"], b["<0x96>"], b["<0x81>"], 20]]
            for _ in range(20):
                seqs.append([rnd.randrange(n) for _ in range(rnd.randrange(1, 12))])
            for s in seqs:
                dec.write(json.dumps({"model": name, "ids": s, "decoded": sp.decode(s)}, ensure_ascii=False) + "\n")

    # The SigLIP pipeline (lower-case per character as HF does, canonicalize, encode, cut to 63, </s>, pad 0).
    sp = spm.SentencePieceProcessor(model_file=models["fixture:spm-unigram.model"])

    def canonical(t):
        t = re.sub(r"(.+?)", lambda m: m.group(1).lower(), t)
        t = t.translate(str.maketrans("", "", string.punctuation))
        return re.sub(r"\s+", " ", t).strip()

    with open(os.path.join(HERE, "siglip-extra.jsonl"), "w", encoding="utf-8") as out:
        for t in EDGE_TEXTS + ["A " * 100, "Σ ΣΑΣ", "\u1680x\u2028y\u202fz\x1cw\x85v", "a\u180eb"]:
            c = canonical(t)
            ids = sp.encode(c)[:63] + [1]
            ids += [0] * (64 - len(ids))
            out.write(json.dumps({"text": t, "siglip_text": c, "siglip_ids": ids}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.exit(main())
