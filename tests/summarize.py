#!/usr/bin/env python3
"""Count TAP subtests in meson testlog.json files: "N passed, N failed, N skipped".

A test whose output has no TAP result but that failed (crash, bail out,
timeout) counts as one failure; a passing test without TAP lines as one pass.
With --final, print the plain closing line only and exit 1 on any failure.
"""
import json, re, sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
final = "--final" in sys.argv
passed = failed = skipped = 0
for path in args:
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError:
        failed += 1
        continue
    for line in lines:
        line = line.strip("\x00 \t\r\n")
        if not line:
            continue
        try:
            t = json.loads(line)
        except ValueError:
            print(f"# {path}: a line of the test log is not JSON (was the log written twice at once?)")
            failed += 1
            continue
        out = t.get("stdout") or ""
        p = f = s = 0
        for l in out.splitlines():
            if re.match(r"^not ok\b", l):
                f += 1
            elif re.match(r"^ok\b", l):
                if re.search(r"#\s*SKIP", l, re.I):
                    s += 1
                else:
                    p += 1
            elif re.match(r"^1\.\.0\s*#\s*SKIP", l, re.I):
                s += 1
        ok = t.get("result") in ("OK", "EXPECTEDFAIL", "SKIP")
        if not ok and f == 0:
            f = 1
        if ok and p + f + s == 0:
            p = 1
        passed, failed, skipped = passed + p, failed + f, skipped + s
line = f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "")
print(line)
sys.exit(1 if final and failed else 0)
