#!/usr/bin/python3
"""Generates inkan's OCR/ingest test fixtures into a directory (not committed).

    /usr/bin/python3 tests/data/make_test_data.py --out DIR [--verify]

Needs only Debian's python3-pil and fonts (fonts-ipafont-mincho,
fonts-ipafont-gothic, fonts-dejavu-core); runs in about 2 s.  Deterministic:
the same Pillow version writes byte-identical files on every run (no
timestamps; libtiff's uninitialised padding bytes are zeroed; random bytes
come from a fixed seed).

Layout written under DIR:

    known/               pages whose text is known exactly (A4, clean, 12 pt body)
      jp_contract.png    300 dpi RGB, Japanese contract, IPA Mincho  (印鑑, 損害賠償責任)
      en_letter.png      300 dpi 8-bit gray, English letter, DejaVu Serif  (indemnification)
      multi.tif          3 pages, 300 dpi RGB, LZW, IPA Gothic
                         (p2 only: 秘密保持義務; p3 only, English page: arbitration)
      scan.pdf           2 pages, one 300 dpi RGB JPEG (DCTDecode) per page  (p2 only: 知的財産権)
      fax_g4.tif         200 dpi 1-bit, CCITT G4, min-is-white, 16 pt  (帳票スキャナ)
      packbits.tif       300 dpi 1-bit, PackBits, min-is-black  (振込先)
      deflate.tif        300 dpi 8-bit gray, Adobe Deflate  (議事録, workflow)
      jpeg_rgb.jpg       300 dpi RGB JPEG  (納品書)
      truth.json         {"file": [[line, ...] for each page]}, pages in order
      words.json         [{"word": w, "file": f, "page": p}]: each distinctive
                         word and the only page (1-based) whose text contains it
    bad/                 files an ingest must reject or skip without crashing
      empty.png          0 bytes
      truncated.png      the first half of a valid PNG
      text.pdf           a plain-text file named .pdf
      zero.tif           0 bytes
      junk/              notes.txt, random.jpg (JPEG marker + random bytes), .DS_Store,
                         ok.png (valid; one line of text, in manifest.json)
    manifest.json        per file: format, compression, mode, dpi, pages and
                         "expect": "ok" | "error" | "skip"

Text lines in truth.json are exactly what was drawn.  Compare OCR output after
NFKC normalisation with all whitespace removed: tesseract jpn returns
full-width brackets and digits as half-width, and spaces between CJK characters.
The lines were chosen so that `tesseract FILE - -l jpn+eng -c
preserve_interword_spaces=1` (tesseract 5.3, Debian's jpn/eng 4.1 models)
reads every one exactly; tesseract's jpn model is fragile (drops the kanji 乙,
misreads short lines and large text), so re-run --verify after any change.

--verify runs that command on every known page (PDF pages are extracted with
`pdfimages -j` first) and on bad/junk/ok.png, and prints, per line, whether the
normalised truth line equals one of the normalised OCR lines of that page.
With --inkan BIN it uses `BIN inspect --json` instead (tesseract through its
C API, which reads a few borderline lines differently from the CLI); every
line passes both ways.  Exit status 1 if any line is missed.
"""

import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from tifftidy import tidy_tiff  # noqa: E402
from PIL import Image, ImageDraw, ImageFont

SEED = 20240401

FONTS = {
    # name: candidates (first existing wins)
    "mincho": ["/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf",
               "/usr/share/fonts/truetype/fonts-japanese-mincho.ttf"],
    "gothic": ["/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
               "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"],
    "serif": ["/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"],
    "sans": ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"],
}

# A fixed date for PDF /CreationDate and /ModDate so that the PDF is reproducible.
FIXED_TIME = time.struct_time((2024, 4, 1, 0, 0, 0, 0, 92, 0))

A4_MM = (210, 297)

# ---------------------------------------------------------------------------
# Known text.  The first line of a page is a centred 18 pt title when the
# fixture lists that page in "titles".  Every line here was checked with
# --verify, most also at +-0.5 and +-1 pt.  Avoided on purpose, because
# tesseract's jpn model misreads them: the single-stroke kanji 乙 (甲/乙 parties
# became 委託者/受託者); short lone titles such as 請求書 (given an English
# suffix instead); "第N条（見出し）" at the start of a line outside jp_contract
# (read as Latin garbage); 金 before digits; small っ in Mincho; body text of
# 14 pt or more at 300 dpi.  Gothic is used for multi.tif because Mincho's 密
# is read as 客.
# ---------------------------------------------------------------------------

JP_CONTRACT = [
    "業務委託契約書",
    "株式会社青葉商事（以下「委託者」という。）と",
    "株式会社みなと技研（以下「受託者」という。）は、",
    "次のとおり業務委託契約を締結する。",
    "第1条（目的）委託者は受託者に対し、文書管理",
    "システムの保守業務を委託し、受託者はこれを受託する。",
    "第2条（損害賠償）受託者の責めに帰すべき事由により",
    "委託者に損害が生じたときは、損害賠償責任を負う。",
    "第3条（印鑑）本契約の成立を証するため、",
    "両者記名押印の上、印鑑証明書を添付する。",
    "令和6年4月1日 契約番号 AB-2024-0173",
]

EN_LETTER = [
    "Northwind Trading Ltd.",
    "Dear Ms. Tanaka,",
    "Thank you for your letter of March 4 regarding the renewal",
    "of our supply agreement. We have reviewed the draft and",
    "agree with the revised delivery schedule in Section 3.",
    "However, the indemnification clause in Section 9 must be",
    "limited to direct damages caused by gross negligence.",
    "Please send the signed copy to our Osaka office by April 15.",
    "Invoice number INV-2024-0381 remains payable within 30 days.",
    "Yours sincerely,",
    "Robert Hughes, Contracts Manager",
]

MULTI = [
    [
        "社内文書の保管に関する規程",
        "第1条 この規程は、当社の業務上作成し、",
        "又は取得した文書の保管方法を定める。",
        "第2条 契約書及び請求書の保管期間は、",
        "事業年度終了の日から10年間とする。",
        "第3条 紙の文書は、スキャナで読み取り、",
        "検索可能な形式で保存することができる。",
        "第4条 保管期間を経過した文書は、",
        "総務部長の承認を得て廃棄する。",
    ],
    [
        "第5条 受託者は、本業務の遂行により知り得た情報について、",
        "契約終了後も秘密保持義務を負うものとする。",
        "第6条 受託者は、委託者の書面による",
        "事前の承諾なく、本業務を第三者に再委託してはならない。",
        "第7条 受託者は、毎月末日までに",
        "業務の進捗状況を書面で報告する。",
    ],
    [
        "Section 12. Governing Law and Dispute Resolution",
        "This Agreement shall be governed by the laws of Japan.",
        "Any dispute arising out of or in connection with this",
        "Agreement shall be finally settled by arbitration",
        "in Tokyo in accordance with the rules then in effect.",
        "Section 13. Entire Agreement",
        "This Agreement constitutes the entire agreement",
        "between the parties and supersedes all prior",
        "understandings relating to its subject matter.",
    ],
]

SCAN_PDF = [
    [
        "業務委託料の改定に関する覚書",
        "株式会社青葉商事と株式会社みなと技研は、",
        "令和6年4月1日付業務委託契約書に関し、",
        "以下のとおり合意した。",
        "1. 委託料を月額550,000円に改定する。",
        "2. 改定後の委託料は令和6年7月分から適用する。",
        "3. その他の条項は原契約のとおりとする。",
    ],
    [
        "成果物に係る知的財産権は、委託料の支払完了時に",
        "委託者に移転するものとする。",
        "本覚書の成立を証するため本書2通を作成し、",
        "双方が記名押印の上、1通ずつ保有する。",
        "令和6年6月20日 株式会社青葉商事",
    ],
]

FAX_G4 = [
    "FAX 注文書",
    "送信日 令和6年5月13日",
    "宛先 株式会社みなと技研 営業部 御中",
    "発信 株式会社青葉商事 購買課",
    "下記のとおり注文いたします。",
    "品名 帳票スキャナ 数量 3台",
    "PURCHASE ORDER PO-55821",
    "Delivery by May 31, 2024",
]

PACKBITS = [
    "請求書 INVOICE",
    "請求番号 INV-2024-0412",
    "ご請求金額 128,700円（税込）",
    "お支払期限 2024年6月30日",
    "振込先 若葉銀行 本店営業部 普通 1234567",
    "お振込手数料は貴社にてご負担ください。",
]

DEFLATE = [
    "議事録 Meeting Minutes",
    "Date: 2024-05-20 10:00-11:30",
    "出席者 佐藤、鈴木、田中、Smith",
    "議題 スキャン文書の全文検索について",
    "Decision: adopt the new indexing workflow.",
    "次回は6月3日に開催する。",
]

JPEG_RGB = [
    "納品書 DELIVERY NOTE",
    "納品日 2024年4月25日 伝票番号 DN-7719",
    "品番 KX-300 文書保管箱 数量 20",
    "品番 KX-310 ラベル用紙 数量 5",
    "以上のとおり納品いたしました。",
]

OK_PNG_LINE = "テスト画像 OK 12345"

# Words a search test can look for; each must occur on exactly one page of
# known/ (checked at generation time, after NFKC and whitespace removal).
DISTINCTIVE = [
    "印鑑",          # 2 chars, jp_contract.png only
    "損害賠償責任",  # 6 chars, jp_contract.png only
    "indemnification",
    "秘密保持義務",  # 6 chars, multi.tif page 2
    "arbitration",  # multi.tif page 3
    "知的財産権",    # 5 chars, scan.pdf page 2
    "帳票スキャナ",
    "振込先",
    "議事録",
    "workflow",
    "納品書",
]


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------

_font_cache = {}


def _first_existing(paths):
    for p in paths:
        if os.path.exists(p):
            return p
    sys.exit("make_test_data.py: none of these fonts exist: " + ", ".join(paths) +
             "\n  apt-get install fonts-ipafont-mincho fonts-ipafont-gothic fonts-dejavu-core")


def font(name, pt, dpi):
    px = round(pt * dpi / 72)
    key = (name, px)
    if key not in _font_cache:
        _font_cache[key] = ImageFont.truetype(_first_existing(FONTS[name]), px)
    return _font_cache[key]


def is_ascii(s):
    return all(ord(c) < 128 for c in s)


def render_page(lines, dpi=300, title=True, body_pt=12.0, title_pt=18.0,
                jp_font="mincho", en_font="serif",
                paper=(255, 255, 255), ink=(20, 20, 20), size_mm=A4_MM):
    """Renders lines onto an RGB page: the first line centred as a title when
    title is set, the rest left-aligned.  Pure-ASCII lines use en_font."""
    w, h = round(size_mm[0] / 25.4 * dpi), round(size_mm[1] / 25.4 * dpi)
    im = Image.new("RGB", (w, h), paper)
    d = ImageDraw.Draw(im)
    left = round(dpi * 0.9)
    y = round(dpi * 1.0)
    pitch = round(body_pt * dpi / 72 * 1.8)
    for i, line in enumerate(lines):
        face = en_font if is_ascii(line) else jp_font
        if i == 0 and title:
            f = font(face, title_pt, dpi)
            tw = d.textlength(line, font=f)
            d.text((round((w - tw) / 2), y), line, font=f, fill=ink)
            y += round(f.size * 2.0)
        else:
            d.text((left, y), line, font=font(face, body_pt, dpi), fill=ink)
            y += pitch
    assert y < h - dpi * 0.5, "text overflows the page"
    return im


def to_bilevel(im, threshold=150):
    return im.convert("L").point(lambda v: 255 if v >= threshold else 0, mode="1")


# One entry per known/ file.  "render" holds render_page() arguments shared by
# its pages; "title" says which pages (0-based) start with a title line.
FIXTURES = [
    dict(file="jp_contract.png", pages=[JP_CONTRACT], mode="RGB", dpi=300,
         fmt="png", compression="deflate", titles=[0],
         render=dict(jp_font="mincho", paper=(252, 251, 246), ink=(28, 26, 36))),
    dict(file="en_letter.png", pages=[EN_LETTER], mode="L", dpi=300,
         fmt="png", compression="deflate", titles=[],
         render=dict(en_font="serif", paper=(250, 250, 250))),
    dict(file="multi.tif", pages=MULTI, mode="RGB", dpi=300,
         fmt="tiff", compression="lzw", titles=[0],
         render=dict(jp_font="gothic", en_font="serif", paper=(253, 252, 248))),
    dict(file="scan.pdf", pages=SCAN_PDF, mode="RGB", dpi=300,
         fmt="pdf", compression="dct", titles=[0],
         render=dict(jp_font="mincho", paper=(250, 249, 244))),
    dict(file="fax_g4.tif", pages=[FAX_G4], mode="1", dpi=200, min_is_white=True,
         fmt="tiff", compression="ccitt_g4", titles=[0],
         render=dict(jp_font="gothic", en_font="sans", body_pt=16.0, title_pt=22.0)),
    dict(file="packbits.tif", pages=[PACKBITS], mode="1", dpi=300,
         fmt="tiff", compression="packbits", titles=[0],
         render=dict(jp_font="mincho")),
    dict(file="deflate.tif", pages=[DEFLATE], mode="L", dpi=300,
         fmt="tiff", compression="deflate", titles=[0],
         render=dict(jp_font="mincho", paper=(248, 248, 248))),
    dict(file="jpeg_rgb.jpg", pages=[JPEG_RGB], mode="RGB", dpi=300,
         fmt="jpeg", compression="dct", titles=[0],
         render=dict(jp_font="mincho", paper=(251, 250, 245), ink=(24, 24, 40))),
]


def render_fixture(fx, pt_delta=0.0):
    """Returns the page images of a fixture, in its final mode."""
    r = dict(fx["render"])
    r["body_pt"] = r.get("body_pt", 12.0) + pt_delta
    r["title_pt"] = r.get("title_pt", 18.0) + pt_delta
    out = []
    for i, lines in enumerate(fx["pages"]):
        im = render_page(lines, dpi=fx["dpi"], title=i in fx["titles"], **r)
        out.append(to_bilevel(im) if fx["mode"] == "1" else im.convert(fx["mode"]))
    return out


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------

def save_fixture(fx, pages, path):
    dpi = (fx["dpi"], fx["dpi"])
    first, rest = pages[0], pages[1:]
    # Pillow's multi-page TIFF writer seeks over alignment bytes without
    # writing them: start from an empty file so that they are zeros.
    if os.path.lexists(path):
        os.remove(path)
    kind = (fx["fmt"], fx["compression"])
    if kind == ("png", "deflate"):
        first.save(path, dpi=dpi)
    elif kind == ("jpeg", "dct"):
        first.save(path, dpi=dpi, quality=88)
    elif kind == ("pdf", "dct"):
        first.save(path, save_all=True, append_images=rest, resolution=float(fx["dpi"]),
                   quality=85, title="scan", producer="inkan test data",
                   creationDate=FIXED_TIME, modDate=FIXED_TIME)
    elif fx["fmt"] == "tiff":
        comp = {"lzw": "tiff_lzw", "ccitt_g4": "group4", "packbits": "packbits",
                "deflate": "tiff_adobe_deflate"}[fx["compression"]]
        if fx.get("min_is_white"):
            # Fax convention: bit 0 = white.  Pillow 9 mis-writes 1-bit images
            # with PhotometricInterpretation 0, so invert the pixels, write
            # them as min-is-black, then flip the tag.
            first = first.point(lambda v: 255 - v)
        first.save(path, save_all=bool(rest), append_images=rest, compression=comp, dpi=dpi)
        tidy_tiff(path, photometric=0 if fx.get("min_is_white") else None)
    else:
        raise ValueError(kind)


def write_known(out):
    kdir = os.path.join(out, "known")
    os.makedirs(kdir, exist_ok=True)
    truth = {}
    manifest = {}
    for fx in FIXTURES:
        save_fixture(fx, render_fixture(fx), os.path.join(kdir, fx["file"]))
        truth[fx["file"]] = fx["pages"]
        manifest["known/" + fx["file"]] = {
            "format": fx["fmt"], "compression": fx["compression"], "mode": fx["mode"],
            "dpi": fx["dpi"], "pages": len(fx["pages"]), "expect": "ok",
        }

    with open(os.path.join(kdir, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=2)
        f.write("\n")

    words = []
    for w in DISTINCTIVE:
        hits = [(name, pi + 1) for name, pages in truth.items()
                for pi, lines in enumerate(pages) if norm(w) in norm("".join(lines))]
        if len(hits) != 1:
            sys.exit(f"make_test_data.py: distinctive word {w!r} is on {hits}, want exactly one page")
        words.append({"word": w, "file": hits[0][0], "page": hits[0][1]})
    with open(os.path.join(kdir, "words.json"), "w", encoding="utf-8") as f:
        json.dump(words, f, ensure_ascii=False, indent=2)
        f.write("\n")
    return manifest


def write_bad(out):
    bdir = os.path.join(out, "bad")
    jdir = os.path.join(bdir, "junk")
    os.makedirs(jdir, exist_ok=True)
    rng = random.Random(SEED)
    manifest = {}

    open(os.path.join(bdir, "empty.png"), "wb").close()
    manifest["bad/empty.png"] = {"expect": "error", "why": "0 bytes"}

    buf = io.BytesIO()
    render_page(["途中で切れた画像", "This PNG is cut in half."], dpi=150).convert("L").save(buf, "PNG")
    data = buf.getvalue()
    with open(os.path.join(bdir, "truncated.png"), "wb") as f:
        f.write(data[: len(data) // 2])
    manifest["bad/truncated.png"] = {"expect": "error", "why": "first half of a valid PNG"}

    with open(os.path.join(bdir, "text.pdf"), "w", encoding="utf-8") as f:
        f.write("This is a plain text file, not a PDF.\nこれはPDFではありません。\n")
    manifest["bad/text.pdf"] = {"expect": "error", "why": "plain text named .pdf"}

    open(os.path.join(bdir, "zero.tif"), "wb").close()
    manifest["bad/zero.tif"] = {"expect": "error", "why": "0 bytes"}

    with open(os.path.join(jdir, "notes.txt"), "w", encoding="utf-8") as f:
        f.write("scanner notes: batch 7 rescanned\n")
    manifest["bad/junk/notes.txt"] = {"expect": "skip", "why": "not an image"}

    # Starts like a JPEG (SOI + APP0 marker) so that format sniffing takes it
    # for one; the rest is random, so decoding must fail.
    with open(os.path.join(jdir, "random.jpg"), "wb") as f:
        f.write(b"\xff\xd8\xff\xe0" + rng.randbytes(4092))
    manifest["bad/junk/random.jpg"] = {"expect": "error",
                                       "why": "JPEG SOI/APP0 marker then 4092 random bytes"}

    # A real .DS_Store starts with 00 00 00 01 "Bud1".
    with open(os.path.join(jdir, ".DS_Store"), "wb") as f:
        f.write(b"\x00\x00\x00\x01Bud1" + b"\x00" * 8 + rng.randbytes(120))
    manifest["bad/junk/.DS_Store"] = {"expect": "skip", "why": "hidden macOS metadata"}

    im = Image.new("RGB", (1000, 160), (255, 255, 255))
    d = ImageDraw.Draw(im)
    d.text((40, 45), OK_PNG_LINE, font=font("mincho", 12, 300), fill=(20, 20, 20))
    im.save(os.path.join(jdir, "ok.png"), dpi=(300, 300))
    manifest["bad/junk/ok.png"] = {"expect": "ok", "format": "png", "mode": "RGB", "dpi": 300,
                                   "pages": 1, "lines": [OK_PNG_LINE]}
    return manifest


# ---------------------------------------------------------------------------
# Verification with the tesseract CLI
# ---------------------------------------------------------------------------

def norm(s):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def ocr_pages(path, tmp):
    """Returns the OCR text of each page of path, via the tesseract CLI."""
    if path.endswith(".pdf"):
        prefix = os.path.join(tmp, os.path.basename(path))
        subprocess.run(["pdfimages", "-j", path, prefix], check=True)
        imgs = sorted(p for p in os.listdir(tmp) if p.startswith(os.path.basename(path) + "-"))
        return [ocr_pages(os.path.join(tmp, p), tmp)[0] for p in imgs]
    # One OpenMP thread: on a 2-core machine tesseract is ~4x faster in wall
    # time than with its default threading, and the result is the same.
    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    out = subprocess.run(["tesseract", path, "-", "-l", "jpn+eng",
                          "-c", "preserve_interword_spaces=1"],
                         check=True, capture_output=True, text=True, env=env).stdout
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def inkan_pages(inkan, paths, tmp):
    """Returns {path: [page text, ...]} from `inkan inspect --json`."""
    res = subprocess.run([inkan, "--data", os.path.join(tmp, "inkan-data"), "inspect", "--json"] + paths,
                         capture_output=True, text=True)
    out = {}
    for line in res.stdout.splitlines():
        d = json.loads(line)
        out[d["file"]] = [p.get("text", "") for p in d.get("pages", [])]
    return out


def verify(out, inkan=None):
    with open(os.path.join(out, "known", "truth.json"), encoding="utf-8") as f:
        truth = json.load(f)
    checks = [("known/" + k, v) for k, v in truth.items()]
    checks.append(("bad/junk/ok.png", [[OK_PNG_LINE]]))
    total = missed = 0
    with tempfile.TemporaryDirectory() as tmp:
        if inkan:
            by_path = inkan_pages(inkan, [os.path.join(out, n) for n, _ in checks], tmp)
        for name, pages in checks:
            if inkan:
                got_pages = by_path.get(os.path.join(out, name), [])
            else:
                got_pages = ocr_pages(os.path.join(out, name), tmp)
            if len(got_pages) != len(pages):
                print(f"{name}: {len(got_pages)} OCR pages, want {len(pages)}")
                missed += 1
            for pi, lines in enumerate(pages):
                got = {norm(l) for l in (got_pages[pi] if pi < len(got_pages) else "").splitlines()}
                got.discard("")
                for line in lines:
                    total += 1
                    ok = norm(line) in got
                    missed += not ok
                    print(f"{'ok  ' if ok else 'MISS'} {name} p{pi + 1}: {line}")
                    if not ok:
                        import difflib
                        near = difflib.get_close_matches(norm(line), sorted(got), 1, 0.3)
                        print(f"       OCR: {near[0] if near else '(nothing close)'}")
    print(f"verify ({'inkan inspect' if inkan else 'tesseract CLI'}): "
          f"{total - missed}/{total} truth lines read exactly")
    return missed == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("--verify", action="store_true",
                    help="OCR the known pages with the tesseract CLI and compare to truth.json")
    ap.add_argument("--inkan", metavar="BIN",
                    help="with --verify: OCR with `BIN inspect --json` (the product's tesseract "
                         "API path, which reads some lines differently from the CLI) instead")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    manifest = {}
    manifest.update(write_known(args.out))
    manifest.update(write_bad(args.out))
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")
    if args.verify and not verify(args.out, args.inkan):
        sys.exit(1)


if __name__ == "__main__":
    main()
