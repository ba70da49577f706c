#!/usr/bin/env python3
"""Packs the rendered hicolor PNGs (resources/desktop/icons, made by render_icons.sh) into
faultline.ico, the Windows icon used for the MSI (ARPPRODUCTICON, CPACK_WIX_PRODUCT_ICON) and
the Start-menu shortcut. Entries are PNG-compressed (Windows Vista and later read them).
Usage: make_icon.py [OUT.ico]"""
import pathlib
import struct
import sys

here = pathlib.Path(__file__).resolve().parent
icons = here.parent.parent / "resources" / "desktop" / "icons" / "hicolor"
out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else here / "faultline.ico"
sizes = [16, 32, 48, 64, 128, 256]

images = []
for n in sizes:
    data = (icons / f"{n}x{n}" / "apps" / "io.github.faultline.Faultline.png").read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n" or struct.unpack(">II", data[16:24]) != (n, n):
        sys.exit(f"make_icon.py: {n}x{n} icon is not a {n}x{n} PNG")
    images.append((n, data))

header = struct.pack("<HHH", 0, 1, len(images))  # reserved, type 1 = icon, count
offset = len(header) + 16 * len(images)
directory = b""
for n, data in images:
    # width, height (0 = 256), colours in palette, reserved, planes, bits per pixel, size, offset
    directory += struct.pack("<BBBBHHII", n % 256, n % 256, 0, 0, 1, 32, len(data), offset)
    offset += len(data)
out.write_bytes(header + directory + b"".join(d for _, d in images))
print(out)
