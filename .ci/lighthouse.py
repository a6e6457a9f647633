#!/usr/bin/env python3
"""Lighthouse (mobile) on the given pages of a served site; fails below 98.

    python3 .ci/lighthouse.py LIGHTHOUSE_BIN BASE_URL PAGE...

Each page is audited once in Debian's Chromium. A page with a category under
98 is audited twice more and judged by the median of the three runs, since
the performance score moves a point or two with the machine's load.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

MIN = 98
FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"


def audit(lighthouse, url):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        subprocess.run(
            [lighthouse, url, "--quiet", "--output=json", "--output-path=" + out,
             "--chrome-flags=" + FLAGS],
            check=True,
            env=dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium")),
        )
        with open(out) as f:
            report = json.load(f)
    scores = {}
    for name, cat in report["categories"].items():
        if cat["score"] is None:
            sys.exit(f"lighthouse: {url}: no {name} score (did the page load?)")
        scores[name] = round(cat["score"] * 100)
    return scores


def main(lighthouse, base, pages):
    failed = []
    for page in pages:
        url = base.rstrip("/") + page
        runs = [audit(lighthouse, url)]
        if min(runs[0].values()) < MIN:
            runs += [audit(lighthouse, url), audit(lighthouse, url)]
        scores = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        shown = " ".join(f"{k} {v:g}" for k, v in scores.items())
        print(f"{page}: {shown}" + (f" (median of {len(runs)} runs)" if len(runs) > 1 else ""))
        low = [k for k, v in scores.items() if v < MIN]
        if low:
            failed.append(f"{page}: {', '.join(low)} below {MIN}")
    if failed:
        sys.exit("lighthouse: " + "; ".join(failed))
    print(f"Lighthouse: {len(pages)} pages, every category {MIN} or more")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
