"""Decodes QR codes in images with zxing-cpp, the decoder family most phones use.

Usage: python qr.py IMAGE...
Prints JSON: [[{"text", "format", "ec_level", "version"}...] per image].
"""

import json
import sys

import zxingcpp
from PIL import Image

out = []
for path in sys.argv[1:]:
    found = zxingcpp.read_barcodes(Image.open(path).convert("L"))
    out.append([{
        "text": b.text,
        "format": str(b.format),
        "ec_level": b.ec_level,
        "version": int(b.extra.get("Version", 0)),
    } for b in found])
print(json.dumps(out))
