#!/usr/bin/env python3
"""Save-to-reload latency of `huddle serve --watch` (standard library only).

    python3 bench/serve_latency.py --site DIR [--edits 20] [--change body|title]
                                    [--bin target/release/huddle]
                                    [--back-to-back | --every MS] [--log FILE]

Starts the server on a free port, listens on its live-reload event stream, then
edits one article EDITS times (a plain write, one every 300 ms or so: a word
added to its body, or with --change title a new title, which every list showing
the article must follow) and for each edit measures:
  event  file written -> the `reload` event naming the page arrives
  html   file written -> the new text is served at the page's URL
  done   file written -> the `built` event: every page the edit affects (lists,
         feeds, related articles) is re-rendered and served
Prints median and worst of each, in milliseconds.

Rapid saves (an editor's autosave, Ctrl-S twice):
  --back-to-back  the next save comes as soon as the last edit's text is
                  served, without waiting for its `built` event
  --every MS      a save every MS milliseconds whatever the server does; each
                  save's html time ends when its text (or a later save's) is
                  served
Both print html (and, for --back-to-back, event) per save; `done` is not
measured, since the next save interrupts it.
"""
import argparse
import http.client
import os
import queue
import re
import statistics
import subprocess
import sys
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", required=True)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--bin", default="target/release/huddle")
    ap.add_argument("--change", choices=["body", "title"], default="body")
    pace = ap.add_mutually_exclusive_group()
    pace.add_argument("--back-to-back", action="store_true")
    pace.add_argument("--every", type=float, metavar="MS")
    ap.add_argument("--log", metavar="FILE", help="write the server's status lines here")
    args = ap.parse_args()

    articles = sorted(os.listdir(os.path.join(args.site, "content", "articles")))
    article = next(a for a in articles if a.endswith(".md") and not a.startswith("_"))
    path = os.path.join(args.site, "content", "articles", article)
    page = "/articles/%s/index.html" % article[:-3]

    server = subprocess.Popen([args.bin, "serve", "--watch", "--port", "0", "--root", args.site],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        started = time.time()
        host = port = None
        for line in server.stdout:
            m = re.search(r"at http://([\d.]+):(\d+)/", line)
            if m:
                host, port = m.group(1), int(m.group(2))
                break
        print("server ready after %.0f ms (initial build)" % ((time.time() - started) * 1000), file=sys.stderr)
        log = open(args.log, "w", encoding="utf-8") if args.log else None

        def drain():
            for line in server.stdout:
                if log:
                    log.write("%.1f %s" % (time.perf_counter() * 1000, line))
                    log.flush()

        threading.Thread(target=drain, daemon=True).start()

        events = queue.Queue()

        def listen():
            conn = http.client.HTTPConnection(host, port)
            conn.request("GET", "/__huddle/events")
            resp = conn.getresponse()
            name = None
            while True:
                line = resp.readline().decode()
                if not line:
                    return
                if line.startswith("event: "):
                    name = line[7:].strip()
                elif line.startswith("data: "):
                    events.put((time.perf_counter(), name, line[6:]))

        threading.Thread(target=listen, daemon=True).start()
        time.sleep(0.5)
        original = open(path, encoding="utf-8").read()

        def save(word):
            with open(path, "w", encoding="utf-8") as f:
                if args.change == "title":
                    f.write(re.sub(r"(?m)^title: .*$", "title: Retitled " + word, original, count=1))
                else:
                    f.write(original + "\n\n" + word + "\n")

        def served_text():
            conn = http.client.HTTPConnection(host, port)
            conn.request("GET", page.replace("index.html", ""))
            return conn.getresponse().read().decode()

        if args.every:
            rapid_every(args, save, served_text, original, path)
            return
        event_ms, html_ms, done_ms = [], [], []
        for i in range(args.edits):
            word = "latencyprobe%d" % i
            t0 = time.perf_counter()
            save(word)
            while True:
                t, name, data = events.get(timeout=30)
                if name == "reload" and page in data:
                    event_ms.append((t - t0) * 1000)
                    break
            while True:
                conn = http.client.HTTPConnection(host, port)
                conn.request("GET", page.replace("index.html", ""))
                body = conn.getresponse().read().decode()
                if word in body:
                    html_ms.append((time.perf_counter() - t0) * 1000)
                    break
            if args.back_to_back:
                # The next save at once: the rebuild's later phases are still running.
                while not events.empty():
                    events.get()
                continue
            while True:
                t, name, data = events.get(timeout=30)
                if name == "built":
                    done_ms.append((t - t0) * 1000)
                    break
            time.sleep(0.3)
            while not events.empty():
                events.get()
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        report((("event", event_ms), ("html", html_ms), ("done", done_ms)))
    finally:
        server.terminate()
        server.wait()


def report(rows):
    for name, xs in rows:
        if xs:
            print("%-6s median %6.1f ms  worst %6.1f ms  (%d edits)" % (name, statistics.median(xs), max(xs), len(xs)))


def rapid_every(args, save, served_text, original, path):
    """A save every args.every ms; each save's latency ends when its word, or
    a later save's, is served (a superseded text never needs to appear)."""
    every = args.every / 1000
    saved = []  # (time, word)
    html_ms = []
    start = time.perf_counter()
    pending = 0  # index of the oldest save not yet seen served
    i = 0
    while i < args.edits or pending < len(saved):
        now = time.perf_counter()
        if i < args.edits and now >= start + i * every:
            word = "latencyprobe%d" % i
            save(word)
            saved.append((time.perf_counter(), word))
            i += 1
        body = served_text()
        seen = time.perf_counter()
        # The newest save whose word is served settles it and every earlier one.
        for k in range(len(saved) - 1, pending - 1, -1):
            if saved[k][1] + "\n" in body or saved[k][1] + "<" in body or saved[k][1] in body.split():
                for j in range(pending, k + 1):
                    html_ms.append((seen - saved[j][0]) * 1000)
                pending = k + 1
                break
        if time.perf_counter() - start > 60 + args.edits * every:
            print("gave up waiting for the last saves", file=sys.stderr)
            break
        time.sleep(0.005)
    with open(path, "w", encoding="utf-8") as f:
        f.write(original)
    print("saves every %.0f ms" % args.every)
    report((("html", html_ms),))


if __name__ == "__main__":
    main()
