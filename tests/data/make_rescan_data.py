#!/usr/bin/python3
"""Generates the re-scan fixtures of issue 6 into a directory (not committed).

    /usr/bin/python3 tests/data/make_rescan_data.py --out DIR

Three one-page A4 scans at 200 dpi, rendered with make_test_data.py's
render_page (same fonts, same layout rules):

    original.png   a Japanese service contract, RGB, clean
    rescan.jpg     the same paper scanned again: rotated 0.4°, shifted
                   (9, -6) px, paper tint and sensor noise, JPEG quality 70
    other.png      another contract (a lease) with the same layout: same
                   title size, same number of lines of similar lengths

Deterministic (fixed noise seed). Needs python3-pil and python3-numpy.
"""

import argparse
import os
import sys

import numpy as np
from PIL import Image, ImageChops

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_test_data as m  # noqa: E402

DPI = 200

# The known contract of make_test_data.py, re-scanned.
ORIGINAL = m.JP_CONTRACT

OTHER = [
    "建物賃貸借契約書",
    "有限会社さくら不動産（以下「貸主」という。）と",
    "株式会社ひかり設計（以下「借主」という。）は、",
    "次のとおり建物賃貸借契約を締結する。",
    "第1条（物件）貸主は借主に対し、東京都港区の",
    "事務所用建物の一室を賃貸し、借主はこれを賃借する。",
    "第2条（賃料）借主は毎月末日までに翌月分の賃料を",
    "貸主の指定する銀行口座に振り込む方法で支払う。",
    "第3条（敷金）借主は本契約締結の時に、",
    "賃料の三か月分に相当する敷金を貸主に預け入れる。",
    "令和5年9月15日 物件番号 RT-2023-0588",
]


def page(lines):
    return m.render_page(lines, dpi=DPI, jp_font="mincho", paper=(252, 251, 246), ink=(28, 26, 36))


def rescan(im):
    """The same paper through the scanner again."""
    w, h = im.size
    paper = (246, 244, 236)
    turned = im.rotate(0.4, resample=Image.BICUBIC, fillcolor=paper)
    moved = ImageChops.offset(turned, 9, -6)
    a = np.asarray(moved).astype(np.float32)
    a = a * np.array([0.985, 0.975, 0.96], dtype=np.float32)
    rng = np.random.default_rng(6)
    a += rng.normal(0.0, 6.0, size=a.shape).astype(np.float32)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    original = page(ORIGINAL)
    original.save(os.path.join(out, "original.png"), dpi=(DPI, DPI))
    rescan(original).save(os.path.join(out, "rescan.jpg"), quality=70, dpi=(DPI, DPI))
    page(OTHER).save(os.path.join(out, "other.png"), dpi=(DPI, DPI))


if __name__ == "__main__":
    main()
