#!/usr/bin/python3
"""Writes inkan's sample scans into samples/ (committed).

    /usr/bin/python3 samples/make_samples.py [--out DIR]

Eight realistic-looking scans of Japanese and English business documents with
and without seal impressions (hanko), plus samples/seals.json, the ground truth
of every seal and every red non-seal mark ("decoy") on every page.

Needs only Debian's python3-pil, fonts-ipafont, fonts-noto-cjk and
fonts-dejavu-core.  Deterministic: fixed seeds, no timestamps in TIFF/PDF, so
the same Pillow version writes byte-identical files on every run.
"""

import argparse
import json
import math
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from tifftidy import tidy_tiff  # noqa: E402
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 7310

FONT_FILES = {
    "mincho": (["/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf",
                "/usr/share/fonts/truetype/fonts-japanese-mincho.ttf"], 0),
    "gothic": (["/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
                "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"], 0),
    "sans_bold": (["/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"], 0),   # Noto Sans CJK JP Bold
    "serif_bold": (["/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"], 0),  # Noto Serif CJK JP Bold
    "en_serif": (["/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"], 0),
    "en_serif_bold": (["/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"], 0),
    "en_sans": (["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"], 0),
    "en_sans_bold": (["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"], 0),
}

FIXED_TIME = time.struct_time((2024, 4, 1, 0, 0, 0, 0, 92, 0))
VERMILION = (206, 48, 42)   # 朱肉
INK = (34, 34, 40)

_fonts = {}


def font(name, px):
    key = (name, int(px))
    if key not in _fonts:
        paths, index = FONT_FILES[name]
        for p in paths:
            if os.path.exists(p):
                _fonts[key] = ImageFont.truetype(p, int(px), index=index)
                break
        else:
            sys.exit(f"make_samples.py: font {name} not found ({', '.join(paths)});"
                     " apt-get install fonts-ipafont fonts-noto-cjk fonts-dejavu-core")
    return _fonts[key]


# ---------------------------------------------------------------------------
# Page and text layout
# ---------------------------------------------------------------------------

NO_LINE_START = set("、。，．,.）」』】〕〉》・：；！？ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮー々")


def tokens(text):
    """Splits text into breakable units: runs of ASCII non-space characters,
    single spaces, and single non-ASCII characters."""
    out, cur = [], ""
    for c in text:
        if ord(c) < 128 and not c.isspace():
            cur += c
            continue
        if cur:
            out.append(cur)
            cur = ""
        out.append(c)
    if cur:
        out.append(cur)
    return out


def wrap(text, fnt, width):
    """Greedy line breaking for mixed Japanese/English text with simple
    kinsoku: a closing bracket or punctuation mark never starts a line (it
    hangs past the margin instead)."""
    lines, cur = [], ""
    for t in tokens(text):
        if fnt.getlength(cur + t) <= width or not cur.strip() or t in NO_LINE_START:
            cur += t
        else:
            lines.append(cur.rstrip())
            cur = t.lstrip()
    if cur.strip():
        lines.append(cur.rstrip())
    return lines


class Page:
    """An RGB page at a given dpi, drawn in pixel coordinates, with helpers
    that take millimetres."""

    def __init__(self, dpi, rng, size_mm=(210, 297), paper=(247, 245, 239), shade=0):
        self.dpi = dpi
        self.rng = rng
        self.w = round(size_mm[0] / 25.4 * dpi)
        self.h = round(size_mm[1] / 25.4 * dpi)
        self.paper = paper
        # Paper: off-white with a faint, smooth unevenness.
        small = Image.new("RGB", (6, 8))
        small.putdata([tuple(max(0, min(255, c + rng.randint(-shade, shade))) for c in paper)
                       for _ in range(48)])
        self.im = small.resize((self.w, self.h), Image.BICUBIC)
        self.d = ImageDraw.Draw(self.im)
        self.marks = []   # seals and decoys: dicts with bbox in page pixels

    def mm(self, v):
        return round(v / 25.4 * self.dpi)

    def pt(self, v):
        return round(v / 72 * self.dpi)

    def f(self, name, pt):
        return font(name, self.pt(pt))

    def text(self, x_mm, y, s, name="mincho", pt=11, fill=INK, anchor="la"):
        """Draws s at x (mm) and y (px); returns the y below the line."""
        fnt = self.f(name, pt)
        self.d.text((self.mm(x_mm), y), s, font=fnt, fill=fill, anchor=anchor)
        return y + fnt.size

    def para(self, y, s, x_mm=25, right_mm=25, name="mincho", pt=11, lead=1.6,
             indent_mm=0, hang_mm=0, fill=INK):
        """Wraps and draws a paragraph; the first line starts indent_mm further
        right, later lines hang_mm further right.  Returns the next y."""
        fnt = self.f(name, pt)
        left = self.mm(x_mm)
        width = self.w - self.mm(right_mm) - left
        pitch = round(fnt.size * lead)
        first = True
        rest = s
        while rest:
            off = self.mm(indent_mm if first else hang_mm)
            line = wrap(rest, fnt, width - off)[0]
            self.d.text((left + off, y), line, font=fnt, fill=fill)
            rest = rest[len(line):].lstrip(" ")
            y += pitch
            first = False
        return y

    def center(self, y, s, name="sans_bold", pt=18, fill=INK, spacing=0):
        fnt = self.f(name, pt)
        if spacing:
            s = (" " * spacing).join(s)
        tw = fnt.getlength(s)
        self.d.text((round((self.w - tw) / 2), y), s, font=fnt, fill=fill)
        return y + fnt.size

    def hline(self, y, x0_mm, x1_mm, width=2, fill=INK):
        self.d.line((self.mm(x0_mm), y, self.mm(x1_mm), y), fill=fill, width=width)

    # --- seals -------------------------------------------------------------

    def stamp(self, mask, cx, cy, color=VERMILION, seal=True, shape="round", label="",
              angle=0.0, strength=1.0):
        """Presses an ink mask (L, 255 = full ink) centred at (cx, cy) px onto
        the page, multiplying like real ink, and records its bounding box."""
        rng = self.rng
        mask = ink_texture(mask, rng, strength)
        if angle:
            mask = mask.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=0)
        x0 = round(cx - mask.width / 2)
        y0 = round(cy - mask.height / 2)
        box = (x0, y0, x0 + mask.width, y0 + mask.height)
        region = self.im.crop(box)
        c = tuple(max(0, min(255, v + rng.randint(-8, 8))) for v in color)
        inked = ImageChops.multiply(region, Image.new("RGB", region.size, c))
        self.im.paste(Image.composite(inked, region, mask), box)
        bb = mask.point(lambda v: 255 if v > 40 else 0).getbbox()
        self.marks.append({
            "seal": seal, "shape": shape, "label": label,
            "bbox": [x0 + bb[0], y0 + bb[1], x0 + bb[2], y0 + bb[3]],
        })

    # --- scanning ----------------------------------------------------------

    def scan(self, angle=0.0, blur=0.55, specks=250, clean=True, noise=0):
        """Simulates the scanner: a tiny skew, optical softness and dust.
        With clean, near-paper pixels snap to the paper colour, like a
        scanner's background removal (and so that lossless files stay small).
        Updates the recorded marks' boxes for the skew."""
        rng = self.rng
        im = self.im
        if angle:
            im = im.rotate(angle, resample=Image.BICUBIC, fillcolor=self.paper)
            for m in self.marks:
                m["bbox"] = rotate_bbox(m["bbox"], angle, im.width, im.height)
        if blur:
            im = im.filter(ImageFilter.GaussianBlur(blur))
        if clean:
            luts = []
            for pv in self.paper:
                luts += [pv if v >= pv - 12 else v for v in range(256)]
            im = im.point(luts)
        if noise:
            # Sensor noise from a seeded 256x256 tile (Image.effect_noise is not seedable).
            tile = Image.new("L", (256, 256))
            tile.putdata([max(0, min(255, round(rng.gauss(128, noise)))) for _ in range(256 * 256)])
            layer = Image.new("L", im.size)
            for ty in range(0, im.height, 256):
                for tx in range(0, im.width, 256):
                    layer.paste(tile, (tx, ty))
            im = ImageChops.add(im, Image.merge("RGB", (layer, layer, layer)), 1.0, -128)
        d = ImageDraw.Draw(im)
        for _ in range(specks):
            x, y = rng.randrange(im.width), rng.randrange(im.height)
            r = rng.choice((0, 0, 0, 0, 1, 1, 1, 2))
            g = rng.randint(90, 190)
            d.ellipse((x - r, y - r, x + r, y + r), fill=(g, g, g))
        self.im = im
        return im


def rotate_bbox(bb, angle, w, h):
    """Axis-aligned box of bb after Image.rotate(angle) about the image centre."""
    t = math.radians(angle)
    cx, cy = w / 2, h / 2
    pts = []
    for x, y in ((bb[0], bb[1]), (bb[2], bb[1]), (bb[0], bb[3]), (bb[2], bb[3])):
        pts.append((cx + (x - cx) * math.cos(t) + (y - cy) * math.sin(t),
                    cy - (x - cx) * math.sin(t) + (y - cy) * math.cos(t)))
    return [math.floor(min(p[0] for p in pts)), math.floor(min(p[1] for p in pts)),
            math.ceil(max(p[0] for p in pts)), math.ceil(max(p[1] for p in pts))]


# ---------------------------------------------------------------------------
# Seal impressions (drawn as ink-coverage masks, 2x supersampled)
# ---------------------------------------------------------------------------

SS = 2  # supersampling factor for seal masks


def _mask(size):
    im = Image.new("L", (size * SS, size * SS), 0)
    return im, ImageDraw.Draw(im)


def _down(im):
    return im.resize((im.width // SS, im.height // SS), Image.LANCZOS)


def _fit_char(im, ch, box, fnt_name, fill=255):
    """Draws ch stretched to fill box (x0, y0, x1, y1) of the mask im."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    size = max(8, round(min(bw, bh) * 1.05))
    fnt = font(fnt_name, size)
    l, t, r, b = fnt.getbbox(ch)
    glyph = Image.new("L", (r - l + 2, b - t + 2), 0)
    ImageDraw.Draw(glyph).text((1 - l, 1 - t), ch, font=fnt, fill=fill)
    glyph = glyph.resize((max(1, round(bw)), max(1, round(bh))), Image.BICUBIC)
    im.paste(255, (round(x0), round(y0)), glyph)


def seal_round(name, diameter, ring=0.075, fnt="serif_bold"):
    """丸印: a ring with a surname written vertically inside."""
    im, d = _mask(diameter)
    D = diameter * SS
    rw = max(2, round(D * ring))
    d.ellipse((rw // 2, rw // 2, D - rw // 2 - 1, D - rw // 2 - 1), outline=255, width=rw)
    n = len(name)
    inner_w = D * 0.48
    inner_h = D * 0.72
    top = (D - inner_h) / 2
    ch_h = inner_h / n
    for i, ch in enumerate(name):
        _fit_char(im, ch, ((D - inner_w) / 2, top + i * ch_h + ch_h * 0.12,
                          (D + inner_w) / 2, top + (i + 1) * ch_h - ch_h * 0.12), fnt)
    return _down(im)


def seal_square(text, size, cols=3, fnt="serif_bold"):
    """角印: a square border with the company name in vertical columns read
    right to left."""
    im, d = _mask(size)
    S = size * SS
    bw = max(3, round(S * 0.055))
    d.rectangle((bw // 2, bw // 2, S - bw // 2 - 1, S - bw // 2 - 1), outline=255, width=bw)
    rows = math.ceil(len(text) / cols)
    pad = bw * 1.9
    cw = (S - 2 * pad) / cols
    ch = (S - 2 * pad) / rows
    for i, c in enumerate(text):
        col, row = divmod(i, rows)
        x = S - pad - (col + 1) * cw
        y = pad + row * ch
        _fit_char(im, c, (x + cw * 0.06, y + ch * 0.05, x + cw * 0.94, y + ch * 0.95), fnt)
    return _down(im)


def seal_date(top, date, bottom, diameter, fnt="gothic"):
    """日付印 (データー印): a ring cut by two bars; department above, the date
    between the bars, the name below."""
    im, d = _mask(diameter)
    D = diameter * SS
    rw = max(2, round(D * 0.05))
    d.ellipse((rw // 2, rw // 2, D - rw // 2 - 1, D - rw // 2 - 1), outline=255, width=rw)
    bar = round(D * 0.17)
    for y in (D / 2 - bar, D / 2 + bar):
        half = math.sqrt(max(0.0, (D / 2 - rw * 0.7) ** 2 - (y - D / 2) ** 2))
        d.line((D / 2 - half, y, D / 2 + half, y), fill=255, width=max(2, rw * 2 // 3))
    f_small = font(fnt, round(D * 0.17))
    f_date = font(fnt, round(D * 0.19))
    d.text((D / 2, D / 2 - bar - D * 0.05), top, font=f_small, fill=255, anchor="md")
    d.text((D / 2, D / 2), date, font=f_date, fill=255, anchor="mm")
    d.text((D / 2, D / 2 + bar + D * 0.05), bottom, font=f_small, fill=255, anchor="ma")
    return _down(im)


def seal_representative(ring_text, inner_text, diameter, fnt="serif_bold"):
    """代表者印: two rings, the company name around, the title in the middle."""
    im, d = _mask(diameter)
    D = diameter * SS
    rw = max(2, round(D * 0.045))
    d.ellipse((rw // 2, rw // 2, D - rw // 2 - 1, D - rw // 2 - 1), outline=255, width=rw)
    inner = D * 0.30
    d.ellipse((D / 2 - inner, D / 2 - inner, D / 2 + inner, D / 2 + inner),
              outline=255, width=max(2, rw * 2 // 3))
    # Company name clockwise around the upper and side parts of the ring.
    n = len(ring_text)
    r_text = D * 0.378
    ch_size = round(D * 0.12)
    fnt_ring = font(fnt, ch_size)
    span = 300.0
    for i, c in enumerate(ring_text):
        a = -span / 2 + span * (i + 0.5) / n   # degrees from top, clockwise
        g = Image.new("L", (ch_size * 2, ch_size * 2), 0)
        ImageDraw.Draw(g).text((ch_size, ch_size), c, font=fnt_ring, fill=255, anchor="mm")
        g = g.rotate(-a, resample=Image.BICUBIC)
        x = D / 2 + r_text * math.sin(math.radians(a)) - ch_size
        y = D / 2 - r_text * math.cos(math.radians(a)) - ch_size
        im.paste(255, (round(x), round(y)), g)
    # Inner title in two vertical columns, right to left.
    cols = 2
    rows = math.ceil(len(inner_text) / cols)
    box = inner * 1.25
    cw, chh = box / cols, box / rows
    for i, c in enumerate(inner_text):
        col, row = divmod(i, rows)
        x = D / 2 + box / 2 - (col + 1) * cw
        y = D / 2 - box / 2 + row * chh
        _fit_char(im, c, (x + cw * 0.08, y + chh * 0.06, x + cw * 0.92, y + chh * 0.94), fnt)
    return _down(im)


def stamp_rect(text, w, h, fnt="sans_bold"):
    """A rubber stamp such as 社外秘 or 至急: double rectangle and bold text.
    Not a seal impression."""
    im = Image.new("L", (w * SS, h * SS), 0)
    d = ImageDraw.Draw(im)
    W, H = w * SS, h * SS
    bw = max(3, round(H * 0.06))
    d.rectangle((0, 0, W - 1, H - 1), outline=255, width=bw)
    d.rectangle((bw * 2, bw * 2, W - 1 - bw * 2, H - 1 - bw * 2), outline=255, width=max(2, bw // 2))
    f = font(fnt, round(H * 0.55))
    d.text((W / 2, H / 2), text, font=f, fill=255, anchor="mm")
    return _down(im)


def ink_texture(mask, rng, strength=1.0):
    """Uneven ink: blotchy coverage, a pressure gradient, small voids and a
    slightly soft edge."""
    w, h = mask.size
    small = Image.new("L", (max(2, w // 10), max(2, h // 10)))
    small.putdata([rng.randint(150, 255) for _ in range(small.width * small.height)])
    tex = small.resize((w, h), Image.BICUBIC)
    # Pressure: one side a little lighter.
    grad = Image.linear_gradient("L").resize((w, h))
    grad = grad.rotate(rng.choice((0, 90, 180, 270)))
    grad = grad.point(lambda v: 255 - v * 70 // 255)
    tex = ImageChops.multiply(tex, grad)
    d = ImageDraw.Draw(tex)
    for _ in range(max(4, w * h // 900)):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.choice((1, 1, 2, 3))
        d.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(0, 90))
    out = ImageChops.multiply(mask.filter(ImageFilter.GaussianBlur(0.6)), tex)
    if strength != 1.0:
        out = out.point(lambda v: min(255, round(v * strength)))
    return out


# ---------------------------------------------------------------------------
# Saving helpers
# ---------------------------------------------------------------------------

def fresh(path):
    # Pillow's TIFF writer may seek over bytes it never writes: start empty.
    if os.path.lexists(path):
        os.remove(path)
    return path


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------

def contract(out, rng):
    """業務委託契約書, 2 pages, RGB TIFF (Deflate), 150 dpi; 角印 and 丸印 on page 2."""
    dpi = 150
    p1 = Page(dpi, rng)
    y = p1.mm(22)
    y = p1.center(y, "業務委託契約書", pt=20, spacing=1) + p1.mm(9)
    body = dict(pt=10.5, lead=1.62)
    art = dict(pt=10.5, lead=1.62, name="gothic")

    def article(p, y, head, paras, items=()):
        y = p.para(y, head, **art)
        for t in paras:
            y = p.para(y, t, indent_mm=3.7, **body)
        for t in items:
            y = p.para(y, t, x_mm=28.7, hang_mm=7.4, **body)
        return y + p.mm(1.2)

    y = p1.para(y, "株式会社青葉商事（以下「甲」という。）と山田太郎（以下「乙」という。）は、"
                   "甲が乙に委託する業務に関し、次のとおり業務委託契約（以下「本契約」という。）を締結する。",
                indent_mm=3.7, **body) + p1.mm(2)
    y = article(p1, y, "第1条（目的）", [
        "甲は、乙に対し、次条に定める業務（以下「本業務」という。）を委託し、乙はこれを受託する。"
        "乙は、本契約の定めに従い、善良な管理者の注意をもって本業務を遂行するものとする。"])
    y = article(p1, y, "第2条（業務内容）", ["本業務の内容は、次の各号に定めるとおりとする。"], [
        "(1) 甲が保管する契約書、請求書その他の紙文書の電子化（スキャン及び検索可能なPDFの作成）",
        "(2) 電子化した文書の索引情報（文書名、取引先、日付、金額）の入力及び検証",
        "(3) 原本文書の整理、箱詰め及び甲の指定する倉庫への移送",
        "(4) その他前各号に付随する業務"])
    y = article(p1, y, "第3条（委託期間）", [
        "本契約の有効期間は、令和6年4月1日から令和7年3月31日までとする。ただし、期間満了の1か月前までに"
        "甲乙いずれからも書面による別段の申出がないときは、同一条件でさらに1年間更新されるものとし、以後も同様とする。"])
    y = article(p1, y, "第4条（委託料）", [
        "1 甲は、乙に対し、本業務の対価として、月額金330,000円（消費税及び地方消費税を含む。）を支払う。",
        "2 乙は、毎月末日に当月分の委託料を締め、翌月5日までに甲に請求書を発行する。",
        "3 甲は、前項の請求書を受領した月の末日までに、乙の指定する銀行口座に振り込む方法により支払う。"
        "振込手数料は甲の負担とする。"])
    y = article(p1, y, "第5条（再委託の禁止）", [
        "乙は、甲の書面による事前の承諾を得ないで、本業務の全部又は一部を第三者に再委託してはならない。"])
    y = article(p1, y, "第6条（報告）", [
        "乙は、甲の求めがあったときは、本業務の進捗状況について、速やかに書面により報告しなければならない。"])
    y = article(p1, y, "第7条（秘密保持）", [
        "1 乙は、本業務の遂行上知り得た甲の技術上、営業上その他一切の情報を秘密として保持し、"
        "甲の書面による事前の承諾なく第三者に開示又は漏えいしてはならない。",
        "2 前項の規定は、本契約の終了後も3年間有効に存続する。"])
    y = article(p1, y, "第8条（個人情報の取扱い）", [
        "乙は、本業務に関して取り扱う個人情報について、個人情報の保護に関する法律その他の関係法令を遵守し、"
        "その漏えい、滅失又は毀損の防止に必要かつ適切な措置を講じなければならない。"])
    assert y < p1.h - p1.mm(18), "contract page 1 overflows"
    p1.text(105, p1.h - p1.mm(12), "- 1 -", name="mincho", pt=9, anchor="ms")

    p2 = Page(dpi, rng)
    y = p2.mm(22)
    y = article(p2, y, "第9条（成果物の帰属）", [
        "本業務により作成された成果物の所有権及び著作権（著作権法第27条及び第28条に定める権利を含む。）は、"
        "委託料の支払完了をもって乙から甲に移転する。"])
    y = article(p2, y, "第10条（損害賠償）", [
        "乙は、本業務の遂行に関し、乙の責めに帰すべき事由により甲に損害を与えたときは、その損害を賠償する責任を負う。"
        "ただし、賠償額は、損害発生の直前3か月間に甲が乙に支払った委託料の総額を上限とする。"])
    y = article(p2, y, "第11条（契約の解除）", [
        "甲又は乙は、相手方が次の各号のいずれかに該当したときは、何らの催告を要せず、"
        "直ちに本契約の全部又は一部を解除することができる。"], [
        "(1) 本契約に違反し、相当の期間を定めて催告したにもかかわらず是正されないとき",
        "(2) 支払停止若しくは支払不能の状態に陥ったとき、又は手形若しくは小切手が不渡りとなったとき",
        "(3) 差押え、仮差押え、仮処分又は競売の申立てを受けたとき",
        "(4) 破産手続開始、民事再生手続開始の申立てを受け、又は自ら申し立てたとき"])
    y = article(p2, y, "第12条（反社会的勢力の排除）", [
        "甲及び乙は、自己が暴力団、暴力団員その他の反社会的勢力に該当しないことを表明し、"
        "将来にわたっても該当しないことを確約する。"])
    y = article(p2, y, "第13条（協議事項）", [
        "本契約に定めのない事項又は本契約の解釈について疑義が生じた事項については、甲乙誠意をもって協議の上、解決する。"])
    y = article(p2, y, "第14条（合意管轄）", [
        "本契約に関する一切の紛争については、東京地方裁判所を第一審の専属的合意管轄裁判所とする。"])
    y += p2.mm(3)
    y = p2.para(y, "本契約の成立を証するため、本書2通を作成し、甲乙記名押印の上、各1通を保有する。",
                indent_mm=3.7, **body) + p2.mm(6)
    y = p2.text(32, y, "令和6年3月25日", pt=10.5) + p2.mm(10)

    # Signature blocks.
    x_lbl, x_val = 95, 107
    p2.text(x_lbl, y, "甲", pt=11)
    p2.text(x_val, y, "東京都千代田区神田須田町二丁目8番地5", pt=10.5)
    y += p2.mm(7.5)
    p2.text(x_val, y, "株式会社青葉商事", pt=12)
    company_y = y
    y += p2.mm(7.5)
    p2.text(x_val, y, "代表取締役　青木 一郎", pt=12)
    y += p2.mm(16)
    p2.text(x_lbl, y, "乙", pt=11)
    p2.text(x_val, y, "神奈川県横浜市中区山下町一丁目12番地3", pt=10.5)
    y += p2.mm(9)
    p2.text(x_val, y, "山田 太郎", pt=12)
    sig_y = y + p2.pt(12) + p2.mm(1.5)
    p2.hline(sig_y, x_val, 185, width=2)
    p2.text(180, y, "印", pt=11, fill=(120, 120, 120))
    p2.text(105, p2.h - p2.mm(12), "- 2 -", name="mincho", pt=9, anchor="ms")

    # 角印 over the company name, 丸印 over the 印 mark on the signature line.
    p2.stamp(seal_square("株式会社青葉商事印", p2.mm(22)), p2.mm(176), company_y + p2.mm(5),
             shape="square", label="角印 株式会社青葉商事印", angle=rng.uniform(-3, 3))
    p2.stamp(seal_round("山田", p2.mm(15)), p2.mm(181.5), sig_y - p2.mm(3.5),
             shape="round", label="丸印 山田", angle=rng.uniform(-8, 8))

    # No skew here: rotating defeats the compressor's reuse of identical glyph
    # bitmaps (+60 % size on lossless files), and the samples must stay small.
    # The JPEG, fax and quotation samples are skewed instead.
    pages = [p1.scan(angle=0.0, blur=0.4), p2.scan(angle=0.0, blur=0.4)]
    path = fresh(os.path.join(out, "contract_2p.tif"))
    pages[0].save(path, save_all=True, append_images=pages[1:], compression="tiff_adobe_deflate",
                  dpi=(dpi, dpi))
    tidy_tiff(path)
    return "contract_2p.tif", [p1.marks, p2.marks]


def invoice(out, rng):
    """請求書, RGB JPEG, 200 dpi; 角印 over the issuer's name."""
    dpi = 200
    p = Page(dpi, rng, paper=(250, 249, 245), shade=3)
    y = p.mm(18)
    y = p.center(y, "請　求　書", pt=22) + p.mm(2)
    p.hline(y, 80, 130, width=3)
    y += p.mm(6)
    p.text(150, y, "請求番号　INV-2024-0412", name="gothic", pt=10)
    p.text(150, y + p.mm(5.5), "発行日　　2024年4月30日", name="gothic", pt=10)
    p.text(20, y + p.mm(2), "株式会社みなと技研　御中", name="mincho", pt=14)
    p.hline(y + p.mm(10), 20, 100, width=2)
    y += p.mm(16)
    # Issuer block.
    iy = y
    for i, (s, pt, nm) in enumerate([
            ("株式会社青葉商事", 13, "mincho"),
            ("〒101-0041 東京都千代田区神田須田町2-8-5", 9.5, "gothic"),
            ("TEL 03-5289-7710　FAX 03-5289-7711", 9.5, "gothic"),
            ("登録番号 T4010001098765", 9.5, "gothic"),
            ("担当：経理部 佐藤", 9.5, "gothic")]):
        p.text(128, iy, s, name=nm, pt=pt)
        iy += p.mm(6.2 if i == 0 else 5.2)
    p.text(20, y, "下記のとおりご請求申し上げます。", pt=10.5)
    y += p.mm(9)
    # Amount box.
    x0, x1 = p.mm(20), p.mm(100)
    p.d.rectangle((x0, y, x1, y + p.mm(12)), outline=INK, width=2)
    p.d.rectangle((x0, y, x0 + p.mm(30), y + p.mm(12)), fill=(226, 233, 243), outline=INK, width=2)
    p.text(23, y + p.mm(3.2), "ご請求金額", name="gothic", pt=11)
    p.text(97, y + p.mm(2.2), "¥1,287,000-", name="sans_bold", pt=15, anchor="ra")
    p.text(20, y + p.mm(15), "お支払期限：2024年5月31日", name="gothic", pt=10)
    y = iy + p.mm(10)

    # Items table.
    cols = [20, 34, 112, 130, 156, 190]
    heads = ["No.", "品名・摘要", "数量", "単価", "金額"]
    rows = [
        ("1", "文書スキャン作業（A4片面、4月分）", "12,400", "15", "186,000"),
        ("2", "文書スキャン作業（A3・図面）", "860", "60", "51,600"),
        ("3", "OCR処理・検索用PDF作成", "13,260", "12", "159,120"),
        ("4", "索引データ入力（取引先・日付・金額）", "4,420", "80", "353,600"),
        ("5", "印影検出・押印有無チェック", "4,420", "25", "110,500"),
        ("6", "原本整理・箱詰め（文書保管箱）", "86", "1,200", "103,200"),
        ("7", "倉庫移送（2トン車 1台）", "1", "48,000", "48,000"),
        ("8", "データ納品用暗号化USBメモリ", "2", "6,800", "13,600"),
        ("9", "作業管理費", "1", "144,380", "144,380"),
    ]
    rh = p.mm(8.2)
    tx = [p.mm(c) for c in cols]
    p.d.rectangle((tx[0], y, tx[-1], y + rh), fill=(226, 233, 243))
    for i, h in enumerate(heads):
        p.text((cols[i] + cols[i + 1]) / 2, y + rh // 2, h, name="gothic", pt=10, anchor="mm")
    y0 = y
    y += rh
    for r in rows + [("", "", "", "", "")] * 3:
        for i, v in enumerate(r):
            if not v:
                continue
            if i == 1:
                p.text(cols[1] + 2, y + rh // 2, v, name="mincho", pt=10, anchor="lm")
            elif i == 0:
                p.text((cols[0] + cols[1]) / 2, y + rh // 2, v, name="gothic", pt=10, anchor="mm")
            else:
                p.text(cols[i + 1] - 2, y + rh // 2, v, name="gothic", pt=10, anchor="rm")
        y += rh
    for yy in range(y0, y + 1, rh):
        p.d.line((tx[0], yy, tx[-1], yy), fill=INK, width=1)
    for x in tx:
        p.d.line((x, y0, x, y), fill=INK, width=1)
    p.d.rectangle((tx[0], y0, tx[-1], y), outline=INK, width=2)
    # Totals.
    for lbl, v in (("小計", "1,170,000"), ("消費税（10%）", "117,000"), ("合計", "1,287,000")):
        p.d.rectangle((tx[3], y, tx[-1], y + rh), outline=INK, width=1)
        p.d.rectangle((tx[3], y, tx[4], y + rh), fill=(226, 233, 243), outline=INK, width=1)
        p.text((cols[3] + cols[4]) / 2, y + rh // 2, lbl, name="gothic", pt=10, anchor="mm")
        p.text(cols[5] - 2, y + rh // 2, v, name="gothic", pt=10, anchor="rm")
        y += rh
    y += p.mm(8)
    y = p.text(20, y, "【お振込先】", name="gothic", pt=10.5) + p.mm(2)
    for s in ["若葉銀行　神田支店（店番 214）　普通預金　口座番号 1234567",
              "口座名義　カ）アオバシヨウジ",
              "※ 振込手数料は貴社にてご負担くださいますようお願い申し上げます。",
              "※ 本請求書に関するお問い合わせは、上記担当までご連絡ください。"]:
        y = p.text(22, y, s, name="mincho", pt=10) + p.mm(2.2)
    y += p.mm(4)
    p.d.rectangle((p.mm(20), y, p.mm(190), y + p.mm(24)), outline=INK, width=1)
    p.text(22, y + p.mm(2), "備考", name="gothic", pt=10)
    p.text(22, y + p.mm(8), "4月分作業報告書（別紙）を添付いたします。検収のほど、よろしくお願いいたします。",
           name="mincho", pt=10)
    p.text(22, y + p.mm(14), "軽減税率対象品目はありません。", name="mincho", pt=10)

    p.stamp(seal_square("株式会社青葉商事印", p.mm(21)), p.mm(170), p.mm(78),
            shape="square", label="角印 株式会社青葉商事印", angle=rng.uniform(-4, 4))
    im = p.scan(angle=-0.25, blur=0.5, specks=180, clean=False, noise=0.8)
    im.save(os.path.join(out, "invoice.jpg"), quality=72, dpi=(dpi, dpi), subsampling=2)
    return "invoice.jpg", [p.marks]


def ringi(out, rng):
    """稟議書 with an approval row: 3 round seals, a date seal, an empty box. PNG."""
    dpi = 150
    p = Page(dpi, rng, paper=(249, 248, 244))
    y = p.mm(16)
    p.text(20, y, "様式第3号", name="gothic", pt=9)
    p.text(190, y, "稟議番号　R-2024-0087", name="gothic", pt=10, anchor="ra")
    y += p.mm(10)
    p.text(20, y, "稟　議　書", name="sans_bold", pt=22)
    # Approval boxes at top right: 社長 専務 部長 課長 担当.
    titles = ["社長", "専務", "部長", "課長", "担当"]
    bw, bh, hh = p.mm(19), p.mm(21), p.mm(6)
    bx0 = p.mm(190) - bw * len(titles)
    by0 = p.mm(24)
    for i, t in enumerate(titles):
        x = bx0 + i * bw
        p.d.rectangle((x, by0, x + bw, by0 + hh), fill=(232, 232, 228), outline=INK, width=2)
        p.d.rectangle((x, by0, x + bw, by0 + hh + bh), outline=INK, width=2)
        p.d.text((x + bw // 2, by0 + hh // 2), t, font=p.f("gothic", 10), fill=INK, anchor="mm")
    y = by0 + hh + bh + p.mm(8)

    rows = [
        ("起案日", "2024年4月15日"),
        ("起案部署", "総務部 文書管理課"),
        ("起案者", "田中 美咲（内線 2143）"),
        ("件名", "契約書等の電子化及び全文検索システム導入の件"),
        ("金額", "金3,960,000円（税込）　初期費用 2,640,000円、年間保守 1,320,000円"),
        ("支払先", "株式会社みなと技研"),
        ("決裁区分", "部長決裁を経て専務決裁（職務権限規程 別表2 第14項）"),
    ]
    lw = p.mm(30)
    x0, x1 = p.mm(20), p.mm(190)
    rh = p.mm(10)
    for k, v in rows:
        p.d.rectangle((x0, y, x1, y + rh), outline=INK, width=1)
        p.d.rectangle((x0, y, x0 + lw, y + rh), fill=(236, 236, 232), outline=INK, width=1)
        p.d.text((x0 + lw // 2, y + rh // 2), k, font=p.f("gothic", 10.5), fill=INK, anchor="mm")
        p.d.text((x0 + lw + p.mm(3), y + rh // 2), v, font=p.f("mincho", 10.5), fill=INK, anchor="lm")
        y += rh
    y += p.mm(6)
    sections = [
        ("1. 目的", "当社では、取引先との契約書、請求書、稟議書等の紙文書が年間約4万枚発生しており、"
                   "保管場所の逼迫と検索に要する時間が課題となっている。本件は、これらの文書をスキャンして"
                   "検索可能なPDFとして保存し、押印の有無を含めて全文検索できる環境を整備するものである。"),
        ("2. 内容", "(1) 複合機からのスキャン文書を自動で取り込み、日本語と英語の文字認識を行う。"
                   "(2) 印影（丸印、角印、日付印）を自動検出し、押印済みかどうかを索引に記録する。"
                   "(3) 既存の保管文書約18万枚は、令和6年度中に外部委託により順次電子化する。"),
        ("3. 効果", "文書検索に要する時間を1件あたり平均15分から1分以内に短縮できる見込みである。"
                   "また、倉庫保管料として年間約720,000円の削減が見込まれ、約5年で投資を回収できる。"),
        ("4. 比較検討", "3社から見積を取得し、機能、価格及び保守体制を比較した結果、"
                      "株式会社みなと技研の提案が最も優れていると判断した（見積比較表を添付）。"),
        ("5. 添付資料", "見積書（3社分）、見積比較表、導入スケジュール、情報セキュリティ確認書"),
    ]
    for head, text in sections:
        y = p.para(y, head, x_mm=20, name="gothic", pt=11, lead=1.6)
        y = p.para(y, text, x_mm=25, right_mm=20, pt=10.5, lead=1.65) + p.mm(2)
    y += p.mm(4)
    p.d.rectangle((x0, y, x1, y + p.mm(26)), outline=INK, width=1)
    p.text(22, y + p.mm(2), "決裁者意見", name="gothic", pt=10)
    p.text(25, y + p.mm(9), "導入後6か月で効果を検証し、経営会議に報告すること。", name="mincho", pt=10.5)
    assert y + p.mm(26) < p.h - p.mm(10)

    # Seals in the approval boxes (社長 is still empty).
    cy = by0 + hh + bh // 2
    p.stamp(seal_round("田中", p.mm(11)), bx0 + 4 * bw + bw // 2, cy, shape="round",
            label="丸印 田中 (担当)", angle=rng.uniform(-10, 10))
    p.stamp(seal_round("鈴木", p.mm(11)), bx0 + 3 * bw + bw // 2 + p.mm(1), cy - p.mm(1), shape="round",
            label="丸印 鈴木 (課長)", angle=rng.uniform(-10, 10))
    p.stamp(seal_date("総務部", "6.4.16", "高橋", p.mm(16.5)), bx0 + 2 * bw + bw // 2, cy, shape="round",
            label="日付印 総務部 6.4.16 高橋 (部長)", angle=rng.uniform(-5, 5))
    p.stamp(seal_round("渡辺", p.mm(11)), bx0 + 1 * bw + bw // 2 - p.mm(1), cy + p.mm(1), shape="round",
            label="丸印 渡辺 (専務)", angle=rng.uniform(-10, 10), strength=0.8)
    im = p.scan(angle=0.0, blur=0.3, specks=120)
    im.save(os.path.join(out, "ringi_approval.png"), dpi=(dpi, dpi), optimize=True)
    return "ringi_approval.png", [p.marks]


def letter_en(out, rng):
    """English business letter, 8-bit gray PNG, 200 dpi, no seal."""
    dpi = 200
    p = Page(dpi, rng, paper=(246, 246, 246))
    y = p.mm(18)
    p.text(20, y, "NORTHWIND TRADING LTD.", name="en_serif_bold", pt=16)
    y += p.mm(8)
    p.text(20, y, "14 Harbour Street, Southampton SO14 2AQ, United Kingdom", name="en_sans", pt=9)
    p.text(20, y + p.mm(4.5), "Tel +44 23 8011 4400  |  contracts@northwind.example", name="en_sans", pt=9)
    y += p.mm(10)
    p.hline(y, 20, 190, width=2)
    y += p.mm(8)
    y = p.text(20, y, "22 April 2024", name="en_serif", pt=11) + p.mm(6)
    for s in ["Ms. Yuko Tanaka", "General Affairs Department", "Minato Giken Co., Ltd.",
              "2-1-3 Shibaura, Minato-ku", "Tokyo 108-0023, Japan"]:
        y = p.text(20, y, s, name="en_serif", pt=11) + p.mm(1.6)
    y += p.mm(6)
    y = p.text(20, y, "Re: Renewal of the Supply and Services Agreement No. NW-2021-118",
               name="en_serif_bold", pt=11) + p.mm(6)
    y = p.text(20, y, "Dear Ms. Tanaka,", name="en_serif", pt=11) + p.mm(5)
    paras = [
        "Thank you for your letter of 4 April 2024 and for the draft renewal of our supply and services "
        "agreement, which expires on 30 June 2024. Our legal team has now completed its review, and we are "
        "pleased to confirm that we accept most of the proposed changes.",
        "We agree with the revised delivery schedule in Section 3 and with the new service levels for the "
        "scanning and indexing work described in Schedule B. We also accept the updated unit prices, which "
        "will apply to all purchase orders issued on or after 1 July 2024.",
        "However, we cannot accept the indemnification clause in Section 9 as drafted. In our view the "
        "indemnity should be limited to direct damages caused by negligence or wilful misconduct, and the "
        "total liability of either party should not exceed the fees paid in the twelve months preceding the "
        "claim. We have marked our proposed wording in the enclosed copy.",
        "We would also ask that the confidentiality obligations in Section 11 survive for three years after "
        "termination rather than five, in line with our other framework agreements in the region.",
        "If these amendments are acceptable, please send two signed originals to our Southampton office. "
        "We will countersign them and return one original to you by courier within ten business days. "
        "Should you wish to discuss any point, I would be happy to arrange a call at your convenience.",
    ]
    for t in paras:
        y = p.para(y, t, x_mm=20, right_mm=20, name="en_serif", pt=11, lead=1.5) + p.mm(3.5)
    y += p.mm(2)
    y = p.text(20, y, "Yours sincerely,", name="en_serif", pt=11) + p.mm(16)
    y = p.text(20, y, "Robert Hughes", name="en_serif", pt=11) + p.mm(1.6)
    y = p.text(20, y, "Contracts Manager, Northwind Trading Ltd.", name="en_serif", pt=11) + p.mm(8)
    p.text(20, y, "Enclosure: marked-up draft agreement (14 pages)", name="en_serif", pt=10)
    im = p.scan(angle=0.0, blur=0.35, specks=150).convert("L")
    im.save(os.path.join(out, "letter_en.png"), dpi=(dpi, dpi), optimize=True)
    return "letter_en.png", [p.marks]


def memo(out, rng):
    """社内連絡 memo with a red 社外秘 stamp and a red logo: red marks that
    are NOT seals.  PNG, 150 dpi."""
    dpi = 150
    p = Page(dpi, rng, paper=(250, 249, 246))
    red = (200, 30, 38)
    # Logo: a red disc with a white monogram, and the company name in red.
    lx, ly, lr = p.mm(27), p.mm(22), p.mm(7)
    p.d.ellipse((lx - lr, ly - lr, lx + lr, ly + lr), fill=red)
    p.d.text((lx, ly), "A", font=p.f("en_sans_bold", 20), fill=(250, 249, 246), anchor="mm")
    p.d.text((lx + lr + p.mm(3), ly - p.mm(3.3)), "青葉商事", font=p.f("sans_bold", 13), fill=red)
    p.d.text((lx + lr + p.mm(3), ly + p.mm(2.6)), "AOBA TRADING", font=p.f("en_sans_bold", 8), fill=red)
    name_w = max(p.f("sans_bold", 13).getlength("青葉商事"), p.f("en_sans_bold", 8).getlength("AOBA TRADING"))
    p.marks.append({"seal": False, "shape": "other", "label": "logo (red disc + name)",
                    "bbox": [lx - lr, ly - lr, lx + lr + p.mm(3) + round(name_w) + 1,
                             ly + p.mm(2.6) + p.pt(8) + 2]})
    y = p.mm(40)
    p.text(190, y, "2024年5月8日", name="gothic", pt=10.5, anchor="ra")
    y = p.text(20, y, "各部門長 各位", name="mincho", pt=11) + p.mm(3)
    p.text(190, y, "情報システム部長　中村 健", name="mincho", pt=10.5, anchor="ra")
    y += p.mm(10)
    y = p.center(y, "社内連絡　文書電子化システムの試験運用について", name="sans_bold", pt=14) + p.mm(8)
    paras = [
        "標記の件について、下記のとおり試験運用を開始しますので、各部門において対応をお願いします。"
        "本システムは、複合機でスキャンした文書の文字を自動で認識し、押印の有無とあわせて検索できるようにするものです。",
        "試験運用期間中は、紙の原本を従来どおり保管した上で、スキャンした電子データとの突合せを行ってください。"
        "読取り結果に誤りを発見した場合は、文書番号を添えて情報システム部までご連絡ください。",
    ]
    for t in paras:
        y = p.para(y, t, x_mm=20, right_mm=20, indent_mm=3.9, pt=10.5, lead=1.7) + p.mm(2)
    y = p.center(y + p.mm(3), "記", name="mincho", pt=11) + p.mm(5)
    items = [
        "1. 試験期間　2024年5月20日（月）から6月28日（金）まで",
        "2. 対象部門　総務部、経理部、営業第一部",
        "3. 対象文書　契約書、請求書、稟議書、注文書及び見積書（社外秘文書を含む。）",
        "4. 取込方法　各フロアの複合機で「電子化フォルダ」を選択し、300dpiでスキャンする。",
        "5. 注意事項　個人番号（マイナンバー）を含む書類は対象外とし、スキャンしないこと。",
        "6. 説明会　　5月15日（水）15時から、本社8階第2会議室にて実施する。",
        "7. 問合せ先　情報システム部 システム企画課　内線 3120",
    ]
    for t in items:
        y = p.para(y, t, x_mm=25, right_mm=20, hang_mm=26, pt=10.5, lead=1.7) + p.mm(1)
    y += p.mm(4)
    y += p.mm(3)
    # Schedule table.
    y = p.text(20, y, "【部門別スケジュール】", name="gothic", pt=10.5) + p.mm(2)
    cols = [20, 58, 96, 134, 190]
    heads = ["部門", "説明会参加", "試験開始", "担当者（内線）"]
    rows = [("総務部", "5月15日", "5月20日", "田中 美咲（2143）"),
            ("経理部", "5月15日", "5月27日", "伊藤 翔太（2210）"),
            ("営業第一部", "5月16日（追加開催）", "6月3日", "山本 彩（2532）")]
    rh = p.mm(7.5)
    tx = [p.mm(c) for c in cols]
    p.d.rectangle((tx[0], y, tx[-1], y + rh), fill=(236, 236, 232))
    y0 = y
    for r in [heads] + rows:
        for i, v in enumerate(r):
            p.text(cols[i] + 2, y + rh // 2, v, name="gothic" if r is heads else "mincho", pt=10, anchor="lm")
        y += rh
    for yy in range(y0, y + 1, rh):
        p.d.line((tx[0], yy, tx[-1], yy), fill=INK, width=1)
    for x in tx:
        p.d.line((x, y0, x, y), fill=INK, width=1)
    y += p.mm(6)
    y = p.text(20, y, "【よくある質問】", name="gothic", pt=10.5) + p.mm(2)
    for q, a in [
            ("押印のある書類もスキャンしてよいですか。",
             "はい。印影は自動で検出され、押印の有無が検索条件として使えるようになります。"),
            ("社外秘の書類はどのように扱われますか。",
             "アクセス権のある部門だけが検索できます。スキャン後の原本は従来どおり施錠保管してください。"),
            ("読取りに失敗した文書はどうなりますか。",
             "エラーフォルダに移され、翌営業日に情報システム部から担当者へ連絡します。")]:
        y = p.para(y, "Q. " + q, x_mm=22, right_mm=20, pt=10.5, lead=1.6, hang_mm=6)
        y = p.para(y, "A. " + a, x_mm=22, right_mm=20, pt=10.5, lead=1.6, hang_mm=6) + p.mm(1.5)
    y += p.mm(2)
    p.text(190, y, "以上", name="mincho", pt=11, anchor="ra")
    assert y < p.h - p.mm(12), "memo overflows"
    # Rubber stamp 社外秘 at top right: red, rectangular, not a seal.
    p.stamp(stamp_rect("社外秘", p.mm(30), p.mm(13)), p.mm(168), p.mm(22), color=red, seal=False,
            shape="rect", label="社外秘 stamp", angle=rng.uniform(-4, -2))
    im = p.scan(angle=0.0, blur=0.3, specks=120)
    im.save(os.path.join(out, "memo_confidential.png"), dpi=(dpi, dpi), optimize=True)
    return "memo_confidential.png", [p.marks]


def fax_order(out, rng):
    """注文書 received by fax: 1-bit, CCITT G4, fine mode 204x196 dpi, with
    the round seal printed black."""
    dpi = 200
    p = Page(dpi, rng, paper=(255, 255, 255), shade=0)
    hdr = "2024/05/13 10:42    FROM: 株式会社青葉商事 購買課  FAX 03-5289-7711    TO: 045-662-3390    P.001/001"
    p.text(12, p.mm(6), hdr, name="gothic", pt=8)
    y = p.mm(20)
    y = p.center(y, "注　文　書", name="sans_bold", pt=22) + p.mm(8)
    p.text(20, y, "株式会社みなと技研　営業部　御中", name="mincho", pt=13)
    p.text(190, y, "注文番号　PO-55821", name="gothic", pt=11, anchor="ra")
    y += p.mm(8)
    p.text(190, y, "注文日　2024年5月13日", name="gothic", pt=11, anchor="ra")
    y += p.mm(9)
    for s in ["株式会社青葉商事　購買課", "〒101-0041 東京都千代田区神田須田町2-8-5",
              "TEL 03-5289-7710　FAX 03-5289-7711"]:
        p.text(120, y, s, name="gothic", pt=10.5)
        y += p.mm(6)
    p.text(120, y, "担当", name="gothic", pt=10.5)
    p.text(134, y, "小林 直樹", name="mincho", pt=12)
    seal_at = (p.mm(160), y + p.mm(2.5))
    y += p.mm(12)
    y = p.text(20, y, "下記のとおり注文いたします。納期及び納品場所をご確認の上、注文請書をご返送ください。",
               name="mincho", pt=11) + p.mm(6)
    cols = [20, 32, 118, 138, 162, 190]
    heads = ["No.", "品名・型番", "数量", "単価", "金額"]
    rows = [("1", "帳票スキャナ DS-5200（両面・ADF 100枚）", "3", "248,000", "744,000"),
            ("2", "OCRサーバライセンス（1年）", "1", "360,000", "360,000"),
            ("3", "スキャナ用交換ローラーキット", "6", "8,500", "51,000"),
            ("4", "設置・初期設定作業", "1", "85,000", "85,000"),
            ("", "", "", "", ""),
            ("", "", "", "", "")]
    rh = p.mm(9)
    tx = [p.mm(c) for c in cols]
    y0 = y
    for i, h in enumerate(heads):
        p.text((cols[i] + cols[i + 1]) / 2, y + rh // 2, h, name="gothic", pt=11, anchor="mm")
    y += rh
    for r in rows:
        for i, v in enumerate(r):
            if not v:
                continue
            if i == 1:
                p.text(cols[1] + 2, y + rh // 2, v, name="mincho", pt=10.5, anchor="lm")
            elif i == 0:
                p.text((cols[0] + cols[1]) / 2, y + rh // 2, v, name="gothic", pt=11, anchor="mm")
            else:
                p.text(cols[i + 1] - 2, y + rh // 2, v, name="gothic", pt=11, anchor="rm")
        y += rh
    for yy in range(y0, y + 1, rh):
        p.d.line((tx[0], yy, tx[-1], yy), fill=0, width=2)
    for x in tx:
        p.d.line((x, y0, x, y), fill=0, width=2)
    for lbl, v in (("小計", "1,240,000"), ("消費税", "124,000"), ("合計", "1,364,000")):
        p.d.rectangle((tx[3], y, tx[-1], y + rh), outline=0, width=2)
        p.text((cols[3] + cols[4]) / 2, y + rh // 2, lbl, name="gothic", pt=11, anchor="mm")
        p.text(cols[5] - 2, y + rh // 2, v, name="gothic", pt=11, anchor="rm")
        y += rh
    y += p.mm(8)
    for s in ["納期　　2024年5月31日（金）必着", "納品場所　株式会社青葉商事 本社5階 総務部",
              "支払条件　月末締め翌月末払い（銀行振込）",
              "備考　　設置作業日は別途ご相談ください。型番の変更がある場合は事前にご連絡ください。"]:
        y = p.para(y, s, x_mm=20, right_mm=20, name="mincho", pt=11, lead=1.5, hang_mm=18) + p.mm(2)
    # Tear-off acknowledgement (注文請書) for the supplier to fax back, still blank.
    y += p.mm(6)
    for x in range(p.mm(12), p.mm(198), p.mm(3)):
        p.d.line((x, y, x + p.mm(1.5), y), fill=0, width=2)
    p.text(105, y - p.mm(1.2), "きりとり線", name="gothic", pt=8, anchor="md")
    y += p.mm(7)
    y = p.center(y, "注　文　請　書", name="sans_bold", pt=15) + p.mm(5)
    p.text(20, y, "株式会社青葉商事　購買課　御中", name="mincho", pt=11)
    p.text(190, y, "注文番号　PO-55821", name="gothic", pt=10.5, anchor="ra")
    y += p.mm(9)
    y = p.text(20, y, "上記のご注文を、下記納期にてお請けいたします。", name="mincho", pt=11) + p.mm(5)
    p.text(20, y, "納期回答　　　　年　　月　　日", name="mincho", pt=11)
    p.text(110, y, "株式会社みなと技研　営業部", name="mincho", pt=11)
    y += p.mm(9)
    p.text(110, y, "担当", name="gothic", pt=10.5)
    p.hline(y + p.pt(11), 120, 178, width=2)
    p.text(182, y, "印", name="mincho", pt=10.5)
    p.stamp(seal_round("小林", p.mm(12)), seal_at[0], seal_at[1], color=(30, 30, 30), shape="round",
            label="丸印 小林 (black in the fax)", angle=rng.uniform(-8, 8))

    im = p.scan(angle=0.4, blur=0.0, specks=0)
    # Fax fine mode: 204 x 196 dpi.
    xd, yd = 204, 196
    sx, sy = xd / dpi, yd / dpi
    im = im.resize((round(im.width * sx), round(im.height * sy)), Image.LANCZOS)
    for m in p.marks:
        b = m["bbox"]
        m["bbox"] = [math.floor(b[0] * sx), math.floor(b[1] * sy), math.ceil(b[2] * sx), math.ceil(b[3] * sy)]
    bw = im.convert("L").point(lambda v: 255 if v > 140 else 0)
    # Line noise typical of fax: a few specks and a short horizontal dropout.
    d = ImageDraw.Draw(bw)
    for _ in range(160):
        x, y = rng.randrange(bw.width), rng.randrange(bw.height)
        d.point((x, y), fill=0)
    yy = rng.randrange(bw.height // 2, bw.height - 100)
    d.line((0, yy, bw.width, yy), fill=255, width=1)
    # Pillow writes 1-bit TIFF as min-is-black; invert and flip the tag to get
    # the fax convention (min-is-white, 0 = white).
    bw = bw.point(lambda v: 255 - v).convert("1", dither=Image.NONE)
    path = fresh(os.path.join(out, "fax_order_g4.tif"))
    bw.save(path, compression="group4", dpi=(xd, yd))
    tidy_tiff(path, photometric=0)
    return "fax_order_g4.tif", [p.marks]


def memorandum_pdf(out, rng):
    """覚書 as a scanner PDF: 2 pages, one JPEG (DCTDecode) image per page, 200 dpi.
    Page 2 has a 代表者印 and a 丸印."""
    dpi = 200
    body = dict(pt=11, lead=1.7)
    p1 = Page(dpi, rng, paper=(246, 245, 240), shade=3)
    y = p1.mm(25)
    y = p1.center(y, "覚　書", name="sans_bold", pt=20) + p1.mm(12)
    y = p1.para(y, "株式会社青葉商事（以下「甲」という。）と株式会社みなと技研（以下「乙」という。）は、"
                   "甲乙間で令和6年4月1日付けで締結した文書電子化業務委託契約（以下「原契約」という。）に関し、"
                   "次のとおり合意したので、本覚書を締結する。", indent_mm=3.9, **body) + p1.mm(4)
    arts = [
        ("第1条（委託料の改定）", ["原契約第4条第1項に定める委託料を、令和6年7月分以降、月額金550,000円"
                             "（消費税及び地方消費税を含む。）に改定する。"]),
        ("第2条（業務範囲の追加）", ["原契約第2条に定める業務に、次の業務を追加する。",
                              "(1) スキャン文書における印影の検出及び押印有無の記録",
                              "(2) 英文契約書の文字認識結果の検証"]),
        ("第3条（納期）", ["乙は、毎月末日までに受領した文書について、翌月15日までに電子データを納品する。"
                        "ただし、甲乙協議の上、別途納期を定めることができる。"]),
        ("第4条（知的財産権）", ["本覚書に基づき乙が作成した索引データその他の成果物に係る知的財産権は、"
                           "委託料の支払完了をもって甲に帰属する。"]),
        ("第5条（作業場所）", ["乙は、甲の事前の承諾を得た場合を除き、原本文書を乙の施設外に持ち出してはならない。"
                         "乙の施設で作業を行う場合は、入退室管理及び施錠管理を徹底し、その記録を1年間保存する。"]),
        ("第6条（検収）", ["甲は、電子データの納品を受けた日から10営業日以内に検収を行い、"
                        "不備を発見したときは乙に通知する。乙は、通知を受けた日から5営業日以内に"
                        "無償で修正した電子データを再納品しなければならない。"]),
        ("第7条（データの消去）", ["乙は、電子データの検収完了後30日以内に、乙の管理する機器から当該データを"
                            "復元できない方法により消去し、消去証明書を甲に提出する。"]),
    ]
    for head, paras in arts:
        y = p1.para(y, head, name="gothic", **body)
        for t in paras:
            if t.startswith("("):
                y = p1.para(y, t, x_mm=29, hang_mm=7, **body)
            else:
                y = p1.para(y, t, indent_mm=3.9, **body)
        y += p1.mm(3)
    p1.text(105, p1.h - p1.mm(12), "- 1 -", name="mincho", pt=9, anchor="ms")

    p2 = Page(dpi, rng, paper=(246, 245, 240), shade=3)
    y = p2.mm(25)
    for head, paras in [
        ("第8条（原契約との関係）", ["本覚書に定めのない事項については、原契約の定めるところによる。"
                              "本覚書と原契約の定めが異なるときは、本覚書の定めが優先する。"]),
        ("第9条（有効期間）", ["本覚書の有効期間は、令和6年7月1日から原契約の終了日までとする。"
                          "ただし、原契約が更新されたときは、本覚書も同一の期間更新されるものとする。"]),
        ("第10条（協議）", ["本覚書の解釈について疑義が生じたとき、又は本覚書に定めのない事項が生じたときは、"
                         "甲乙誠意をもって協議の上、解決する。"])]:
        y = p2.para(y, head, name="gothic", **body)
        for t in paras:
            y = p2.para(y, t, indent_mm=3.9, **body)
        y += p2.mm(3)
    y += p2.mm(4)
    y = p2.para(y, "本覚書締結の証として本書2通を作成し、甲乙記名押印の上、各1通を保有する。",
                indent_mm=3.9, **body) + p2.mm(8)
    y = p2.text(30, y, "令和6年6月20日", pt=11) + p2.mm(14)
    marks_at = []
    for lbl, addr, co, rep in [
            ("甲", "東京都千代田区神田須田町二丁目8番地5", "株式会社青葉商事", "代表取締役　青木 一郎"),
            ("乙", "東京都港区芝浦二丁目1番3号", "株式会社みなと技研", "代表取締役　森 美和子")]:
        p2.text(95, y, lbl, pt=11)
        p2.text(105, y, addr, pt=10.5)
        p2.text(105, y + p2.mm(8), co, pt=12)
        p2.text(105, y + p2.mm(16), rep, pt=12)
        marks_at.append(y + p2.mm(16) + p2.pt(6))
        y += p2.mm(38)
    p2.text(105, p2.h - p2.mm(12), "- 2 -", name="mincho", pt=9, anchor="ms")
    p2.stamp(seal_representative("株式会社青葉商事", "代表取締役印", p2.mm(18)), p2.mm(183), marks_at[0],
             shape="round", label="代表者印 株式会社青葉商事 代表取締役印", angle=rng.uniform(-6, 6))
    p2.stamp(seal_representative("株式会社みなと技研", "代表取締役印", p2.mm(18)), p2.mm(181), marks_at[1] + p2.mm(1),
             shape="round", label="代表者印 株式会社みなと技研 代表取締役印", angle=rng.uniform(-6, 6),
             strength=0.9)
    pages = [p1.scan(angle=-0.3, blur=0.55, clean=False, noise=0.8),
             p2.scan(angle=0.25, blur=0.55, clean=False, noise=0.8)]
    path = fresh(os.path.join(out, "memorandum_scan.pdf"))
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=float(dpi), quality=65,
                  title="memorandum_scan", producer="inkan make_samples.py",
                  creationDate=FIXED_TIME, modDate=FIXED_TIME)
    return "memorandum_scan.pdf", [p1.marks, p2.marks]


def quotation(out, rng):
    """見積書 / QUOTATION, Japanese-English mixed, 8-bit gray TIFF (Deflate),
    200 dpi; its red 角印 became mid-gray in the scan."""
    dpi = 200
    p = Page(dpi, rng, paper=(248, 247, 243))
    y = p.mm(16)
    y = p.center(y, "御見積書　QUOTATION", name="sans_bold", pt=19) + p.mm(8)
    p.text(20, y, "Minato Giken Co., Ltd.", name="en_serif_bold", pt=12)
    p.text(20, y + p.mm(6.5), "株式会社みなと技研　御中", name="mincho", pt=12)
    p.hline(y + p.mm(13), 20, 100, width=2)
    rx = 125
    for i, s in enumerate(["見積番号 / Quote No.  Q-2024-0519",
                           "見積日 / Date  2024-05-19",
                           "有効期限 / Valid until  2024-06-30"]):
        p.text(rx, y + i * p.mm(5.5), s, name="gothic", pt=9.5)
    y += p.mm(20)
    iy = y
    for s, nm, pt in [("株式会社青葉商事 (Aoba Trading Co., Ltd.)", "mincho", 11),
                      ("〒101-0041 東京都千代田区神田須田町2-8-5", "gothic", 9.5),
                      ("TEL +81-3-5289-7710  sales@aoba.example", "gothic", 9.5),
                      ("担当 / Contact: 佐藤 (Sato)", "gothic", 9.5)]:
        p.text(rx, iy, s, name=nm, pt=pt)
        iy += p.mm(5.5)
    y = p.text(20, y, "下記のとおりお見積り申し上げます。", name="mincho", pt=10.5) + p.mm(2)
    y = p.text(20, y, "We are pleased to submit our quotation as follows.", name="en_serif", pt=10.5) + p.mm(6)
    p.d.rectangle((p.mm(20), y, p.mm(105), y + p.mm(12)), outline=INK, width=2)
    p.text(23, y + p.mm(3.5), "御見積金額 / Total", name="gothic", pt=10.5)
    p.text(102, y + p.mm(2.6), "¥4,092,000", name="sans_bold", pt=14, anchor="ra")
    y = max(y + p.mm(20), iy + p.mm(8))

    cols = [20, 30, 118, 134, 160, 190]
    heads = ["#", "Description / 品名", "Qty", "Unit Price", "Amount"]
    rows = [
        ("1", "Document Scanner DS-5200 (duplex, 100-sheet ADF)", "3", "248,000", "744,000"),
        ("", "帳票スキャナ 両面読取 ADF100枚", "", "", ""),
        ("2", "OCR Server License, Japanese + English (1 year)", "1", "360,000", "360,000"),
        ("", "OCRサーバライセンス 日本語・英語 年間", "", "", ""),
        ("3", "Seal Detection Option (hanko / 印影検出)", "1", "180,000", "180,000"),
        ("4", "Full-text Search Index Setup / 全文検索設定", "1", "420,000", "420,000"),
        ("5", "On-site Installation and Training / 設置・操作研修", "2", "95,000", "190,000"),
        ("6", "Backfile Conversion 180,000 pages / 既存文書電子化", "180", "9,500", "1,710,000"),
        ("7", "Annual Maintenance / 年間保守", "1", "116,000", "116,000"),
    ]
    rh = p.mm(7.6)
    tx = [p.mm(c) for c in cols]
    p.d.rectangle((tx[0], y, tx[-1], y + rh), fill=(222, 222, 222))
    for i, h in enumerate(heads):
        p.text((cols[i] + cols[i + 1]) / 2, y + rh // 2, h, name="sans_bold", pt=9, anchor="mm")
    y0 = y
    y += rh
    for r in rows:
        for i, v in enumerate(r):
            if not v:
                continue
            if i == 1:
                nm = "en_sans" if all(ord(c) < 128 for c in v) else "gothic"
                p.text(cols[1] + 1.5, y + rh // 2, v, name=nm, pt=9, anchor="lm")
            elif i == 0:
                p.text((cols[0] + cols[1]) / 2, y + rh // 2, v, name="en_sans", pt=9.5, anchor="mm")
            else:
                p.text(cols[i + 1] - 1.5, y + rh // 2, v, name="en_sans", pt=9.5, anchor="rm")
        y += rh
    for yy in range(y0, y + 1, rh):
        p.d.line((tx[0], yy, tx[-1], yy), fill=INK, width=1)
    for x in tx:
        p.d.line((x, y0, x, y), fill=INK, width=1)
    for lbl, v in (("小計 Subtotal", "3,720,000"), ("消費税 Tax 10%", "372,000"), ("合計 Total", "4,092,000")):
        p.d.rectangle((tx[3], y, tx[-1], y + rh), outline=INK, width=1)
        p.text((cols[3] + cols[4]) / 2, y + rh // 2, lbl, name="gothic", pt=9, anchor="mm")
        p.text(cols[5] - 1.5, y + rh // 2, v, name="en_sans", pt=9.5, anchor="rm")
        y += rh
    y += p.mm(8)
    y = p.text(20, y, "備考 / Notes", name="gothic", pt=10.5) + p.mm(2)
    for t in ["1. 納期はご発注後約4週間です。Delivery: approx. 4 weeks after order.",
              "2. 既存文書の電子化単価は1,000ページあたりの金額です。Backfile price is per 1,000 pages.",
              "3. 支払条件：月末締め翌月末払い。Payment: net 30 days after month-end closing.",
              "4. 本見積の有効期限は2024年6月30日です。This quotation is valid until 30 June 2024."]:
        y = p.para(y, t, x_mm=22, right_mm=20, name="mincho", pt=10, lead=1.55, hang_mm=4) + p.mm(1)
    p.stamp(seal_square("株式会社青葉商事印", p.mm(21)), p.mm(183), p.mm(66),
            shape="square", label="角印 株式会社青葉商事印 (gray in the scan)", angle=rng.uniform(-4, 4))
    im = p.scan(angle=-0.15, blur=0.4, specks=150).convert("L")
    path = fresh(os.path.join(out, "quotation_mixed.tif"))
    im.save(path, compression="tiff_adobe_deflate", dpi=(dpi, dpi))
    tidy_tiff(path)
    return "quotation_mixed.tif", [p.marks]


DOCS = [
    (contract, "red", "Japanese contract 業務委託契約書, 2 pages"),
    (invoice, "red", "請求書 invoice"),
    (ringi, "red", "稟議書 approval form"),
    (letter_en, None, "English business letter"),
    (memo, None, "社内連絡 memo with 社外秘 stamp and red logo"),
    (fax_order, "black", "faxed 注文書 order form"),
    (memorandum_pdf, "red", "覚書 memorandum, scanner PDF"),
    (quotation, "gray", "見積書 QUOTATION, Japanese-English"),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=HERE, help="output directory (default: samples/)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    truth = {}
    for i, (fn, color, _) in enumerate(DOCS):
        rng = random.Random(SEED + i)
        name, pages = fn(args.out, rng)
        for page in pages:
            for m in page:
                m["color"] = color if m["seal"] else "red"
        truth[name] = [[{k: m[k] for k in ("seal", "shape", "color", "bbox", "label")} for m in page]
                       for page in pages]
        size = os.path.getsize(os.path.join(args.out, name))
        nseal = sum(m["seal"] for page in pages for m in page)
        print(f"{name:24s} {size:>9,d} bytes  {len(pages)} page(s)  {nseal} seal(s)")
    with open(os.path.join(args.out, "seals.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
