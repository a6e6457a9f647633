#!/usr/bin/env python3
"""Run one command and print its wall time and peak memory.

    python3 bench/timed.py [--log FILE] -- CMD [ARG...]

Prints one line on stdout:

    <wall seconds> <peak RSS KiB> <user seconds> <sys seconds>

Wall time is measured around the child with time.perf_counter(). Peak RSS
and CPU come from resource.getrusage(RUSAGE_CHILDREN) after the child has
been waited for. This script starts exactly one child, so the figures are
those of CMD (ru_maxrss is the largest RSS of CMD or any of its waited-for
descendants; on Linux it is in KiB). CMD's stdout and stderr go to FILE if
--log is given (appended), else to /dev/null. The exit status is CMD's; a
failed CMD prints nothing on stdout.

Standard library only; it works where /usr/bin/time is not installed.
"""

import os
import resource
import subprocess
import sys
import time


def main(argv):
    log = None
    if argv[:1] == ["--log"]:
        if len(argv) < 2:
            sys.exit("timed.py: --log needs a file")
        log, argv = argv[1], argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        sys.exit("usage: timed.py [--log FILE] -- CMD [ARG...]")

    sink = open(log, "ab") if log else open(os.devnull, "wb")
    with sink:
        start = time.perf_counter()
        try:
            proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink)
        except OSError as e:
            sys.exit("timed.py: cannot run %s: %s" % (argv[0], e))
        wall = time.perf_counter() - start
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        print("timed.py: %s exited with status %d" % (" ".join(argv), proc.returncode),
              file=sys.stderr)
        # a signal shows as a negative returncode; map it to the shell's 128+N
        return proc.returncode if proc.returncode > 0 else 128 - proc.returncode
    rss_kib = ru.ru_maxrss
    if sys.platform == "darwin":  # bytes there
        rss_kib //= 1024
    print("%.3f %d %.3f %.3f" % (wall, rss_kib, ru.ru_utime, ru.ru_stime))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
