#!/usr/bin/python3
"""Writes dense Japanese A4 pages for the OCR throughput benchmark.

    /usr/bin/python3 scripts/make_bench_pages.py --out DIR [--pages 12] [--seed 1]
        [--mode L|RGB] [--text FILE]

Each page is an A4 300 dpi PNG (page_01.png, page_02.png, ...; nothing else is
written into DIR) with a title and about 40 lines of contract-like Japanese
text at 11 pt (IPA Mincho, article headings in IPA Gothic), different on every
page.  --text FILE also writes {"page_01.png": [line, ...], ...}, the exact
lines drawn, for measuring accuracy alongside speed.

Needs only Debian's python3-pil and fonts-ipafont.  Deterministic for a given
--seed (byte-identical output with the same Pillow version).
"""

import argparse
import json
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFont

DPI = 300
A4_MM = (210, 297)
FONTS = {
    "mincho": ["/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf",
               "/usr/share/fonts/truetype/fonts-japanese-mincho.ttf"],
    "gothic": ["/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
               "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"],
}

# Slots filled per sentence: {A}/{B} the two parties, {n} small numbers,
# {d} days, {m} months, {y} years, {amt} an amount, {obj} the work, {info} the
# protected information, {court} a court.
PARTIES = [("甲", "乙"), ("委託者", "受託者"), ("発注者", "受注者")]
OBJS = ["本件業務", "本業務", "委託業務", "本件作業", "保守業務", "開発業務", "運用業務"]
INFOS = ["秘密情報", "営業秘密", "技術情報", "顧客情報", "個人情報"]
COURTS = ["東京地方裁判所", "大阪地方裁判所", "名古屋地方裁判所", "横浜地方裁判所", "福岡地方裁判所", "札幌地方裁判所"]

ARTICLES = [
    ("目的", [
        "{A}は、{B}に対し、{obj}を委託し、{B}はこれを受託する。",
        "{B}は、本契約の定めに従い、善良な管理者の注意をもって{obj}を遂行するものとする。",
        "{obj}の詳細は、別紙仕様書に定めるとおりとする。",
    ]),
    ("定義", [
        "本契約において「成果物」とは、{obj}の遂行により作成された文書、データ、プログラムその他一切の物をいう。",
        "本契約において「{info}」とは、相手方から開示された技術上又は営業上の情報であって、開示の際に秘密である旨が明示されたものをいう。",
    ]),
    ("委託料", [
        "{A}は、{B}に対し、{obj}の対価として、月額金{amt}円（消費税及び地方消費税を含む。）を支払う。",
        "{B}は、毎月末日に当月分の委託料を締め、翌月{n}日までに{A}に請求書を発行する。",
        "{A}は、請求書を受領した日から{d}日以内に、{B}の指定する銀行口座に振り込む方法により支払う。",
        "振込手数料は{A}の負担とする。",
    ]),
    ("支払遅延", [
        "{A}が委託料の支払を遅延したときは、支払期日の翌日から支払済みまで年{n}パーセントの割合による遅延損害金を支払う。",
    ]),
    ("再委託", [
        "{B}は、{A}の書面による事前の承諾を得ないで、{obj}の全部又は一部を第三者に再委託してはならない。",
        "{B}が第三者に再委託する場合、{B}は当該第三者に本契約と同等の義務を負わせ、その行為について一切の責任を負う。",
    ]),
    ("報告", [
        "{B}は、{A}の求めがあったときは、{obj}の進捗状況について、速やかに書面により報告しなければならない。",
        "{B}は、毎月末日までに、当月の作業実績を記載した報告書を{A}に提出する。",
    ]),
    ("秘密保持", [
        "{A}及び{B}は、本契約の遂行により知り得た相手方の{info}を秘密として保持し、第三者に開示又は漏えいしてはならない。",
        "前項の規定は、公知の情報、開示を受けた時点で既に保有していた情報及び正当な権限を有する第三者から適法に取得した情報には適用しない。",
        "本条の義務は、本契約の終了後も{y}年間存続する。",
    ]),
    ("個人情報の取扱い", [
        "{B}は、{obj}に関して取り扱う個人情報について、個人情報の保護に関する法律その他の関係法令を遵守する。",
        "{B}は、個人情報の漏えい、滅失又は毀損の防止その他の安全管理のために必要かつ適切な措置を講じなければならない。",
        "{B}は、個人情報の漏えい等の事故が発生したときは、直ちに{A}に報告し、その指示に従うものとする。",
    ]),
    ("検収", [
        "{A}は、成果物の納入を受けた日から{d}日以内に検査を行い、合格したときは検収書を{B}に交付する。",
        "検査に合格しなかったときは、{B}は、{A}の指定する期限までに無償で修補し、再度検査を受けるものとする。",
    ]),
    ("契約不適合責任", [
        "検収後{m}か月以内に成果物が本契約の内容に適合しないことが発見されたときは、{A}は{B}に対し、履行の追完又は代金の減額を請求することができる。",
        "前項の規定は、当該不適合が{A}の提供した資料又は指示に起因する場合には適用しない。",
    ]),
    ("知的財産権", [
        "成果物に関する著作権（著作権法第27条及び第28条に定める権利を含む。）は、委託料の支払完了をもって{B}から{A}に移転する。",
        "{B}は、{A}及び{A}の指定する者に対し、著作者人格権を行使しないものとする。",
        "{B}が従前から保有する知的財産権は、{B}に留保される。",
    ]),
    ("損害賠償", [
        "{A}又は{B}は、本契約に違反して相手方に損害を与えたときは、その損害を賠償する責任を負う。",
        "前項の賠償額は、損害発生の直前{m}か月間に支払われた委託料の総額を上限とする。ただし、故意又は重大な過失による場合はこの限りでない。",
    ]),
    ("不可抗力", [
        "天災地変、戦争、暴動、法令の改廃、感染症の流行その他当事者の責めに帰すことのできない事由により本契約の履行が遅延し、又は不能となったときは、いずれの当事者もその責任を負わない。",
    ]),
    ("権利義務の譲渡禁止", [
        "{A}及び{B}は、相手方の書面による事前の承諾を得ないで、本契約上の地位又は本契約に基づく権利義務の全部又は一部を第三者に譲渡し、承継させ、又は担保に供してはならない。",
    ]),
    ("契約の解除", [
        "{A}又は{B}は、相手方が次の各号のいずれかに該当したときは、何らの催告を要せず、直ちに本契約の全部又は一部を解除することができる。",
        "(1) 本契約に違反し、相当の期間を定めて催告したにもかかわらず是正されないとき",
        "(2) 支払停止若しくは支払不能の状態に陥ったとき、又は手形若しくは小切手が不渡りとなったとき",
        "(3) 差押え、仮差押え、仮処分又は競売の申立てを受けたとき",
        "(4) 破産手続開始、民事再生手続開始又は会社更生手続開始の申立てを受け、又は自ら申し立てたとき",
    ]),
    ("反社会的勢力の排除", [
        "{A}及び{B}は、自己又は自己の役員が、暴力団、暴力団員、暴力団関係企業その他の反社会的勢力に該当しないことを表明し、将来にわたっても該当しないことを確約する。",
        "{A}又は{B}は、相手方が前項に違反したときは、何らの催告を要せず、直ちに本契約を解除することができる。",
    ]),
    ("有効期間", [
        "本契約の有効期間は、令和{n}年4月1日から{y}年間とする。",
        "期間満了の{m}か月前までにいずれの当事者からも書面による別段の申出がないときは、同一条件でさらに1年間更新されるものとし、以後も同様とする。",
    ]),
    ("中途解約", [
        "{A}は、{m}か月前までに書面で{B}に通知することにより、本契約を中途で解約することができる。",
        "前項の場合、{A}は、解約の日までに{B}が遂行した業務に相当する委託料を支払う。",
    ]),
    ("立入検査", [
        "{A}は、必要があると認めるときは、{B}の事業所に立ち入り、{obj}の実施状況及び{info}の管理状況を検査することができる。",
        "{B}は、正当な理由がない限り、前項の検査を拒んではならない。",
    ]),
    ("通知", [
        "本契約に基づく通知は、書面により、相手方の本店所在地又は相手方が別途指定する宛先に送付して行う。",
        "当事者は、商号、所在地、代表者その他の届出事項に変更があったときは、速やかに相手方に通知する。",
    ]),
    ("存続条項", [
        "本契約が終了した場合であっても、秘密保持、知的財産権、損害賠償、合意管轄の各条の規定は、なお有効に存続する。",
    ]),
    ("協議事項", [
        "本契約に定めのない事項又は本契約の解釈について疑義が生じた事項については、{A}及び{B}が誠意をもって協議の上、解決する。",
    ]),
    ("合意管轄", [
        "本契約に関する一切の紛争については、{court}を第一審の専属的合意管轄裁判所とする。",
    ]),
]

TITLES = ["業務委託基本契約書", "システム保守契約書", "文書電子化業務委託契約書", "ソフトウェア開発委託契約書",
          "業務委託契約書", "秘密保持契約書", "物品売買基本契約書", "運用支援業務委託契約書"]

NO_LINE_START = set("、。，．）」』】〕・：；！？ぁぃぅぇぉっゃゅょァィゥェォッャュョー々")

_fonts = {}


def font(name, pt):
    key = (name, pt)
    if key not in _fonts:
        for p in FONTS[name]:
            if os.path.exists(p):
                _fonts[key] = ImageFont.truetype(p, round(pt * DPI / 72))
                break
        else:
            sys.exit(f"make_bench_pages.py: no {name} font ({', '.join(FONTS[name])}); apt-get install fonts-ipafont")
    return _fonts[key]


def wrap(text, fnt, width):
    """Greedy line breaking by character; ASCII runs stay whole; closing
    punctuation never starts a line."""
    toks, cur = [], ""
    for c in text:
        if ord(c) < 128 and not c.isspace():
            cur += c
            continue
        if cur:
            toks.append(cur)
            cur = ""
        toks.append(c)
    if cur:
        toks.append(cur)
    lines, line = [], ""
    for t in toks:
        if fnt.getlength(line + t) <= width or not line or t in NO_LINE_START:
            line += t
        else:
            lines.append(line.rstrip())
            line = t.lstrip()
    if line.strip():
        lines.append(line.rstrip())
    return lines


def fill(s, rng, parties):
    return s.format(
        A=parties[0], B=parties[1], n=rng.randint(2, 15), d=rng.choice((7, 10, 14, 20, 30)),
        m=rng.choice((1, 2, 3, 6, 12)), y=rng.randint(1, 5),
        amt=f"{rng.randrange(100_000, 2_000_000, 1_000):,}",
        obj=rng.choice(OBJS), info=rng.choice(INFOS), court=rng.choice(COURTS))


def make_page(idx, rng, mode):
    w = round(A4_MM[0] / 25.4 * DPI)
    h = round(A4_MM[1] / 25.4 * DPI)
    paper = (250, 249, 246) if mode == "RGB" else (250, 250, 250)
    ink = (30, 30, 34) if mode == "RGB" else (30, 30, 30)
    im = Image.new("RGB", (w, h), paper)
    d = ImageDraw.Draw(im)
    body = font("mincho", 11)
    head = font("gothic", 11)
    pitch = round(body.size * 1.55)
    left = round(25 / 25.4 * DPI)
    width = w - 2 * left
    bottom = h - round(22 / 25.4 * DPI)
    y = round(22 / 25.4 * DPI)
    drawn = []
    parties = rng.choice(PARTIES)

    title = rng.choice(TITLES)
    tf = font("gothic", 16)
    d.text(((w - tf.getlength(title)) / 2, y), title, font=tf, fill=ink)
    drawn.append(title)
    y += round(tf.size * 2.0)

    arts = ARTICLES[:]
    rng.shuffle(arts)
    art_no = rng.randint(1, 20)
    ai = 0
    while True:
        heading, sentences = arts[ai % len(arts)]
        ai += 1
        hline = f"第{art_no}条（{heading}）"
        picked = [s for s in sentences if s.startswith("(") or rng.random() < 0.85] or sentences[:1]
        paras = [fill(s, rng, parties) for s in picked]
        lines = [(head, hline, 0)]
        for p in paras:
            ind = 4 if p.startswith("(") else 1
            first = True
            rest = p
            while rest:
                off = round(ind * body.size) if first else (round(2 * body.size) if p.startswith("(") else 0)
                ln = wrap(rest, body, width - off)[0]
                lines.append((body, ln, off))
                rest = rest[len(ln):].lstrip(" ")
                first = False
        # Fill the page to the bottom margin; the last article breaks off
        # mid-way, as it would continue on the next page.  A heading is not
        # left alone at the bottom.
        if y + pitch * 2 > bottom:
            break
        for f, text, off in lines:
            if y + pitch > bottom:
                break
            d.text((left + off, y), text, font=f, fill=ink)
            drawn.append(text)
            y += pitch
        else:
            art_no += 1
            continue
        break
    d.text((w / 2, h - round(12 / 25.4 * DPI)), f"- {idx} -", font=font("mincho", 9), fill=ink, anchor="ms")
    drawn.append(f"- {idx} -")
    if mode == "L":
        im = im.convert("L")
    return im, drawn


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mode", choices=("L", "RGB"), default="L", help="8-bit gray (default) or RGB")
    ap.add_argument("--text", help="also write the drawn lines as JSON to this file")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    text = {}
    for i in range(1, args.pages + 1):
        rng = random.Random(args.seed * 100_003 + i)
        im, lines = make_page(i, rng, args.mode)
        name = f"page_{i:02d}.png"
        im.save(os.path.join(args.out, name), dpi=(DPI, DPI))
        text[name] = lines
        body_lines = len(lines) - 2
        print(f"{name}: {body_lines} text lines (+ title, page number)")
    if args.text:
        with open(args.text, "w", encoding="utf-8") as f:
            json.dump(text, f, ensure_ascii=False, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
