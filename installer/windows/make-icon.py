#!/usr/bin/env python3
"""Draws the DB Helper icon (a database cylinder with an upload arrow on a blue tile) and
writes it as a multi-size .ico (PNG-compressed entries, Vista+) plus a 256 px PNG.

Pure standard library, deterministic output. Usage:
    installer/windows/make-icon.py crates/helper-gui/assets/icon.ico installer/windows/icon-256.png
"""
import struct
import sys
import zlib

BLUE = (30, 90, 168)
WHITE = (255, 255, 255)
GREEN = (46, 160, 67)
SIZES = (16, 24, 32, 48, 64, 256)


def inside_rounded_rect(x, y, x0, y0, x1, y1, r):
    if x < x0 or x > x1 or y < y0 or y > y1:
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def in_ellipse(x, y, cx, cy, rx, ry):
    return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1.0


def shade(x, y):
    """Colour (r, g, b, a) at a point of the unit square [0, 1]^2."""
    if not inside_rounded_rect(x, y, 0.02, 0.02, 0.98, 0.98, 0.18):
        return None
    # Upload arrow (green circle with a white arrow), lower right.
    acx, acy, ar = 0.72, 0.72, 0.22
    d2 = (x - acx) ** 2 + (y - acy) ** 2
    if d2 <= ar * ar:
        if d2 >= (ar - 0.03) ** 2:
            return WHITE
        # arrow: shaft and head pointing up
        if abs(x - acx) <= 0.045 and acy - 0.02 <= y <= acy + 0.13:
            return WHITE
        if acy - 0.14 <= y <= acy and abs(x - acx) <= (y - (acy - 0.14)) * 0.85:
            return WHITE
        return GREEN
    # Database cylinder: three stacked discs, white with blue separator bands.
    cx, rx, ry = 0.42, 0.27, 0.085
    top, bottom = 0.22, 0.72
    if in_ellipse(x, y, cx, top, rx, ry):
        if in_ellipse(x, y, cx, top, rx - 0.035, ry - 0.03):
            return (214, 228, 247)
        return WHITE
    if abs(x - cx) <= rx and top <= y <= bottom or in_ellipse(x, y, cx, bottom, rx, ry):
        for band in (0.38, 0.55):
            if in_ellipse(x, y, cx, band, rx, ry) and not in_ellipse(x, y - 0.035, cx, band, rx, ry):
                return BLUE
        return WHITE
    return BLUE


def render(size, ss=4):
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(ss):
                for sx in range(ss):
                    c = shade((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size)
                    if c is not None:
                        acc[0] += c[0]
                        acc[1] += c[1]
                        acc[2] += c[2]
                        acc[3] += 255
            n = ss * ss
            a = acc[3] // n
            if a:
                k = 255 * n / acc[3]  # un-premultiply
                row += bytes((min(255, round(acc[0] / n * k)), min(255, round(acc[1] / n * k)),
                              min(255, round(acc[2] / n * k)), a))
            else:
                row += b"\0\0\0\0"
        rows.append(bytes(row))
    return rows


def png(size, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main(ico_path, png_path=None):
    images = [(s, png(s, render(s))) for s in SIZES]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in images:
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset + len(blobs))
        blobs += data
    with open(ico_path, "wb") as f:
        f.write(header + entries + blobs)
    if png_path:
        with open(png_path, "wb") as f:
            f.write(images[-1][1])


if __name__ == "__main__":
    main(*sys.argv[1:3])
