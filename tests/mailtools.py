#!/usr/bin/env python3
"""mailtools.py — the mail helpers the shell tests share: one place for what
they would otherwise each write again.

  strip_ours(data)         a mail as `certnotice filter` wrote it, without
                           the verdict block the filter put in
  expected_verdict(eml)    the verdict the filter must add to a sample, from
                           its oracle (SAMPLE.json)
  write_sakura(lines, now) Sakura notices (UTF-8), one per spec line

From the shell (tests/tap.sh wraps these):
  mailtools.py strip FILE              FILE without our block, on stdout
  mailtools.py strip-diff LIST         LIST: "GOT<TAB>WANT" lines; prints each
                                       GOT that, stripped, is not WANT byte
                                       for byte
  mailtools.py expected SAMPLE.eml...  "SAMPLE<TAB>VERDICT" lines ("none":
                                       no recognised notice)
  mailtools.py sakura [--now EPOCH]    writes the notices the spec lines on
                                       stdin describe (see write_sakura)

From a python3 snippet in a test:
  sys.path.insert(0, SRCDIR + "/tests"); import mailtools
(tap.sh sets PYTHONDONTWRITEBYTECODE: no __pycache__ in the source tree.)
"""
import json
import re
import sys

# ---- the filter's verdict block ----

# The filter writes exactly these two fields, in this order, at the top of
# the mail (after an mbox From_ line), each maybe folded (src/splice.c
# cn_splice_verdict_headers).
_VERDICT = re.compile(rb"X-Certnotice-Verdict:")
_DETAILS = re.compile(rb"X-Certnotice:")


def strip_ours(data):
    """DATA without the block of our fields that the filter puts at the top
    (after an mbox From_ line): X-Certnotice-Verdict then X-Certnotice, with
    their continuation lines.  Nothing else is taken out: a field of ours
    anywhere else (one the filter failed to remove, or a second block) and
    every line of the body stay, so comparing with the mail as it went in
    shows them.  A mail without the whole block is returned as it is."""
    lines = data.splitlines(keepends=True)
    i = 1 if lines and lines[0].startswith(b"From ") else 0
    start = i
    for name in (_VERDICT, _DETAILS):
        if i >= len(lines) or not name.match(lines[i]):
            return data             # not the block the filter writes
        i += 1
        while i < len(lines) and lines[i][:1] in (b" ", b"\t"):
            i += 1
    return b"".join(lines[:start] + lines[i:])


def strip_diff(pairs_file):
    """The GOT of each "GOT<TAB>WANT" line of PAIRS_FILE that, stripped, is
    not WANT byte for byte (or cannot be read)."""
    bad = []
    text = open(pairs_file, encoding="utf-8", errors="surrogateescape").read()
    for pair in text.splitlines():
        got, want = pair.split("\t")
        try:
            same = strip_ours(open(got, "rb").read()) == open(want, "rb").read()
        except OSError:
            same = False
        if not same:
            bad.append(got)
    return bad


# ---- the samples' oracle ----

RANK = {"suspicious": 5, "expired": 4, "action-required": 3, "unverified": 2, "renewed": 1}


def expected_verdict(eml):
    """The verdict `certnotice filter` must add to the sample EML (its
    oracle, EML without .eml + .json, one JSON object per notice): that of
    the most severe recognised notice, or None for other mail."""
    best = None
    for line in open(eml[:-len(".eml")] + ".json", encoding="utf-8"):
        if line.strip():
            o = json.loads(line)
            if o["provider"] and (best is None or RANK[o["verdict"]] > RANK[best]):
                best = o["verdict"]
    return best


# ---- Sakura notices ----

def write_sakura(lines, now=None):
    """Write one Sakura notice (UTF-8) per spec line
        FILE KIND DOMAIN DAYS [from=ADDRESS] [mid=ID]
    KIND warn: "about 15 days left" (a claim of the mail's date + 15 days);
    fail: a renewal failure, no date.  DAYS: the mail's date, in days from
    NOW (Unix seconds; default the present), in Japan's zone.  ADDRESS: the
    sender (default support@sakura.ad.jp).  ID: the Message-ID is <ID@sakura.ad.jp>
    ("-": none; default KIND.DOMAIN).  Blank lines and "# comments" are
    passed over."""
    import datetime as dt
    import email.utils
    from email.message import EmailMessage
    jst = dt.timezone(dt.timedelta(hours=9))
    base = dt.datetime.now(jst) if now is None else dt.datetime.fromtimestamp(now, jst)
    for spec in lines:
        words = spec.split("#")[0].split()
        if not words:
            continue
        path, kind, domain, days = words[0], words[1], words[2], int(words[3])
        opts = dict(w.split("=", 1) for w in words[4:])
        unknown = set(opts) - {"from", "mid"}
        if kind not in ("warn", "fail") or unknown:
            raise ValueError("bad Sakura notice spec: %r" % spec)
        mid = opts.get("mid", "%s.%s" % (kind, domain))
        m = EmailMessage()
        m["From"] = "さくらインターネット <%s>" % opts.get("from", "support@sakura.ad.jp")
        m["To"] = "user@example.com"
        m["Date"] = email.utils.format_datetime(base + dt.timedelta(days=days))
        if mid != "-":
            m["Message-ID"] = "<%s@sakura.ad.jp>" % mid
        if kind == "warn":
            m["Subject"] = "[さくらインターネット]【重要】SSLサーバ証明書 有効期間に関するご案内"
            head = ("ご利用中の無料SSL機能で使用している「Let’s Encrypt」の有効期間満了まで"
                    "【約15日前】となりましたのでご案内いたします。")
        else:
            m["Subject"] = "[さくらインターネット]【重要】無料SSL証明書 更新エラーについて"
            head = "現在ご利用中の無料SSL機能で自動更新に失敗したため証明書の発行ができませんでした。"
        m.set_content("いつも、さくらインターネットのサービスをご利用いただき誠にありがとうございます。\n\n%s\n\n"
                      "====\n《 SSLサーバ証明書の情報 》\nレンタルサーバアカウント:acct\n"
                      "サーバ証明書種別:Let’s Encrypt\nコモンネーム :%s\n====\n" % (head, domain))
        with open(path, "wb") as f:
            f.write(m.as_bytes())


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "strip":
        sys.stdout.buffer.write(strip_ours(open(args[0], "rb").read()))
    elif cmd == "strip-diff":
        for got in strip_diff(args[0]):
            print(got)
    elif cmd == "expected":
        for eml in args:
            print("%s\t%s" % (eml, expected_verdict(eml) or "none"))
    elif cmd == "sakura":
        now = int(args[1]) if args[:1] == ["--now"] else None
        write_sakura(sys.stdin.read().splitlines(), now)
    else:
        sys.exit("mailtools.py: unknown command %r" % cmd)


if __name__ == "__main__":
    main(sys.argv)
