"""What the Python benchmarks share: torchvision's Resize(int) and CenterCrop on PIL images,
re-implemented (Debian ships no python3-torchvision) as the reference preprocessing they time,
and the machine line every benchmark report starts with."""

import os

from PIL import Image


def tv_resize(img, size, resample=Image.BILINEAR):
    """transforms.Resize(size): the shorter side becomes `size`, the aspect ratio is kept."""
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    if short == size:
        return img
    new_short, new_long = size, int(size * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    return img.resize((new_w, new_h), resample)


def tv_center_crop(img, size):
    """transforms.CenterCrop(size), rounding the offsets as torchvision does."""
    w, h = img.size
    top = int(round((h - size) / 2.0))
    left = int(round((w - size) / 2.0))
    return img.crop((left, top, left + size, top + size))


def machine():
    """"nproc N, <CPU model>, X.X GiB RAM", read from /proc."""
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return f"nproc {os.cpu_count()}, {model}, {mem_kb / 2**20:.1f} GiB RAM"
