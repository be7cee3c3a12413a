#!/usr/bin/python3
"""Synthetic scan corpus for inkan's seal detector and its evaluation.

Writes realistic A4 pages (300 dpi, some 200 dpi): contracts, invoices,
稟議書 approval forms, red dropout forms, English letters and memos, with
seal impressions (round 丸印, oval 小判, square 角印, date 日付印, double-ring
company seals) stamped over text and signatures, and the hard negatives a
seal detector must ignore (red logos, red titles, red rules, dropout-red form
boxes, red pen marks and hand-drawn circles, text stamps 社外秘 / COPY / 処理済,
black bullets, circled page numbers).

Every page is rendered in colour, then "scanned" (blur, noise, paper tone)
and stored as colour (JPEG 4:2:0 or PNG), grayscale (JPEG or PNG) or 1-bit
(TIFF G4 or PNG; thresholded or dithered). A few pages are also written as
PDF (with a PNG fallback beside them for decoders without PDF support).

Output: DIR/pNNNN.{jpg,png,tif,pdf} and DIR/truth.jsonl, one JSON object per
page:

  {"file": "p0003.jpg", "fallback": null, "doc": "p0003", "kind": "invoice",
   "mode": "color"|"gray"|"bilevel",
   "binarize": "threshold:152"|"dither"|null, "dpi": 300, "width": W, "height": H,
   "seals": [{"bbox": [x0,y0,x1,y1], "shape": "round", "kind": "company",
              "faded": false, "visible": 0.87}],
   "negatives": [{"kind": "red_logo", "bbox": [...]}],
   "lines": [{"text": "...", "bbox": [...], "under_seal": true}]}

bbox values are pixels of the stored image, x1/y1 exclusive. A seal's bbox
is the extent of its ink (before fading). binarize is how a 1-bit page was
made (gray <= T is black, or Floyd–Steinberg), null for colour and gray.
visible is the fraction of the seal's design (its clear, untextured
impression, alpha > 0.5) that is still ink in the stored image: on 1-bit
pages the seal alone (its ink over the page's paper, blurred like the page)
is put through the page's conversion (gray <= T; or, dithered, expected
black density 1 - gray/255 > 0.35), so text under it does not count; 1.0 on
colour and gray pages, which keep faded ink as lighter ink. A faded seal on
a thresholded page can be almost entirely gone (visible near 0).
Deterministic for a given --seed (the images; a PDF's date varies).

Usage: seal_corpus.py --seed 1 --pages 120 --out /tmp/seals-tune
       seal_corpus.py --seed 21 --pages 80 --logo-stress --out /tmp/seals/logos
(--logo-stress: every page an invoice with four red logos, for tuning the
logo rules; --start N extends a corpus from page N.)
Needs Python 3, Pillow and numpy (Debian: python3-pil python3-numpy) and the
fonts-ipafont and fonts-noto-cjk packages.
"""

import argparse
import io
import json
import math
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

MINCHO = "/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf"
GOTHIC = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"
NOTO_SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
NOTO_SANS_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
NOTO_SERIF_BOLD = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
LATIN_SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
LATIN_SANS_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

SURNAMES = ["山田", "佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "中村", "小林", "加藤",
            "吉田", "山本", "林", "森", "原", "池田", "橋本", "石川", "前田", "藤原",
            "岡本", "松本", "井上", "木村", "清水", "長谷川", "佐々木", "五十嵐", "東",
            "関", "西", "堀", "大久保", "小野寺", "菅原", "桜井", "武田", "上野"]
GIVEN = ["太郎", "花子", "一郎", "健", "明美", "誠", "裕子", "大輔", "直樹", "恵"]
COMPANIES = ["山田商事", "東邦物産", "北斗建設", "日光電機", "青葉工業", "大和運輸",
             "富士精工", "三和興産", "中央印刷", "光陽製作所", "朝日システム", "丸大食品"]
DEPTS = ["総務部", "経理部", "営業部", "人事課", "購買課", "受付"]
ROLES = ["社長", "専務", "部長", "次長", "課長", "係長", "担当"]
CLAUSES = [
    "甲及び乙は、本契約に定める条件に従い、誠実に業務を遂行するものとする。",
    "乙は、甲の事前の書面による承諾なく、本契約上の地位を第三者に譲渡してはならない。",
    "本契約の有効期間は、締結日から一年間とし、双方に異議がない場合は自動的に更新する。",
    "甲は、乙が提出した請求書に基づき、翌月末日までに指定口座へ振り込むものとする。",
    "本契約に関して知り得た相手方の秘密情報を、第三者に開示又は漏洩してはならない。",
    "天災地変その他不可抗力により履行が遅延した場合、当事者は責任を負わないものとする。",
    "本契約に定めのない事項については、甲乙誠意をもって協議の上、解決するものとする。",
    "本契約に関する紛争については、東京地方裁判所を第一審の専属的合意管轄裁判所とする。",
    "納品物の検収は、納品後十営業日以内に甲が行い、その結果を乙に通知する。",
    "委託料は金一百二十万円（消費税別）とし、作業完了後に一括して支払う。",
    "乙は、業務の全部又は一部を再委託する場合、あらかじめ甲の承認を得なければならない。",
    "契約期間中であっても、一箇月前までに書面で通知することにより解約することができる。",
]
MEMO_LINES = [
    "来期の予算案について各部署の意見を取りまとめ、月末までに提出してください。",
    "会議室の利用予約は、社内ポータルから前日までに申請すること。",
    "新システムの導入に伴い、旧データの移行作業を来週実施します。",
    "出張旅費の精算は、領収書を添付の上、経理部へ提出してください。",
    "次回の定例会議は四月十五日午後二時から第三会議室で開催します。",
    "顧客からの問い合わせ件数は前年同月比で一割程度増加している。",
    "安全衛生委員会の議事録を共有フォルダに保存しました。",
    "年末年始の休業期間中の緊急連絡先は別紙のとおりです。",
]
ENGLISH = [
    "Thank you for your letter of March 3 regarding the renewal of our agreement.",
    "We are pleased to confirm that the goods were shipped on schedule.",
    "Please find enclosed the signed copy of the service contract for your records.",
    "Should you have any questions, do not hesitate to contact our office in Osaka.",
    "The invoice will be settled within thirty days of receipt, as agreed.",
    "We look forward to continuing our cooperation in the coming fiscal year.",
    "Our representative will visit your facility next Tuesday to review the plans.",
    "Kindly return the attached form with the signature of an authorised officer.",
]
ITEMS = ["事務用品一式", "印刷用紙 A4", "保守サービス料", "ソフトウェア利用料", "配送費",
         "技術支援（三月分）", "部品 型番 KX-200", "清掃業務委託料"]


def mm(v, dpi):
    return int(round(v * dpi / 25.4))


class Fonts:
    def __init__(self):
        self.cache = {}

    def get(self, path, size):
        key = (path, int(size))
        if key not in self.cache:
            self.cache[key] = ImageFont.truetype(path, max(6, int(size)))
        return self.cache[key]


FONTS = Fonts()


class Page:
    """One page being drawn: a colour print layer plus overlay ink layers."""

    def __init__(self, rng, dpi):
        self.rng = rng
        self.dpi = dpi
        self.w = mm(210, dpi)
        self.h = mm(297, dpi)
        self.img = Image.new("RGB", (self.w, self.h), (255, 255, 255))
        self.draw = ImageDraw.Draw(self.img)
        self.lines = []      # {"text","bbox"}
        self.seals = []      # {"bbox","shape","kind","faded"}
        self.negs = []       # {"kind","bbox"}
        self.overlays = []   # (x, y, alpha ndarray float32, (r,g,b))
        self.jfont = rng.choice([MINCHO, GOTHIC, NOTO_SANS])

    def px(self, v):
        return mm(v, self.dpi)

    def pt(self, p):
        return p / 72.0 * self.dpi

    def text(self, x, y, s, size_pt, fill=(20, 20, 20), font=None, record=True):
        f = FONTS.get(font or self.jfont, self.pt(size_pt))
        self.draw.text((x, y), s, font=f, fill=fill)
        bb = self.draw.textbbox((x, y), s, font=f)
        if record:
            self.lines.append({"text": s, "bbox": [int(bb[0]), int(bb[1]), int(bb[2]), int(bb[3])]})
        return bb

    def paragraph(self, x, y, width, s, size_pt, font=None, leading=1.7):
        """Wraps s to width (character-wise for CJK, word-wise for Latin)."""
        f = FONTS.get(font or self.jfont, self.pt(size_pt))
        lh = int(self.pt(size_pt) * leading)
        latin = all(ord(c) < 0x3000 for c in s)
        tokens = s.split(" ") if latin else list(s)
        line = ""
        for t in tokens:
            cand = (line + " " + t) if (latin and line) else (line + t)
            if f.getlength(cand) > width and line:
                self.text(x, y, line, size_pt, font=font)
                y += lh
                line = t
            else:
                line = cand
        if line:
            self.text(x, y, line, size_pt, font=font)
            y += lh
        return y

    def add_ink(self, x, y, alpha, color):
        self.overlays.append((int(x), int(y), alpha, color))


# ---------------------------------------------------------------- ink helpers

def smooth_noise(nrng, h, w, cell):
    gh, gw = max(2, h // cell + 2), max(2, w // cell + 2)
    g = nrng.random((gh, gw), dtype=np.float32)
    im = Image.fromarray((g * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)
    return np.asarray(im, dtype=np.float32) / 255.0


def stamp_texture(page, a, faded, partial):
    """Uneven stamp-pad ink: density mottling, voids, fading, a missing sector."""
    rng, nrng, dpi = page.rng, page.nrng, page.dpi
    h, w = a.shape
    cell = max(3, mm(1.5, dpi))
    t = 0.72 + 0.45 * smooth_noise(nrng, h, w, cell)
    fine = nrng.random((h, w), dtype=np.float32)
    t *= np.where(fine < (0.10 if faded else 0.02), 0.25, 1.0)
    if faded:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        ang = rng.uniform(0, 2 * math.pi)
        ramp = (np.cos(ang) * (xx / w - 0.5) + np.sin(ang) * (yy / h - 0.5))
        t *= np.clip(0.55 + 0.9 * ramp, 0.15, 1.0) * rng.uniform(0.55, 0.8)
        t *= np.where(smooth_noise(nrng, h, w, max(3, mm(2.5, dpi))) < 0.22, 0.2, 1.0)
    if partial:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        ang = np.arctan2(yy - h / 2, xx - w / 2)
        a0 = rng.uniform(-math.pi, math.pi)
        span = rng.uniform(0.5, 1.1)
        d = np.abs((ang - a0 + math.pi) % (2 * math.pi) - math.pi)
        t *= np.where(d < span / 2, 0.08, 1.0)
    return np.clip(a * t, 0, 1)


def finish_stamp(page, canvas, rot, faded, partial, textured=True):
    """Rotates a drawn stamp (L image, 255 = ink), textures it and returns
    (alpha, width, height, clear alpha) cropped to its ink; the clear alpha
    is the same impression before texture and fading."""
    rng = page.rng
    im = canvas.rotate(rot, resample=Image.BICUBIC, expand=True)
    im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.9) * page.dpi / 300))
    a = np.asarray(im, dtype=np.float32) / 255.0
    ys, xs = np.nonzero(a > 0.35)
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    a = clear = a[y0:y1, x0:x1]
    if textured:
        a = stamp_texture(page, a, faded, partial)
    return a, x1 - x0, y1 - y0, clear


def seal_font(rng):
    return rng.choice([NOTO_SERIF_BOLD, NOTO_SANS_BOLD, MINCHO])


def draw_vertical(dr, cx, cy, chars, size, font, fill=255):
    f = FONTS.get(font, size)
    n = len(chars)
    step = size * 1.0
    y = cy - step * n / 2
    for c in chars:
        dr.text((cx, y + step / 2), c, font=f, fill=fill, anchor="mm")
        y += step


def draw_seal(page, shape, kind, d_mm, name, faded=False, partial=False, color=None):
    """Draws a seal impression into an L canvas; returns (alpha, w, h, clear alpha)."""
    rng = page.rng
    dpi = page.dpi
    font = seal_font(rng)
    if shape == "oval":
        w, h = mm(d_mm * rng.uniform(0.52, 0.62), dpi), mm(d_mm, dpi)
    else:
        w = h = mm(d_mm, dpi)
    m = max(w, h) // 6 + 4
    cv = Image.new("L", (w + 2 * m, h + 2 * m), 0)
    dr = ImageDraw.Draw(cv)
    t = max(2, int(min(w, h) * rng.uniform(0.04, 0.065)))
    cx, cy = m + w / 2, m + h / 2
    if shape in ("round", "oval") and kind != "date":
        dr.ellipse([m, m, m + w - 1, m + h - 1], outline=255, width=t)
        if kind == "company":
            # Double ring: company name around, title in the middle.
            r2 = 0.62
            dr.ellipse([cx - w * r2 / 2, cy - h * r2 / 2, cx + w * r2 / 2, cy + h * r2 / 2],
                       outline=255, width=max(2, t * 2 // 3))
            ring_text = name["company"] + "株式会社"
            fsz = w * 0.13
            f = FONTS.get(font, fsz)
            n = len(ring_text)
            for i, ch in enumerate(ring_text):
                ang = -math.pi * 0.95 + (i + 0.5) * (1.9 * math.pi / n)
                rr = w * 0.405
                gx, gy = cx + rr * math.sin(ang), cy - rr * math.cos(ang)
                g = Image.new("L", (int(fsz * 1.6),) * 2, 0)
                ImageDraw.Draw(g).text((g.width / 2, g.height / 2), ch, font=f, fill=255, anchor="mm")
                g = g.rotate(-math.degrees(ang), resample=Image.BICUBIC)
                cv.paste(255, (int(gx - g.width / 2), int(gy - g.height / 2)), g)
            inner = "代表取締役印" if rng.random() < 0.6 else "取締役之印"
            half = (len(inner) + 1) // 2
            fs = w * r2 * 0.27
            draw_vertical(dr, cx + fs * 0.55, cy, inner[:half], fs, font)
            draw_vertical(dr, cx - fs * 0.55, cy, inner[half:], fs, font)
        else:
            chars = name["surname"]
            n = len(chars)
            inner_h = h * (0.78 if shape == "oval" else 0.72)
            fs = min(inner_h / n, w * (0.62 if n == 1 else 0.5))
            if n == 3 and shape == "round":
                fs = min(inner_h / 3, w * 0.3)
            draw_vertical(dr, cx, cy, chars, fs, font)
    elif shape == "round" and kind == "date":
        dr.ellipse([m, m, m + w - 1, m + h - 1], outline=255, width=t)
        r = w / 2
        for sgn in (-1, 1):
            yb = cy + sgn * r * 0.24
            half = math.sqrt(max(0.0, r * r - (yb - cy) ** 2)) - t / 2
            dr.rectangle([cx - half, yb - t / 3, cx + half, yb + t / 3], fill=255)
        f_top = FONTS.get(font, w * 0.2)
        dr.text((cx, cy - r * 0.55), name["dept"], font=f_top, fill=255, anchor="mm")
        f_mid = FONTS.get(LATIN_SANS_BOLD, w * 0.15)
        dr.text((cx, cy), name["date"], font=f_mid, fill=255, anchor="mm")
        dr.text((cx, cy + r * 0.57), name["surname"][:2], font=f_top, fill=255, anchor="mm")
    elif shape == "square":
        dr.rectangle([m, m, m + w - 1, m + h - 1], outline=255, width=max(3, int(t * 1.2)))
        text = name["square"]
        n = int(round(math.sqrt(len(text))))
        inner = w - 2 * t * 1.2 - w * 0.06
        fs = inner / n
        f = FONTS.get(font, fs * 0.98)
        for i, ch in enumerate(text):
            col, row = i // n, i % n
            gx = cx + inner / 2 - fs * (col + 0.5)
            gy = cy - inner / 2 + fs * (row + 0.5)
            dr.text((gx, gy), ch, font=f, fill=255, anchor="mm")
    rot = rng.uniform(-12, 12) if shape != "square" else rng.uniform(-6, 6)
    return finish_stamp(page, cv, rot, faded, partial)


def vermilion(rng, faded=False):
    c = (rng.randint(195, 235), rng.randint(35, 100), rng.randint(30, 85))
    if rng.random() < 0.15:  # darker, brick-red pad
        c = (rng.randint(165, 190), rng.randint(30, 60), rng.randint(30, 55))
    return c


def random_name(rng):
    sur = rng.choice(SURNAMES)
    company = rng.choice(COMPANIES)
    if rng.random() < 0.6:
        sq = (company + "株式会社印")[:9] if len(company) <= 4 else (company + "株式会社")[:9]
    else:
        sq = (company + "株式会社代表取締役之印")[:16]
        sq = sq + "之印"[: 16 - len(sq)] if len(sq) < 16 else sq
        sq = (sq + "印" * 16)[:16]
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return {"surname": sur, "company": company, "square": sq,
            "dept": rng.choice(DEPTS)[:2], "date": f"{rng.randint(1, 7)}.{month:02d}.{day:02d}"}


def stamp_seal(page, cx, cy, shape, kind, d_mm, name=None, color=None):
    rng = page.rng
    faded = rng.random() < 0.2
    partial = rng.random() < 0.08
    name = name or random_name(rng)
    a, w, h, clear = draw_seal(page, shape, kind, d_mm, name, faded, partial)
    x0, y0 = int(cx - w / 2), int(cy - h / 2)
    x0 = min(max(x0, 5), page.w - w - 5)
    y0 = min(max(y0, 5), page.h - h - 5)
    color = color or vermilion(rng)
    page.add_ink(x0, y0, a, color)
    # "_ink" (private, not written): what seal_visibility needs.
    page.seals.append({"bbox": [x0, y0, x0 + w, y0 + h], "shape": shape, "kind": kind,
                       "faded": bool(faded or partial), "_ink": (a, clear, color)})


# ------------------------------------------------------------ hard negatives

RED_PRINT = [(210, 25, 35), (200, 30, 50), (225, 60, 40), (190, 20, 30), (230, 80, 60)]


def neg(page, kind, bb):
    page.negs.append({"kind": kind, "bbox": [int(bb[0]), int(bb[1]), int(bb[2]), int(bb[3])]})


def red_logo(page, x, y):
    """A printed red logo, round ones included, often with a wordmark."""
    rng, dr = page.rng, page.draw
    col = rng.choice(RED_PRINT)
    s = page.px(rng.uniform(9, 22))
    style = rng.choice(["disc", "ring_latin", "ring_kanji", "diamond", "square_fill", "swoosh"])
    f_l = FONTS.get(LATIN_SANS_BOLD, s * 0.38)
    if style == "disc":
        dr.ellipse([x, y, x + s, y + s], fill=col)
        dr.text((x + s / 2, y + s / 2), rng.choice(["AB", "K", "NT", "MX"]), font=f_l, fill=(255, 255, 255), anchor="mm")
    elif style == "ring_latin":
        dr.ellipse([x, y, x + s, y + s], outline=col, width=max(2, s // 12))
        dr.text((x + s / 2, y + s / 2), rng.choice(["ACME", "SKY", "ORB", "TK"]), font=f_l, fill=col, anchor="mm")
    elif style == "ring_kanji":
        dr.ellipse([x, y, x + s, y + s], outline=col, width=max(2, s // rng.choice([10, 14])))
        f = FONTS.get(rng.choice([NOTO_SANS_BOLD, NOTO_SERIF_BOLD]), s * 0.55)
        dr.text((x + s / 2, y + s / 2), rng.choice(["山", "丸", "大", "光", "日"]), font=f, fill=col, anchor="mm")
    elif style == "diamond":
        dr.polygon([(x + s / 2, y), (x + s, y + s / 2), (x + s / 2, y + s), (x, y + s / 2)], fill=col)
    elif style == "square_fill":
        dr.rounded_rectangle([x, y, x + s, y + s], radius=s // 6, fill=col)
        dr.text((x + s / 2, y + s / 2), rng.choice(["J", "R", "NK"]), font=f_l, fill=(255, 255, 255), anchor="mm")
    else:
        dr.arc([x, y, x + s, y + s], 200, 520, fill=col, width=max(3, s // 8))
    bb = [x, y, x + s + 1, y + s + 1]
    neg(page, "red_logo", bb)
    if rng.random() < 0.85:
        wcol = col if rng.random() < 0.6 else (25, 25, 25)
        name = rng.choice(COMPANIES) + "株式会社"
        page.text(x + s + page.px(3), y + s * 0.2, name, rng.uniform(13, 18), fill=wcol, font=NOTO_SANS_BOLD)


def red_title(page, cx, y, text, size_pt):
    f = FONTS.get(NOTO_SANS_BOLD, page.pt(size_pt))
    w = f.getlength(text)
    bb = page.text(cx - w / 2, y, text, size_pt, fill=page.rng.choice(RED_PRINT), font=NOTO_SANS_BOLD)
    neg(page, "red_title", bb)
    return bb


def red_pen_mark(page, x, y):
    rng = page.rng
    col = (rng.randint(190, 230), rng.randint(20, 60), rng.randint(30, 70))
    wdt = max(2, page.px(rng.uniform(0.35, 0.7)))
    kind = rng.choice(["check", "underline", "cross", "scribble", "arrow"])
    pts = []
    s = page.px(rng.uniform(6, 18))
    if kind == "check":
        pts = [(x, y + s * 0.5), (x + s * 0.35, y + s), (x + s, y)]
    elif kind == "underline":
        pts = [(x + i * s * 0.5, y + rng.uniform(-2, 2)) for i in range(8)]
    elif kind == "cross":
        page.draw.line([(x, y), (x + s, y + s)], fill=col, width=wdt)
        pts = [(x + s, y), (x, y + s)]
    elif kind == "arrow":
        pts = [(x, y), (x + s * 2, y + s * 0.3), (x + s * 1.7, y), (x + s * 2, y + s * 0.3), (x + s * 1.6, y + s * 0.6)]
    else:
        pts = [(x + rng.uniform(0, s * 1.5), y + rng.uniform(0, s)) for _ in range(7)]
    page.draw.line(pts, fill=col, width=wdt, joint="curve")
    xs = [p[0] for p in pts] + [x]
    ys = [p[1] for p in pts] + [y]
    neg(page, "red_pen", [min(xs) - wdt, min(ys) - wdt, max(xs) + wdt, max(ys) + wdt])


def red_circle(page, bb):
    """A hand-drawn red pen circle around something printed."""
    rng = page.rng
    col = (rng.randint(190, 230), rng.randint(20, 60), rng.randint(30, 70))
    cx, cy = (bb[0] + bb[2]) / 2, (bb[1] + bb[3]) / 2
    rx = (bb[2] - bb[0]) / 2 + page.px(rng.uniform(1.5, 4))
    ry = (bb[3] - bb[1]) / 2 + page.px(rng.uniform(1.5, 4))
    a0 = rng.uniform(0, 2 * math.pi)
    sweep = rng.uniform(1.9, 2.2) * math.pi
    pts = []
    for i in range(60):
        a = a0 + sweep * i / 59
        k = 1 + 0.06 * math.sin(3 * a + a0) + rng.uniform(-0.015, 0.015) + 0.05 * i / 59
        pts.append((cx + rx * k * math.cos(a), cy + ry * k * math.sin(a)))
    wdt = max(2, page.px(rng.uniform(0.35, 0.7)))
    page.draw.line(pts, fill=col, width=wdt, joint="curve")
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    neg(page, "red_circle", [min(xs) - wdt, min(ys) - wdt, max(xs) + wdt, max(ys) + wdt])


def text_stamp(page, cx, cy):
    """A rectangular red text stamp (社外秘, COPY, 処理済 …), stamped with ink."""
    rng = page.rng
    text = rng.choice(["社外秘", "COPY", "処理済", "支払済", "済", "複写", "重要", "検収済", "CONFIDENTIAL"])
    latin = text.isascii()
    h = page.px(rng.uniform(8, 14))
    f = FONTS.get(LATIN_SANS_BOLD if latin else NOTO_SANS_BOLD, h * 0.62)
    tw = f.getlength(text)
    w = int(max(tw + h * 0.6, h * 2.1))
    m = h // 2
    cv = Image.new("L", (w + 2 * m, h + 2 * m), 0)
    dr = ImageDraw.Draw(cv)
    t = max(2, h // 12)
    dr.rectangle([m, m, m + w, m + h], outline=255, width=t)
    if rng.random() < 0.3:
        dr.rectangle([m + 2 * t, m + 2 * t, m + w - 2 * t, m + h - 2 * t], outline=255, width=max(1, t // 2))
    dr.text((m + w / 2, m + h / 2), text, font=f, fill=255, anchor="mm")
    a, aw, ah, _ = finish_stamp(page, cv, rng.uniform(-8, 8), rng.random() < 0.2, False)
    x0, y0 = int(cx - aw / 2), int(cy - ah / 2)
    page.add_ink(x0, y0, a, vermilion(rng))
    neg(page, "text_stamp", [x0, y0, x0 + aw, y0 + ah])


def bullets(page, x, y, n, size_pt):
    rng = page.rng
    d = page.px(rng.choice([1.6, 2.2, 3.0, 4.5, 6.5]))
    lh = int(page.pt(size_pt) * 1.9)
    for i in range(n):
        yy = y + i * lh
        c = yy + page.pt(size_pt) * 0.6
        page.draw.ellipse([x, c - d / 2, x + d, c + d / 2], fill=(20, 20, 20))
        neg(page, "black_bullet", [x, c - d / 2, x + d + 1, c + d / 2 + 1])
        page.text(x + d + page.px(3), yy, rng.choice(MEMO_LINES)[: rng.randint(12, 30)], size_pt)
    return y + n * lh


def page_number_circle(page, n):
    rng = page.rng
    d = page.px(rng.uniform(6.5, 10))
    cx, cy = page.w / 2, page.h - page.px(12)
    page.draw.ellipse([cx - d / 2, cy - d / 2, cx + d / 2, cy + d / 2], outline=(20, 20, 20),
                      width=max(2, page.px(0.3)))
    f = FONTS.get(LATIN_SERIF, d * 0.5)
    page.draw.text((cx, cy), str(n), font=f, fill=(20, 20, 20), anchor="mm")
    neg(page, "page_circle", [cx - d / 2, cy - d / 2, cx + d / 2 + 1, cy + d / 2 + 1])


def signature(page, x, y, w_mm=30, color=None):
    rng = page.rng
    col = color or rng.choice([(20, 20, 30), (25, 35, 110)])
    s = page.px(w_mm)
    pts = []
    for i in range(40):
        t = i / 39
        pts.append((x + s * t + rng.uniform(-5, 5), y + page.px(4) * math.sin(t * rng.uniform(8, 14)) + rng.uniform(-6, 6)))
    page.draw.line(pts, fill=col, width=max(2, page.px(0.4)), joint="curve")


def table(page, x, y, cols, rows, row_h, color, width_px):
    dr = page.draw
    xs = [x]
    for c in cols:
        xs.append(xs[-1] + c)
    for r in range(rows + 1):
        dr.line([(x, y + r * row_h), (xs[-1], y + r * row_h)], fill=color, width=width_px)
    for cx in xs:
        dr.line([(cx, y), (cx, y + rows * row_h)], fill=color, width=width_px)
    return xs


# ---------------------------------------------------------------- documents

def doc_contract(page):
    rng = page.rng
    L, R = page.px(25), page.w - page.px(25)
    title = rng.choice(["業務委託契約書", "売買契約書", "秘密保持契約書", "賃貸借契約書"])
    if rng.random() < 0.2:
        red_title(page, page.w / 2, page.px(22), title, 20)
    else:
        f = FONTS.get(page.jfont, page.pt(20))
        page.text(page.w / 2 - f.getlength(title) / 2, page.px(22), title, 20)
    y = page.px(40)
    a, b = rng.choice(COMPANIES), rng.choice(COMPANIES)
    y = page.paragraph(L, y, R - L, f"{a}株式会社（以下「甲」という）と{b}株式会社（以下「乙」という）は、次のとおり契約を締結する。", 10.5)
    for i, cl in enumerate(rng.sample(CLAUSES, rng.randint(5, 8))):
        y += page.px(2)
        page.text(L, y, f"第{i + 1}条（{rng.choice(['目的', '期間', '対価', '秘密保持', '解除', '協議'])}）", 10.5)
        y += int(page.pt(10.5) * 1.7)
        y = page.paragraph(L + page.px(4), y, R - L - page.px(4), cl, 10.5)
    if rng.random() < 0.1:
        red_circle(page, page.lines[rng.randint(2, len(page.lines) - 1)]["bbox"])
    y += page.px(6)
    page.text(L + page.px(10), y, f"令和{rng.randint(3, 7)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日", 10.5)
    y += page.px(12)
    signed = rng.random() < 0.85
    for party, comp in (("甲", a), ("乙", b)):
        x = page.w * 0.45
        page.text(x, y, f"{party}　東京都千代田区丸の内{rng.randint(1, 3)}丁目{rng.randint(1, 9)}番{rng.randint(1, 20)}号", 10.5)
        page.text(x + page.px(5), y + page.px(7), f"{comp}株式会社", 10.5)
        nm = random_name(rng)
        nm["company"] = comp
        name_line = f"代表取締役　{nm['surname']}　{rng.choice(GIVEN)}"
        bb = page.text(x + page.px(5), y + page.px(14), name_line, 10.5)
        if signed:
            if rng.random() < 0.3:
                signature(page, bb[2] - page.px(20), bb[1] + page.px(6), 25)
            kind = rng.choice(["company", "company", "personal", "bank"])
            d = {"company": rng.uniform(18, 21), "personal": rng.uniform(10.5, 15), "bank": rng.uniform(12, 16.5)}[kind]
            shape = "round" if kind != "personal" or rng.random() < 0.7 else "oval"
            # Stamped over the end of the printed name, as people do.
            stamp_seal(page, bb[2] + page.px(rng.uniform(-4, 8)), (bb[1] + bb[3]) / 2 + page.px(rng.uniform(-3, 3)),
                       shape, kind, d, nm)
        y += page.px(rng.uniform(30, 36))
    if rng.random() < 0.25:
        page_number_circle(page, rng.randint(1, 9))


def doc_invoice(page):
    rng = page.rng
    L, R = page.px(20), page.w - page.px(20)
    if rng.random() < 0.45:
        red_logo(page, L, page.px(12))
    if rng.random() < 0.45:
        red_title(page, page.w / 2, page.px(40), rng.choice(["請求書", "御請求書", "見積書", "納品書", "INVOICE"]), rng.uniform(22, 30))
    else:
        page.text(page.w / 2 - page.px(15), page.px(40), rng.choice(["請求書", "御見積書", "納品書"]), 22)
    to = rng.choice(COMPANIES)
    page.text(L, page.px(62), f"{to}株式会社　御中", 13)
    x = page.w * 0.58
    issuer = rng.choice(COMPANIES)
    page.text(x, page.px(62), f"{issuer}株式会社", 12)
    page.text(x, page.px(69), f"〒{rng.randint(100, 999)}-{rng.randint(1000, 9999)} 東京都港区芝公園{rng.randint(1, 4)}-{rng.randint(1, 9)}", 9.5)
    page.text(x, page.px(75), f"TEL 03-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}", 9.5, font=LATIN_SERIF)
    if rng.random() < 0.75:
        nm = random_name(rng)
        nm["company"] = issuer
        stamp_seal(page, x + page.px(rng.uniform(38, 62)), page.px(rng.uniform(64, 76)), "square", "company",
                   rng.uniform(21, 30), nm)
    y = page.px(95)
    page.text(L, y, f"ご請求金額　¥{rng.randint(10, 999)},{rng.randint(100, 999)}-", 14)
    y += page.px(14)
    red_rules = rng.random() < 0.35
    col = rng.choice(RED_PRINT) if red_rules else (30, 30, 30)
    wpx = max(1, page.px(rng.uniform(0.15, 0.35)))
    rh = page.px(8)
    n = rng.randint(5, 12)
    xs = table(page, L, y, [page.px(90), page.px(20), page.px(30), R - L - page.px(140)], n, rh, col, wpx)
    if red_rules:
        neg(page, "red_rule", [L, y, xs[-1] + wpx, y + n * rh + wpx])
    for r in range(1, n):
        yy = y + r * rh + page.px(1.8)
        page.text(xs[0] + page.px(2), yy, rng.choice(ITEMS), 10)
        page.text(xs[1] + page.px(2), yy, str(rng.randint(1, 20)), 10, font=LATIN_SERIF)
        page.text(xs[3] + page.px(2), yy, f"{rng.randint(1, 99)},{rng.randint(100, 999)}", 10, font=LATIN_SERIF)
    y += n * rh + page.px(10)
    page.text(L, y, "お振込先：" + rng.choice(["みずほ銀行", "三井住友銀行", "りそな銀行"]) + f"　普通 {rng.randint(1000000, 9999999)}", 10)
    if rng.random() < 0.3:
        text_stamp(page, page.w * rng.uniform(0.3, 0.7), y + page.px(rng.uniform(20, 40)))
    if rng.random() < 0.2:
        red_pen_mark(page, page.px(rng.uniform(30, 150)), y + page.px(rng.uniform(50, 80)))


def doc_ringi(page):
    """稟議書: an approval row of boxes with personal seals and date seals."""
    rng = page.rng
    L, R = page.px(20), page.w - page.px(20)
    page.text(L, page.px(20), "稟議書", 22)
    red_form = rng.random() < 0.3
    col = rng.choice(RED_PRINT) if red_form else (30, 30, 30)
    wpx = max(1, page.px(rng.uniform(0.15, 0.3)))
    nbox = rng.randint(4, 6)
    bw = page.px(rng.uniform(18, 22))
    head = page.px(6)
    x0 = R - nbox * bw
    y0 = page.px(18)
    dr = page.draw
    dr.rectangle([x0, y0, R, y0 + head + bw], outline=col, width=wpx)
    dr.line([(x0, y0 + head), (R, y0 + head)], fill=col, width=wpx)
    for i in range(1, nbox):
        dr.line([(x0 + i * bw, y0), (x0 + i * bw, y0 + head + bw)], fill=col, width=wpx)
    if red_form:
        neg(page, "red_form", [x0, y0, R + wpx, y0 + head + bw + wpx])
    roles = ROLES[-nbox:]
    for i, role in enumerate(roles):
        f = FONTS.get(page.jfont, page.pt(8.5))
        page.text(x0 + i * bw + bw / 2 - f.getlength(role) / 2, y0 + page.px(1), role, 8.5,
                  fill=(20, 20, 20))
        if rng.random() < 0.75:
            cx = x0 + i * bw + bw / 2 + page.px(rng.uniform(-2, 2))
            cy = y0 + head + bw / 2 + page.px(rng.uniform(-2, 2))
            r = rng.random()
            if r < 0.2:
                stamp_seal(page, cx, cy, "round", "date", rng.uniform(15, 17.5))
            elif r < 0.45:
                stamp_seal(page, cx, cy, "oval", "personal", rng.uniform(13, 16))
            else:
                stamp_seal(page, cx, cy, "round", "personal", rng.uniform(9.5, 13.5))
    y = page.px(55)
    for label in ["件名", "起案者", "起案日", "金額"]:
        page.text(L, y, f"{label}：{rng.choice(MEMO_LINES)[:rng.randint(8, 20)]}", 10.5)
        y += page.px(8)
    y += page.px(4)
    for s in rng.sample(MEMO_LINES + CLAUSES, 6):
        y = page.paragraph(L, y, R - L, s, 10.5)
    if rng.random() < 0.3:
        red_pen_mark(page, page.px(rng.uniform(30, 150)), y + page.px(10))
    if rng.random() < 0.2:
        text_stamp(page, page.w * 0.3, y + page.px(30))


def doc_form(page):
    """申込書 on a dropout-red form, typed in black, with a 印 guide circle."""
    rng = page.rng
    L, R = page.px(20), page.w - page.px(20)
    col = rng.choice(RED_PRINT)
    wpx = max(1, page.px(rng.uniform(0.15, 0.3)))
    f = FONTS.get(page.jfont, page.pt(18))
    page.draw.text((page.w / 2 - page.px(25), page.px(20)), "口座振替依頼書", font=f, fill=col)
    neg(page, "red_form", page.draw.textbbox((page.w / 2 - page.px(25), page.px(20)), "口座振替依頼書", font=f))
    y = page.px(40)
    rh = page.px(12)
    n = rng.randint(5, 9)
    xs = table(page, L, y, [page.px(40), R - L - page.px(40)], n, rh, col, wpx)
    neg(page, "red_form", [L, y, xs[-1] + wpx, y + n * rh + wpx])
    fl = FONTS.get(page.jfont, page.pt(9))
    labels = ["お名前", "ご住所", "電話番号", "金融機関", "支店名", "口座番号", "フリガナ", "生年月日", "備考"]
    seal_row = rng.randrange(n)
    for r in range(n):
        page.draw.text((L + page.px(2), y + r * rh + page.px(3)), labels[r], font=fl, fill=col)
        if r == seal_row:
            # The printed 印 guide circle (dropout red), maybe with the seal on it.
            gx, gy = R - page.px(15), y + r * rh + rh / 2
            gd = page.px(rng.uniform(9, 11))
            page.draw.ellipse([gx - gd / 2, gy - gd / 2, gx + gd / 2, gy + gd / 2], outline=col, width=wpx)
            page.draw.text((gx, gy), "印", font=FONTS.get(page.jfont, gd * 0.45), fill=col, anchor="mm")
            neg(page, "red_form", [gx - gd / 2, gy - gd / 2, gx + gd / 2 + 1, gy + gd / 2 + 1])
            nm = random_name(rng)
            page.text(xs[1] + page.px(3), y + r * rh + page.px(3), nm["surname"] + "　" + rng.choice(GIVEN), 11)
            if rng.random() < 0.75:
                stamp_seal(page, gx + page.px(rng.uniform(-2, 2)), gy + page.px(rng.uniform(-2, 2)),
                           "round" if rng.random() < 0.75 else "oval", "personal", rng.uniform(10, 13), nm)
        else:
            page.text(xs[1] + page.px(3), y + r * rh + page.px(3), rng.choice(ITEMS + MEMO_LINES)[:rng.randint(6, 25)], 11)
    # postal-code boxes
    py = y + n * rh + page.px(10)
    bx = page.px(6)
    for i in range(7):
        page.draw.rectangle([L + i * bx, py, L + (i + 1) * bx, py + bx], outline=col, width=wpx)
    neg(page, "red_form", [L, py, L + 7 * bx + wpx, py + bx + wpx])
    yy = py + page.px(16)
    for s in rng.sample(MEMO_LINES, 3):
        yy = page.paragraph(L, yy, R - L, s, 9)


def doc_letter(page):
    rng = page.rng
    L, R = page.px(25), page.w - page.px(25)
    if rng.random() < 0.7:
        red_logo(page, L, page.px(12))
    y = page.px(45)
    page.text(L, y, f"{rng.choice(['April', 'May', 'June'])} {rng.randint(1, 28)}, 2025", 11, font=LATIN_SERIF)
    y += page.px(12)
    page.text(L, y, "Dear Mr. " + rng.choice(["Smith", "Tanaka", "Brown", "Suzuki"]) + ",", 11, font=LATIN_SERIF)
    y += page.px(10)
    for _ in range(rng.randint(2, 4)):
        y = page.paragraph(L, y, R - L, " ".join(rng.sample(ENGLISH, 3)), 11, font=LATIN_SERIF, leading=1.5)
        y += page.px(4)
    if rng.random() < 0.4:
        y = bullets(page, L, y, rng.randint(2, 4), 10.5) + page.px(4)
    page.text(L, y, "Yours sincerely,", 11, font=LATIN_SERIF)
    signature(page, L, y + page.px(14))
    bb = page.text(L, y + page.px(24), rng.choice(["Hiroshi Sato", "Emily Clark", "Kenji Mori"]), 11, font=LATIN_SERIF)
    if rng.random() < 0.12:
        stamp_seal(page, bb[2] + page.px(15), bb[1], "round", "personal", rng.uniform(10.5, 15))
    if rng.random() < 0.3:
        page_number_circle(page, rng.randint(1, 9))


def doc_memo(page):
    rng = page.rng
    L, R = page.px(22), page.w - page.px(22)
    if rng.random() < 0.3:
        red_title(page, page.w / 2, page.px(18), rng.choice(["重要", "至急", "社内連絡", "議事録"]), rng.uniform(18, 30))
    else:
        page.text(L, page.px(18), rng.choice(["社内連絡", "議事録", "お知らせ"]), 18)
    y = page.px(38)
    for s in rng.sample(MEMO_LINES, 4):
        y = page.paragraph(L, y, R - L, s, 10.5)
    if rng.random() < 0.5:
        y = bullets(page, L, y + page.px(4), rng.randint(3, 5), 10.5)
    for s in rng.sample(CLAUSES, 3):
        y = page.paragraph(L, y + page.px(2), R - L, s, 10.5)
    for _ in range(rng.randint(0, 3)):
        red_pen_mark(page, page.px(rng.uniform(25, 160)), page.px(rng.uniform(40, 250)))
    if rng.random() < 0.45:
        # A circle around the first words of some line.
        lb = page.lines[rng.randint(1, len(page.lines) - 1)]["bbox"]
        red_circle(page, [lb[0], lb[1], min(lb[2], lb[0] + page.px(rng.uniform(8, 30))), lb[3]])
    if rng.random() < 0.4:
        text_stamp(page, page.w * rng.uniform(0.6, 0.8), page.px(rng.uniform(15, 30)))
    if rng.random() < 0.25:
        y0 = y + page.px(8)
        page.draw.line([(L, y0), (R, y0)], fill=rng.choice(RED_PRINT), width=max(2, page.px(0.5)))
        neg(page, "red_rule", [L, y0 - page.px(0.5), R, y0 + page.px(0.5)])
    if rng.random() < 0.4:
        page_number_circle(page, rng.randint(1, 9))


DOCS = [(doc_contract, 0.26), (doc_invoice, 0.2), (doc_ringi, 0.16), (doc_form, 0.1),
        (doc_letter, 0.14), (doc_memo, 0.14)]


def doc_logo_stress(page):
    """For tuning only (--logo-stress): an invoice with three more red logos
    at its foot, so that printed ring logos in every scan mode are many."""
    doc_invoice(page)
    for k in range(3):
        red_logo(page, page.px(20 + 62 * k), page.h - page.px(38))


# ---------------------------------------------------------------- scanning

def render(page, nrng):
    """Composes print + stamp inks on paper, then simulates the scanner."""
    rng = page.rng
    a = np.asarray(page.img, dtype=np.float32) / 255.0
    for (x, y, al, col) in page.overlays:
        h, w = al.shape
        xa, ya = max(0, x), max(0, y)
        xb, yb = min(page.w, x + w), min(page.h, y + h)
        if xb <= xa or yb <= ya:
            continue
        sub = al[ya - y:yb - y, xa - x:xb - x][..., None]
        ink = np.array(col, dtype=np.float32)[None, None, :] / 255.0
        a[ya:yb, xa:xb] *= (1 - sub) + sub * ink
    paper = np.array([rng.uniform(0.93, 1.0), 0, 0], dtype=np.float32)
    yellow = rng.uniform(0.0, 0.12) if rng.random() < 0.5 else rng.uniform(0, 0.03)
    paper[1] = paper[0] * (1 - yellow * 0.35)
    paper[2] = paper[0] * (1 - yellow)
    a *= paper[None, None, :]
    im = Image.fromarray(np.clip(a * 255, 0, 255).astype(np.uint8))
    page.paper, page.blur = paper, rng.uniform(0.5, 1.0) * page.dpi / 300  # for seal_visibility
    im = im.filter(ImageFilter.GaussianBlur(page.blur))
    a = np.asarray(im, dtype=np.float32)
    a += nrng.standard_normal(a.shape[:2], dtype=np.float32)[..., None] * rng.uniform(2, 6)
    return np.clip(a, 0, 255).astype(np.uint8)


def save_page(arr, mode, path_base, rng, dpi):
    """Stores the page; returns (file, fallback, binarize), binarize being
    "threshold:T" (ink where gray <= T), "dither" or None."""
    im = Image.fromarray(arr)
    binarize = None
    as_pdf = rng.random() < 0.06
    if mode == "color":
        ext = "jpg" if rng.random() < 0.6 else "png"
    elif mode == "gray":
        im = im.convert("L")
        g = np.asarray(im, dtype=np.float32)
        gamma = rng.uniform(0.85, 1.2)
        g = 255 * (g / 255) ** gamma
        im = Image.fromarray(np.clip(g, 0, 255).astype(np.uint8))
        ext = "jpg" if rng.random() < 0.5 else "png"
    else:
        g = im.convert("L")
        if rng.random() < 0.3:
            im = g.convert("1")  # Floyd–Steinberg dither, as some scanners do
            binarize = "dither"
        else:
            thr = rng.randint(130, 175)
            im = g.point(lambda v: 255 if v > thr else 0).convert("1", dither=Image.NONE)
            binarize = f"threshold:{thr}"
        ext = "tif" if rng.random() < 0.7 else "png"
    files = []
    if ext == "jpg":
        im.save(path_base + ".jpg", quality=rng.randint(72, 92), dpi=(dpi, dpi))
    elif ext == "tif":
        im.save(path_base + ".tif", compression="group4", dpi=(dpi, dpi))
    else:
        im.save(path_base + ".png", dpi=(dpi, dpi))
    files.append(os.path.basename(path_base) + "." + ext)
    if as_pdf:
        im.save(path_base + ".pdf", resolution=dpi)
        return os.path.basename(path_base) + ".pdf", files[0], binarize
    return files[0], None, binarize


def seal_visibility(page, seal, binarize):
    """The seal's "visible" (module docstring). Draws no random numbers, so
    the images stay the same for a seed."""
    if binarize is None:
        return 1.0
    a, clear, color = seal["_ink"]
    pad = 4
    a = np.pad(a, pad)[..., None]
    ink = np.array(color, dtype=np.float32) / 255.0
    rgb = ((1 - a) + a * ink[None, None, :]) * page.paper[None, None, :]
    im = Image.fromarray(np.clip(rgb * 255, 0, 255).astype(np.uint8))
    im = im.filter(ImageFilter.GaussianBlur(page.blur)).convert("L")
    g = np.asarray(im, dtype=np.float32)[pad:-pad, pad:-pad]
    if binarize == "dither":
        black = 1 - g / 255 > 0.35
    else:
        black = g <= int(binarize.split(":")[1])
    design = clear > 0.5
    return round(float(black[design].mean()), 3) if design.any() else 0.0


def overlap(a, b):
    ix = min(a[2], b[2]) - max(a[0], b[0])
    iy = min(a[3], b[3]) - max(a[1], b[1])
    return max(0, ix) * max(0, iy)


def make_page(seed, i, out):
    rng = random.Random(seed * 1_000_003 + i)
    nrng = np.random.default_rng(seed * 1_000_003 + i)
    dpi = 300 if rng.random() < 0.8 else 200
    page = Page(rng, dpi)
    page.nrng = nrng
    r = rng.random()
    acc = 0
    for fn, p in DOCS:
        acc += p
        if r < acc:
            break
    fn(page)
    mode = rng.choices(["color", "gray", "bilevel"], weights=[0.5, 0.25, 0.25])[0]
    arr = render(page, nrng)
    base = os.path.join(out, f"p{i:04d}")
    f, fb, binarize = save_page(arr, mode, base, rng, dpi)
    lines = []
    for ln in page.lines:
        lh = ln["bbox"][3] - ln["bbox"][1]
        under = any(overlap(ln["bbox"], s["bbox"]) > 0.5 * lh * lh for s in page.seals)
        lines.append({"text": ln["text"], "bbox": ln["bbox"], "under_seal": bool(under)})
    clip = lambda b: [max(0, min(page.w, int(b[0]))), max(0, min(page.h, int(b[1]))),
                      max(0, min(page.w, int(b[2]))), max(0, min(page.h, int(b[3])))]
    seals = []
    for s in page.seals:
        vis = seal_visibility(page, s, binarize)
        seals.append({k: v for k, v in s.items() if not k.startswith("_")} | {"bbox": clip(s["bbox"]), "visible": vis})
    return {"file": f, "fallback": fb, "doc": f"p{i:04d}", "kind": fn.__name__[4:], "mode": mode,
            "binarize": binarize, "dpi": dpi, "width": page.w, "height": page.h,
            "seals": seals,
            "negatives": [dict(n, bbox=clip(n["bbox"])) for n in page.negs],
            "lines": lines}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--pages", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--start", type=int, default=0, help="first page index (to extend a corpus)")
    ap.add_argument("--logo-stress", action="store_true",
                    help="every page an invoice with four red logos (a tuning set for the logo rules)")
    args = ap.parse_args()
    if args.logo_stress:
        DOCS[:] = [(doc_logo_stress, 1.0)]
    os.makedirs(args.out, exist_ok=True)
    mode = "a" if args.start else "w"
    with open(os.path.join(args.out, "truth.jsonl"), mode, encoding="utf-8") as tf:
        for i in range(args.start, args.start + args.pages):
            rec = make_page(args.seed, i, args.out)
            tf.write(json.dumps(rec, ensure_ascii=False) + "\n")
            tf.flush()


if __name__ == "__main__":
    main()
