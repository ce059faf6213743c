#!/usr/bin/env python3
"""tlsserver.py - loopback TLS endpoints for the certnotice tests (stdlib only).

Usage:
  tlsserver.py --certs DIR --spec FILE --portfile FILE
               [--lifetime SECONDS] [--log FILE] [--watch-pid PID]

SPEC: one endpoint per line ('#' comments and blank lines ignored):

  NAME  CERTNAME  FAMILY  MODE

  NAME      endpoint name (unique), reported in the portfile
  CERTNAME  DIR/CERTNAME.pem + DIR/CERTNAME.key (as written by mkcerts.sh);
            '-' for blackhole/closed.  "C1,C2,..." serves several certs
            picked by SNI: the first cert whose SANs (DIR/Cn.sans, written by
            mkcerts.sh) match the client's server name, else C1.
  FAMILY    4 (127.0.0.1) or 6 (::1)
  MODE      tls        complete TLS handshakes, then read until the client
                       closes.  If what arrives looks like an HTTP/1.x request,
                       a tiny "200 OK" response naming the endpoint is sent
                       (so `curl https://...` exits 0); clients that only
                       handshake and close (CONNECT_ONLY) are unaffected.
            blackhole  accept TCP connections and never send anything
                       (input is read and discarded so the server notices
                       when the client goes away).
            closed     a port nothing listens on: the socket is bound but
                       never listen()ed and kept open until exit, so the
                       port stays reserved and connects get ECONNREFUSED.

Every socket binds port 0.  Once ALL endpoints are set up, PORTFILE is
written atomically (PORTFILE.tmp + rename) with lines "NAME FAMILY PORT".
Then it serves until SIGTERM/SIGINT, until the parent process (or
--watch-pid) dies, or until --lifetime seconds (default 600) have passed.
Exit status: 0 after a normal stop, 2 on a setup error (nothing written).

--log FILE appends one line per event (for test assertions):
  <unix-time> <NAME> accept <peer>
  <unix-time> <NAME> handshake-ok sni=<name|-> cert=<CERTNAME> <tls-version>
  <unix-time> <NAME> handshake-fail <reason>
  <unix-time> <NAME> close
"""

import argparse
import os
import selectors
import signal
import socket
import ssl
import sys
import threading
import time

HANDSHAKE_TIMEOUT = 20.0
MAX_HTTP_HEADER = 64 * 1024


class Log:
    def __init__(self, path):
        self.lock = threading.Lock()
        self.fh = open(path, "a", buffering=1) if path else None

    def __call__(self, name, event, detail=""):
        if not self.fh:
            return
        line = "%.3f %s %s%s\n" % (time.time(), name, event, " " + detail if detail else "")
        with self.lock:
            try:
                self.fh.write(line)
            except Exception:
                pass


def die(msg):
    sys.stderr.write("tlsserver.py: %s\n" % msg)
    sys.exit(2)


def read_sans(certdir, cert):
    try:
        with open(os.path.join(certdir, cert + ".sans")) as fh:
            items = fh.read().strip().split(",")
    except OSError:
        return []
    return [i[4:].lower() for i in items if i.startswith("DNS:")]


def san_match(pattern, name):
    if pattern == name:
        return True
    if pattern.startswith("*."):
        head, dot, rest = name.partition(".")
        return bool(dot) and bool(head) and rest == pattern[2:]
    return False


class Endpoint:
    def __init__(self, name, certs, family, mode):
        self.name, self.certs, self.family, self.mode = name, certs, family, mode
        self.ctx = None
        self.sock = None
        self.port = None


def make_context(certdir, cert, cache):
    if cert in cache:
        return cache[cert]
    pem = os.path.join(certdir, cert + ".pem")
    key = os.path.join(certdir, cert + ".key")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        ctx.load_cert_chain(pem, key)
    except (OSError, ssl.SSLError) as e:
        die("cannot load cert %r (%s, %s): %s" % (cert, pem, key, e))
    cache[cert] = ctx
    return ctx


def setup_sni(ep, certdir, cache):
    """Endpoint with several certs: choose by SNI via the first cert's context."""
    choices = [(make_context(certdir, c, cache), c, read_sans(certdir, c)) for c in ep.certs]
    # The callback is installed on a dedicated copy so a cert shared by other
    # endpoints keeps a callback-free context.
    pem = os.path.join(certdir, ep.certs[0] + ".pem")
    key = os.path.join(certdir, ep.certs[0] + ".key")
    front = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    front.load_cert_chain(pem, key)

    def cb(sslobj, server_name, _ctx):
        sslobj._cn_sni = server_name
        if server_name:
            sn = server_name.lower().rstrip(".")
            for ctx, cname, sans in choices:
                if any(san_match(p, sn) for p in sans):
                    sslobj.context = ctx
                    sslobj._cn_cert = cname
                    return None
        return None

    front.sni_callback = cb
    return front


def note_sni_callback(ctx):
    def cb(sslobj, server_name, _ctx):
        sslobj._cn_sni = server_name
        return None
    ctx.sni_callback = cb


def looks_like_http(buf):
    return buf[:8].split(b" ", 1)[0] in (b"GET", b"HEAD", b"POST", b"PUT", b"OPTIONS", b"DELETE")


def serve_tls(conn, ep, log):
    ssock = None
    try:
        conn.settimeout(HANDSHAKE_TIMEOUT)
        try:
            ssock = ep.ctx.wrap_socket(conn, server_side=True)
        except Exception as e:  # includes timeouts, resets, garbage input
            log(ep.name, "handshake-fail", repr(e).replace("\n", " ")[:200])
            return
        log(ep.name, "handshake-ok", "sni=%s cert=%s %s" % (
            getattr(ssock, "_cn_sni", None) or "-",
            getattr(ssock, "_cn_cert", ep.certs[0]), ssock.version()))
        ssock.settimeout(None)
        buf = b""
        while True:
            data = ssock.recv(65536)
            if not data:
                break
            if buf is None:
                continue  # not HTTP: just drain
            buf += data
            while buf is not None and b"\r\n\r\n" in buf:
                if not looks_like_http(buf):
                    buf = None
                    break
                head, _, buf = buf.partition(b"\r\n\r\n")
                body = ("%s\n" % ep.name).encode()
                hdr = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                       "Content-Length: %d\r\nX-Endpoint: %s\r\n\r\n" % (len(body), ep.name)).encode()
                ssock.sendall(hdr if head.startswith(b"HEAD ") else hdr + body)
            if buf is not None and len(buf) > MAX_HTTP_HEADER:
                buf = None
    except Exception:
        pass  # client went away / protocol error: never crash the server
    finally:
        log(ep.name, "close")
        try:
            (ssock or conn).close()
        except Exception:
            pass


def main():
    ap = argparse.ArgumentParser(description="loopback TLS test endpoints")
    ap.add_argument("--certs", required=True)
    ap.add_argument("--spec", required=True)
    ap.add_argument("--portfile", required=True)
    ap.add_argument("--lifetime", type=float, default=600.0)
    ap.add_argument("--log")
    ap.add_argument("--watch-pid", type=int, default=0,
                    help="stop when this pid is gone (default: stop when our parent "
                         "process exits; pass the launcher's pid to avoid the startup race)")
    args = ap.parse_args()

    try:  # many listeners + many clients
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = hard if hard != resource.RLIM_INFINITY else 65536
        if soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    except Exception:
        pass

    start = time.monotonic()
    parent = os.getppid()
    if not args.watch_pid and parent == 1:
        # Started by a parent that has already exited (e.g. a subshell that
        # quit while python was still starting): nobody will stop us.
        die("parent process already gone at startup (use --watch-pid PID)")
    log = Log(args.log)
    stop = {"why": None}

    def on_signal(signum, _frame):
        stop["why"] = "signal %d" % signum

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    endpoints, names = [], set()
    try:
        with open(args.spec) as fh:
            lines = fh.readlines()
    except OSError as e:
        die("cannot read spec: %s" % e)
    for n, line in enumerate(lines, 1):
        f = line.split("#", 1)[0].split()
        if not f:
            continue
        if len(f) != 4:
            die("%s:%d: want 'NAME CERTNAME FAMILY MODE'" % (args.spec, n))
        name, cert, fam, mode = f
        if name in names:
            die("%s:%d: duplicate endpoint %r" % (args.spec, n, name))
        if fam not in ("4", "6"):
            die("%s:%d: FAMILY must be 4 or 6" % (args.spec, n))
        if mode not in ("tls", "blackhole", "closed"):
            die("%s:%d: MODE must be tls, blackhole or closed" % (args.spec, n))
        certs = [c for c in cert.split(",") if c and c != "-"]
        if mode == "tls" and not certs:
            die("%s:%d: tls endpoint needs a CERTNAME" % (args.spec, n))
        names.add(name)
        endpoints.append(Endpoint(name, certs, fam, mode))

    cache = {}
    sel = selectors.DefaultSelector()
    for ep in endpoints:
        if ep.mode == "tls":
            if len(ep.certs) > 1:
                ep.ctx = setup_sni(ep, args.certs, cache)
            else:
                # one context per (cert, endpoint) is not needed; the SNI
                # note-taking callback is harmless to share.
                ep.ctx = make_context(args.certs, ep.certs[0], cache)
                if ep.ctx.sni_callback is None:
                    note_sni_callback(ep.ctx)
        af, addr = (socket.AF_INET, "127.0.0.1") if ep.family == "4" else (socket.AF_INET6, "::1")
        try:
            s = socket.socket(af, socket.SOCK_STREAM)
            if af == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((addr, 0))
            if ep.mode != "closed":
                s.listen(512)
                s.setblocking(False)
                sel.register(s, selectors.EVENT_READ, ("listen", ep))
        except OSError as e:
            die("endpoint %s: cannot bind %s: %s" % (ep.name, addr, e))
        ep.sock = s
        ep.port = s.getsockname()[1]

    tmp = args.portfile + ".tmp"
    with open(tmp, "w") as fh:
        for ep in endpoints:
            fh.write("%s %s %d\n" % (ep.name, ep.family, ep.port))
    os.rename(tmp, args.portfile)
    sys.stderr.write("tlsserver.py: %d endpoints ready in %.2fs (pid %d)\n"
                     % (len(endpoints), time.monotonic() - start, os.getpid()))
    sys.stderr.flush()

    while stop["why"] is None:
        if time.monotonic() - start > args.lifetime:
            stop["why"] = "lifetime of %gs expired" % args.lifetime
            break
        if args.watch_pid:
            try:
                os.kill(args.watch_pid, 0)
            except ProcessLookupError:
                stop["why"] = "watched pid %d is gone" % args.watch_pid
                break
            except PermissionError:
                pass
        elif os.getppid() != parent:
            stop["why"] = "parent %d is gone" % parent
            break
        try:
            events = sel.select(0.25)
        except InterruptedError:
            continue
        for key, _ in events:
            kind, ep = key.data
            if kind == "listen":
                while True:
                    try:
                        conn, peer = key.fileobj.accept()
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:
                        break  # e.g. EMFILE: try again on the next round
                    log(ep.name, "accept", str(peer[0]) + ":" + str(peer[1]))
                    if ep.mode == "tls":
                        conn.setblocking(True)
                        threading.Thread(target=serve_tls, args=(conn, ep, log), daemon=True).start()
                    else:  # blackhole: keep it, read and discard, never send
                        conn.setblocking(False)
                        sel.register(conn, selectors.EVENT_READ, ("hole", ep))
            else:  # blackhole client socket readable
                s = key.fileobj
                try:
                    data = s.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(s)
                    s.close()
                    log(ep.name, "close")

    sys.stderr.write("tlsserver.py: stopping: %s\n" % stop["why"])
    sys.stderr.flush()
    # Daemon threads may be blocked in recv(); exit hard so nothing lingers.
    os._exit(0)


if __name__ == "__main__":
    main()
