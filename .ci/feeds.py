"""Reads a built site's feeds with feedparser, the reference feed parser that
RSS-to-email tools and readers behave like, and fails on anything a reader
would trip over: a parse error, a relative URL in an entry's HTML, an entry
without its link, date, summary, full content or categories, or a featured
image without its enclosure.

    python3 .ci/feeds.py public/
"""

import re
import sys
from pathlib import Path

import feedparser

RELATIVE = re.compile(r"""\s(?:href|src|srcset|poster)=["'](?!https?://|mailto:|tel:)""")


def check(path: Path) -> list[str]:
    problems = []
    # Without resolving against xml:base: email tools do not, so URLs must be
    # absolute as written.
    feed = feedparser.parse(path.read_bytes(), resolve_relative_uris=False)
    if feed.bozo:
        problems.append(f"{path}: not well-formed: {feed.bozo_exception}")
    if not feed.entries:
        problems.append(f"{path}: no entries")
    for e in feed.entries:
        where = f"{path}: entry {e.get('title', '?')!r}"
        if not e.get("link", "").startswith("http"):
            problems.append(f"{where}: no absolute link")
        if not e.get("published_parsed"):
            problems.append(f"{where}: no publication date")
        if not e.get("summary"):
            problems.append(f"{where}: no summary")
        content = " ".join(c.value for c in e.get("content", []))
        if not content:
            problems.append(f"{where}: no full content")
        for html in (content, e.get("summary", "")):
            m = RELATIVE.search(html)
            if m:
                problems.append(f"{where}: a relative URL: {html[m.start():m.start() + 80]!r}")
        if not e.get("tags"):
            problems.append(f"{where}: no categories")
        for link in e.get("enclosures", []):
            if not link.get("href", "").startswith("http") or not link.get("type", "").startswith("image/"):
                problems.append(f"{where}: a bad enclosure {link}")
    return problems


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "public")
    feeds = sorted(out.glob("atom.xml")) + sorted(out.glob("rss.xml")) + sorted(out.glob("levels/*/*.xml"))
    if len(feeds) < 2:
        print(f"no feeds under {out}", file=sys.stderr)
        return 1
    problems = [p for f in feeds for p in check(f)]
    for p in problems:
        print(p, file=sys.stderr)
    with_image = sum(
        1 for f in feeds for e in feedparser.parse(f.read_bytes()).entries if e.get("enclosures")
    )
    print(f"feedparser: {len(feeds)} feeds read, {with_image} entries with a featured image, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
