"""Upload benchmark (issue 5): a 12-megapixel JPEG with EXIF/GPS through the journal's processing path.

Run from the project root:

    .venv/bin/python bench/journal_upload_bench.py [--runs 5]

Each figure comes from a fresh child process (of a parent that never decodes the photo) so
that peak memory (ru_maxrss, minus the process's size before the work) belongs to that
variant alone. The floor is Pillow opening,
decoding and saving the same file as JPEG in the same run; the pipeline is
`homelearning.journal.processing.process_upload` (content check, bomb check, orientation,
resize to 2000 px, metadata-free re-encode, thumbnail). Not a test: it prints figures for
BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_photo() -> bytes:
    from PIL import Image

    # 4000 x 3000 = 12 MP, with noise so the JPEG is phone-sized rather than trivially small.
    image = Image.effect_noise((4000, 3000), 60).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "PhoneModel X"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def one(variant: str, path: str, runs: int) -> dict[str, float]:
    data = Path(path).read_bytes()
    from PIL import Image

    from homelearning.journal.processing import process_upload

    base_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        if variant == "floor":
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                out = io.BytesIO()
                image.save(out, format="JPEG", quality=85)
        else:
            result = process_upload(data)
            assert b"PhoneMaker" not in result.content
        times.append(time.perf_counter() - start)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"median_s": statistics.median(times), "peak_mb": (peak_kb - base_kb) / 1024, "base_mb": base_kb / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--one", choices=["floor", "pipeline"])
    parser.add_argument("--file")
    parser.add_argument("--make")
    args = parser.parse_args()
    if args.make:
        Path(args.make).write_bytes(make_photo())
        return
    if args.one:
        print(json.dumps(one(args.one, args.file, args.runs)))
        return
    photo = ROOT / "var" / "bench-12mp.jpg"
    photo.parent.mkdir(exist_ok=True)
    # Made in a child process: Linux children inherit the parent's peak RSS, so the parent stays small.
    subprocess.run([sys.executable, __file__, "--make", str(photo)], check=True)  # noqa: S603 - our own script
    print(f"12 MP JPEG with EXIF/GPS: {photo.stat().st_size / 1e6:.1f} MB, {args.runs} runs each")
    figures = {}
    for variant in ("floor", "pipeline"):
        out = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, __file__, "--one", variant, "--file", str(photo), "--runs", str(args.runs)],
            check=True,
            capture_output=True,
            text=True,
        )
        figures[variant] = json.loads(out.stdout)
    for variant, f in figures.items():
        print(
            f"{variant:9} {f['median_s'] * 1000:7.0f} ms per photo, "
            f"peak +{f['peak_mb']:.0f} MB over {f['base_mb']:.0f} MB at start"
        )
    ratio = figures["pipeline"]["median_s"] / figures["floor"]["median_s"]
    print(f"pipeline / floor: {ratio:.2f}x (aim: within 2x, under 150 MB)")


if __name__ == "__main__":
    main()
