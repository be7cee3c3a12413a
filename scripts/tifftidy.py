"""TIFF post-processing shared by the Python data generators
(samples/make_samples.py, tests/data/make_test_data.py)."""

import struct

_TIFF_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}


def tidy_tiff(path, photometric=None):
    """Post-processes a classic TIFF written by Pillow, in place:
    zeroes the bytes that belong to nothing (libtiff leaves its word-alignment
    padding uninitialised, which breaks byte-identical output) and, when
    photometric is given, rewrites PhotometricInterpretation (262) in every IFD."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    bo = {b"II": "<", b"MM": ">"}[bytes(data[:2])]

    def u(fmt, off):
        return struct.unpack_from(bo + fmt, data, off)

    used = [(0, 8)]
    ifd = u("I", 4)[0]
    while ifd:
        n = u("H", ifd)[0]
        used.append((ifd, ifd + 2 + 12 * n + 4))
        entries = {}
        for i in range(n):
            e = ifd + 2 + 12 * i
            tag, typ, count = u("HHI", e)
            size = _TIFF_TYPE_SIZE[typ] * count
            voff = e + 8 if size <= 4 else u("I", e + 8)[0]
            used.append((voff, voff + size))
            if typ in (3, 4):
                entries[tag] = list(u(("H" if typ == 3 else "I") * count, voff))
            if tag == 262 and photometric is not None:
                struct.pack_into(bo + "H", data, e + 8, photometric)
        for off_tag, cnt_tag in ((273, 279), (324, 325)):
            for o, c in zip(entries.get(off_tag, []), entries.get(cnt_tag, [])):
                used.append((o, o + c))
        ifd = u("I", ifd + 2 + 12 * n)[0]
    covered = bytearray(len(data))
    for a, b in used:
        covered[a:b] = b"\x01" * (b - a)
    for i, c in enumerate(covered):
        if not c:
            data[i] = 0
    with open(path, "wb") as f:
        f.write(data)
