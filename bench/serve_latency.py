#!/usr/bin/env python3
"""Save-to-reload latency of `huddle serve --watch` (standard library only).

    python3 bench/serve_latency.py --site DIR [--edits 20] [--change body|title]
                                    [--bin target/release/huddle]

Starts the server on a free port, listens on its live-reload event stream, then
edits one article EDITS times (a plain write, one every 300 ms or so: a word
added to its body, or with --change title a new title, which every list showing
the article must follow) and for each edit measures:
  event  file written -> the `reload` event naming the page arrives
  html   file written -> the new text is served at the page's URL
  done   file written -> the `built` event: every page the edit affects (lists,
         feeds, related articles) is re-rendered and served
Prints median and worst of each, in milliseconds.
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
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()

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
        event_ms, html_ms, done_ms = [], [], []
        for i in range(args.edits):
            word = "latencyprobe%d" % i
            t0 = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                if args.change == "title":
                    f.write(re.sub(r"(?m)^title: .*$", "title: Retitled " + word, original, count=1))
                else:
                    f.write(original + "\n\n" + word + "\n")
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
        for name, xs in (("event", event_ms), ("html", html_ms), ("done", done_ms)):
            print("%-6s median %6.1f ms  worst %6.1f ms  (%d edits)" % (name, statistics.median(xs), max(xs), len(xs)))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
