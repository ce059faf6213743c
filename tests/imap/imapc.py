#!/usr/bin/env python3
"""imapc.py - a second, independent IMAP client (python3 stdlib imaplib) for
the certnotice IMAP tests: looks at the test Dovecot "from outside".

Connection (defaults from the environment that dovecot.sh's imap_start
exports): IMAP_HOST (127.0.0.1), IMAPS_PORT, IMAP_PORT, IMAP_USER, IMAP_PASS,
IMAP_CACERT (DIR/ca.pem).  The server certificate is always verified.

  imapc.py [--mode imaps|starttls|plain] [--port N] [--host H] CMD ARGS...

Read-only commands open the mailbox with EXAMINE and fetch with BODY.PEEK,
so they never change \\Seen or \\Recent for other clients:

  flags MAILBOX UID       flags of one message, space separated, sorted,
                          without \\Recent (empty line: no flags); exit 1 if
                          there is no message with that UID
  list MAILBOX            one line per message: UID<TAB>FLAGS<TAB>SUBJECT
                          (flags as for "flags", subject unfolded, raw)
  uids MAILBOX            UIDs (UID SEARCH ALL), space separated
  count MAILBOX           number of messages (STATUS MESSAGES)
  status MAILBOX          "messages=N uidnext=N uidvalidity=N unseen=N"
  folders                 every mailbox: NAME<TAB>COUNT (\\Noselect: NAME<TAB>-)
  capability              CAPABILITY after login, space separated
  peek MAILBOX UID        the whole message (BODY.PEEK[]) to stdout, bytes
Changing commands (SELECT):
  store MAILBOX UID OP FLAGS...   OP is +FLAGS, -FLAGS or FLAGS
  move MAILBOX UID DEST           UID MOVE
  create MAILBOX
  append MAILBOX FILE [FLAGS...]  APPEND, prints the new UID (APPENDUID)

Exit status: 0 ok, 1 IMAP-level failure (NO/BAD, no such message), 2 usage
or connection/TLS/login error.
"""
import argparse
import imaplib
import os
import re
import socket
import ssl
import sys


def die(msg, code=2):
    print("imapc.py: %s" % msg, file=sys.stderr)
    sys.exit(code)


def quote(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def connect(a):
    ctx = ssl.create_default_context(cafile=a.cacert) if a.cacert else ssl.create_default_context()
    try:
        if a.mode == "imaps":
            port = a.port or int(os.environ.get("IMAPS_PORT") or 993)
            c = imaplib.IMAP4_SSL(a.host, port, ssl_context=ctx, timeout=a.timeout)
        else:
            port = a.port or int(os.environ.get("IMAP_PORT") or 143)
            c = imaplib.IMAP4(a.host, port, timeout=a.timeout)
            if a.mode == "starttls":
                c.starttls(ssl_context=ctx)
        c.login(a.user, a.password)
    except (OSError, ssl.SSLError, imaplib.IMAP4.error) as e:
        die("connect/login to %s (%s) failed: %s" % (a.host, a.mode, e))
    return c


def check(typ, data, what):
    if typ != "OK":
        die("%s: %s %s" % (what, typ, data), 1)
    return data


def open_box(c, box, readonly=True):
    typ, data = c.select(quote(box), readonly=readonly)
    if typ != "OK":
        die("cannot %s %s: %s" % ("EXAMINE" if readonly else "SELECT", box, data), 1)


FLAGS_RE = re.compile(rb"FLAGS \(([^)]*)\)")
UID_RE = re.compile(rb"UID (\d+)")


def flags_of(meta):
    m = FLAGS_RE.search(meta)
    fl = m.group(1).decode().split() if m else []
    return " ".join(sorted(f for f in fl if f != "\\Recent"))


def fetch_items(c, uidset, items):
    """UID FETCH; returns list of (meta_bytes, literal_bytes_or_None)."""
    typ, data = c.uid("FETCH", uidset, items)
    check(typ, data, "UID FETCH")
    out = []
    for d in data:
        if d is None or d == b")":
            continue
        if isinstance(d, tuple):
            out.append((d[0], d[1]))
        else:
            out.append((d, None))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mode", choices=["imaps", "starttls", "plain"], default="imaps")
    p.add_argument("--host", default=os.environ.get("IMAP_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int)
    p.add_argument("--user", default=os.environ.get("IMAP_USER", "certtest"))
    p.add_argument("--password", default=os.environ.get("IMAP_PASS"))
    p.add_argument("--cacert", default=os.environ.get("IMAP_CACERT"))
    p.add_argument("--timeout", type=float, default=20)
    p.add_argument("cmd")
    p.add_argument("args", nargs="*")
    a = p.parse_args()
    if a.password is None:
        die("no password (IMAP_PASS or --password)")
    nargs = {"flags": 2, "list": 1, "uids": 1, "count": 1, "status": 1, "folders": 0,
             "capability": 0, "peek": 2, "store": -4, "move": 3, "create": 1, "append": -2}
    if a.cmd not in nargs:
        die("unknown command %r" % a.cmd)
    n = nargs[a.cmd]
    if (n >= 0 and len(a.args) != n) or (n < 0 and len(a.args) < -n):
        die("wrong number of arguments for %s" % a.cmd)

    c = connect(a)
    rc = 0
    try:
        if a.cmd == "capability":
            typ, data = c.capability()
            print(check(typ, data, "CAPABILITY")[0].decode())
        elif a.cmd == "folders":
            typ, data = c.list()
            for line in check(typ, data, "LIST"):
                if line is None:
                    continue
                if isinstance(line, tuple):   # name sent as a literal
                    attrs, name = line[0].decode(), line[1].decode()
                else:
                    m = re.match(r'\(([^)]*)\) (NIL|"(?:[^"\\]|\\.)*") (.*)$', line.decode())
                    if not m:
                        continue
                    attrs, name = m.group(1), m.group(3)
                    if name.startswith('"'):
                        name = re.sub(r'\\(.)', r'\1', name[1:-1])
                if "\\noselect" in attrs.lower() or "\\nonexistent" in attrs.lower():
                    print("%s\t-" % name)
                    continue
                typ, st = c.status(quote(name), "(MESSAGES)")
                m = re.search(rb"MESSAGES (\d+)", check(typ, st, "STATUS")[0])
                print("%s\t%s" % (name, m.group(1).decode() if m else "?"))
        elif a.cmd in ("count", "status"):
            typ, st = c.status(quote(a.args[0]), "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN)")
            s = check(typ, st, "STATUS")[0].decode()
            v = dict((k.lower(), val) for k, val in re.findall(r"(MESSAGES|UIDNEXT|UIDVALIDITY|UNSEEN) (\d+)", s))
            if a.cmd == "count":
                print(v["messages"])
            else:
                print(" ".join("%s=%s" % (k, v[k]) for k in ("messages", "uidnext", "uidvalidity", "unseen")))
        elif a.cmd == "uids":
            open_box(c, a.args[0])
            typ, data = c.uid("SEARCH", "ALL")
            print(check(typ, data, "UID SEARCH")[0].decode().strip())
        elif a.cmd == "flags":
            open_box(c, a.args[0])
            items = fetch_items(c, a.args[1], "(UID FLAGS)")
            hit = [m for m, _ in items if UID_RE.search(m) and UID_RE.search(m).group(1) == a.args[1].encode()]
            if not hit:
                die("no message with UID %s in %s" % (a.args[1], a.args[0]), 1)
            print(flags_of(hit[0]))
        elif a.cmd == "list":
            open_box(c, a.args[0])
            typ, data = c.uid("SEARCH", "ALL")
            if check(typ, data, "UID SEARCH")[0].strip():
                for meta, lit in fetch_items(c, "1:*", "(UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])"):
                    m = UID_RE.search(meta)
                    if not m:
                        continue
                    subj = (lit or b"").decode("utf-8", "replace")
                    subj = re.sub(r"\r?\n[ \t]+", " ", subj).strip()
                    subj = re.sub(r"^subject:[ \t]*", "", subj, flags=re.I)
                    print("%s\t%s\t%s" % (m.group(1).decode(), flags_of(meta), subj))
        elif a.cmd == "peek":
            open_box(c, a.args[0])
            items = [lit for meta, lit in fetch_items(c, a.args[1], "(UID BODY.PEEK[])") if lit is not None]
            if not items:
                die("no message with UID %s in %s" % (a.args[1], a.args[0]), 1)
            sys.stdout.buffer.write(items[0])
        elif a.cmd == "store":
            open_box(c, a.args[0], readonly=False)
            op = a.args[2]
            if op.upper() not in ("+FLAGS", "-FLAGS", "FLAGS", "+FLAGS.SILENT", "-FLAGS.SILENT", "FLAGS.SILENT"):
                die("bad store op %r" % op)
            typ, data = c.uid("STORE", a.args[1], op, "(" + " ".join(a.args[3:]) + ")")
            check(typ, data, "UID STORE")
        elif a.cmd == "move":
            open_box(c, a.args[0], readonly=False)
            typ, data = c.uid("MOVE", a.args[1], quote(a.args[2]))
            check(typ, data, "UID MOVE")
        elif a.cmd == "create":
            typ, data = c.create(quote(a.args[0]))
            check(typ, data, "CREATE")
        elif a.cmd == "append":
            with open(a.args[1], "rb") as f:
                msg = f.read()
            msg = re.sub(rb"\r?\n", b"\r\n", msg)
            fl = "(" + " ".join(a.args[2:]) + ")" if len(a.args) > 2 else None
            typ, data = c.append(quote(a.args[0]), fl, None, msg)
            d = check(typ, data, "APPEND")[0].decode()
            m = re.search(r"APPENDUID \d+ (\d+)", d)
            print(m.group(1) if m else "")
    except imaplib.IMAP4.error as e:
        die("IMAP error: %s" % e, 1)
    except (OSError, ssl.SSLError) as e:
        die("connection error: %s" % e)
    finally:
        try:
            c.logout()
        except Exception:
            pass
    return rc


if __name__ == "__main__":
    sys.exit(main())
