#!/usr/bin/env python3
"""Pictures benchmark: a site of N articles, each with its own real-size photo.

    python3 bench/pictures.py --photos DIR [--articles 200] [--bin target/release/huddle]
                              [--scratch DIR] [--hugo hugo]

DIR holds photos (JPEG, 3,000 to 6,000 px wide is the point; e.g. the
5120 x 2880 JPEGs of Debian's plasma-workspace-wallpapers, or your own
camera's). They are not copied into the repository. Each article gets one of
them as its featured image and in its body; every copy is made distinct (a
JPEG comment with the article's number), so the cache cannot share work
between articles and every photo is really encoded.

Times, each with peak memory (GNU time, /usr/bin/time):
  first    `huddle build` with an empty .huddle/cache/ (every photo encoded)
  warm     the same build again (every variant from the cache)
  off      `[images] enabled = false` (sizes only), cache untouched
  bare     images off and `share_cards = false` too
warm, off and bare each into their own output folder, in turn, --repeat
times (default 15), and the median of each is shown: a build of a few tens
of milliseconds varies by more than the difference being measured.
and the first build's encoding cost per megapixel of source photo.
With --hugo, the same photos through Hugo's image processing (a page bundle
per article, resized to the same widths as WebP), cold and warm.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time


def jpeg_size(data):
    """(width, height) from a JPEG's SOF marker."""
    i = 2
    while i < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            h = int.from_bytes(data[i + 5:i + 7], "big")
            w = int.from_bytes(data[i + 7:i + 9], "big")
            return w, h
        i += 2 + length
    raise ValueError("no SOF marker")


def distinct(data, n):
    """The JPEG with a comment segment naming `n` right after SOI."""
    text = ("huddle bench photo %d" % n).encode()
    seg = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
    return data[:2] + seg + data[2:]


def run(cmd, cwd=None):
    """Wall seconds, CPU seconds, peak MiB (GNU time) and the last line huddle printed."""
    timed = ["/usr/bin/time", "-f", "BENCHTIME %e %U %S %M"] + cmd
    start = time.perf_counter()
    proc = subprocess.run(timed, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start  # GNU time's %e counts in 10 ms steps
    if proc.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), proc.stderr[-3000:]))
    lines = proc.stderr.strip().splitlines()
    stats = next(l for l in reversed(lines) if l.startswith("BENCHTIME "))
    _, user, sys_, rss = stats.split()[1:]
    others = [l for l in lines if not l.startswith("BENCHTIME ")]
    return elapsed, float(user) + float(sys_), int(rss) / 1024, others[-1:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", required=True)
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--bin", default="target/release/huddle")
    ap.add_argument("--scratch")
    ap.add_argument("--hugo")
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    photos = sorted(
        os.path.join(args.photos, f)
        for f in os.listdir(args.photos)
        if f.lower().endswith((".jpg", ".jpeg"))
    )
    if not photos:
        sys.exit("no JPEG photos in %s" % args.photos)
    scratch = args.scratch or tempfile.mkdtemp(prefix="huddle-pictures-")
    site = os.path.join(scratch, "site")
    shutil.rmtree(site, ignore_errors=True)
    os.makedirs(os.path.join(site, "content", "articles"))
    with open(os.path.join(site, "site.toml"), "w") as f:
        f.write('title = "Pictures bench"\nbase_url = "https://bench.example.org"\n\n[search]\nenabled = false\n')
    megapixels = 0.0
    for n in range(args.articles):
        data = open(photos[n % len(photos)], "rb").read()
        w, h = jpeg_size(data)
        megapixels += w * h / 1e6
        d = os.path.join(site, "content", "articles", "photo-%03d" % n)
        os.makedirs(d)
        open(os.path.join(d, "photo.jpg"), "wb").write(distinct(data, n))
        with open(os.path.join(d, "index.md"), "w") as f:
            f.write(
                "---\ntitle: Photo %d\ndate: 2026-01-%02d\nlevel: pooled\nimage: photo.jpg\n"
                "image_alt: Photo number %d\n---\n\nA few words.\n\n![Photo number %d again](photo.jpg)\n"
                % (n, n % 28 + 1, n, n)
            )
    huddle = os.path.abspath(args.bin)
    cache = os.path.join(site, ".huddle")
    shutil.rmtree(cache, ignore_errors=True)
    toml_path = os.path.join(site, "site.toml")
    toml = open(toml_path).read()
    variants = [
        ("warm (cache)", "", "out"),
        ("images off", "\n[images]\nenabled = false\n", "out-off"),
        ("images, cards off", "\n[images]\nenabled = false\nshare_cards = false\n", "out-bare"),
    ]

    def build(extra, out):
        open(toml_path, "w").write(toml + extra)
        return run([huddle, "build", "--root", site, "--output", os.path.join(scratch, out)])

    first = build("", "out")
    for _, extra, out in variants[1:]:
        build(extra, out)  # their first builds (the cards drawn with images off)
    # Small builds vary from run to run: each variant in turn, the median of each.
    times = {name: [] for name, _, _ in variants}
    for _ in range(args.repeat):
        for name, extra, out in variants:
            times[name].append(build(extra, out))
    open(toml_path, "w").write(toml)
    print("%d articles, %d distinct photos from %d files, %.0f megapixels in all" % (args.articles, args.articles, len(photos), megapixels))
    print("%-30s %9s %9s %10s  %s" % ("build", "wall s", "cpu s", "peak MiB", "status line"))
    rows = [("first (cold cache)", first)]
    for name, _, _ in variants:
        runs = sorted(times[name])
        rows.append(("%s, median of %d" % (name, len(runs)), runs[len(runs) // 2]))
    for name, (wall, cpu, rss, status) in rows:
        print("%-30s %9.3f %9.2f %10.0f  %s" % (name, wall, cpu, rss, status[0] if status else ""))
    print("first build: %.0f ms of CPU per megapixel (%.2f s wall for %.0f MP)" % (first[1] * 1000 / megapixels, first[0], megapixels))
    med = {name: sorted(t[0] for t in times[name])[len(times[name]) // 2] for name in times}
    print("warm vs images off: %+.0f%%; vs images and share cards off: %+.0f%%" % (
        (med["warm (cache)"] / med["images off"] - 1) * 100,
        (med["warm (cache)"] / med["images, cards off"] - 1) * 100))
    if args.hugo:
        hugo_bench(args, photos, scratch, megapixels)


HUGO_LAYOUT = """<!doctype html><html><body>{{ with .Resources.GetMatch "photo.jpg" }}
{{ $a := .Resize "480x webp q80" }}{{ $b := .Resize "960x webp q80" }}{{ $c := .Resize "1600x webp q80" }}
{{ $d := .Resize "480x jpg q80" }}{{ $e := .Resize "960x jpg q80" }}{{ $f := .Resize "1600x jpg q80" }}
<img src="{{ $d.RelPermalink }}" srcset="{{ $d.RelPermalink }} 480w, {{ $e.RelPermalink }} 960w, {{ $f.RelPermalink }} 1600w" width="{{ .Width }}" height="{{ .Height }}" alt="">
<source srcset="{{ $a.RelPermalink }} 480w, {{ $b.RelPermalink }} 960w, {{ $c.RelPermalink }} 1600w">
{{ end }}{{ .Content }}</body></html>
"""


def hugo_bench(args, photos, scratch, megapixels):
    site = os.path.join(scratch, "hugo")
    shutil.rmtree(site, ignore_errors=True)
    os.makedirs(os.path.join(site, "layouts", "_default"))
    open(os.path.join(site, "hugo.toml"), "w").write('baseURL = "https://bench.example.org/"\ntitle = "bench"\n')
    open(os.path.join(site, "layouts", "_default", "single.html"), "w").write(HUGO_LAYOUT)
    open(os.path.join(site, "layouts", "_default", "list.html"), "w").write("<!doctype html><html><body>{{ .Title }}</body></html>")
    for n in range(args.articles):
        d = os.path.join(site, "content", "articles", "photo-%03d" % n)
        os.makedirs(d)
        data = open(photos[n % len(photos)], "rb").read()
        open(os.path.join(d, "photo.jpg"), "wb").write(distinct(data, n))
        open(os.path.join(d, "index.md"), "w").write("---\ntitle: Photo %d\ndate: 2026-01-%02d\n---\n\nA few words.\n" % (n, n % 28 + 1))
    cold = run([args.hugo, "--quiet", "--source", site, "--destination", os.path.join(scratch, "hugo-out")])
    warm = run([args.hugo, "--quiet", "--source", site, "--destination", os.path.join(scratch, "hugo-out")])
    print("%-22s %9.2f %9.2f %10.0f" % ("Hugo, cold", cold[0], cold[1], cold[2]))
    print("%-22s %9.2f %9.2f %10.0f" % ("Hugo, warm", warm[0], warm[1], warm[2]))
    print("Hugo first build: %.0f ms of CPU per megapixel" % (cold[1] * 1000 / megapixels))


if __name__ == "__main__":
    main()
