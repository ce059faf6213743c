#!/usr/bin/env python3
"""Generate the certnotice sample mails and their expected results.

Deterministic (fixed dates, fixed boundaries, no randomness), stdlib only.
Run from anywhere:  python3 samples/gen-samples.py

For every case it writes
    samples/<dir>/<case>.eml   the mail, written in binary mode (CRLF cases keep CRLF)
    samples/<dir>/<case>.json  the expected results, JSON Lines (one object per result)
and samples/README.md (a table of the cases).

The expectations are an ORACLE: they are written from what the generator put
into each mail, never from running certnotice.  Keys of each expected object:
message_id, date, provider, notice, confidence, domain, domains, account,
days_claimed, expires_claimed, authentic, verdict, reasons, live.  (`source`
and `remediation` are checked separately by the test and are not written here.)

Rules used for the expectations (see the brief):
  * expires_claimed: an explicit date in the mail wins; else the Date header's
    date *in its own offset* + days; else the topmost (newest) Received
    header's date (after its last ';', in its own offset) + days; else null.
  * authentic: true only with a pass from the trusted authserv-id
    mx.certnotice.test for the genuine domain; false whenever the verdict is
    suspicious; else null.  Inner messages of message/rfc822 attachments never
    get true (their Authentication-Results are not ours).
  * genuine sender domains: sakura.ad.jp, conoha.jp, xserver.ne.jp, star.ne.jp,
    netowl.jp, lolipop.jp, hosting.nifcloud.com, cpi.ad.jp, mixhost.jp,
    colorfulbox.jp, letsencrypt.org, amazon.com, aws.com, heroku.com,
    netlify.com, zerossl.com, digicert.com, rapidssl.com, geotrust.com,
    thawte.com, sectigo.com, comodoca.com, vercel.com and their subdomains
    (rules/*.rules; the assumptions are stated in the rules files).
  * local mail (certbot under cron, acme.sh): no sender is shipped and the
    tests read no config, so no sender is declared: the From is not checked
    (never suspicious for it, authentic null) and the one reason "the sender
    is not checked" says so.
  * days_claimed is a number only where the mail states one (ConoHa 【20日】,
    NIFCLOUD (90日前), CPI's subject 30日前, cPanel 'in 5 days', DigiCert and
    Sectigo 'will expire in 91 days'); Xserver, Star Server, Lolipop, Netlify
    and ACM state a date or nothing, certbot, acme.sh, Heroku, ZeroSSL and
    Vercel neither.
  * domains: every host name the notice lists, in the order the rule reads
    them (its primary name first: Let's Encrypt's subject name, AWS's "primary
    domain"), lower-case, each once; a wildcard *.example.com counts as
    example.com and adds a reason.  A provider whose rule reads one name gives
    [domain].
  * confidence: "high" for every rule match; for the generic detector the band
    the case is written to land in (low/medium/high), from the evidence the
    generator put in: a notice that says everything (certificate, failure or
    expiry in subject and body, the site, a date or day count) is high.
  * sender first: a mail whose every From domain is genuine for a provider is
    that provider's even when it never names the provider; a look-alike sender
    maps to the provider whose name the mail carries, and is suspicious.
  * generic notices (provider "generic", hosts without a rule) are never
    authentic: authentic is null, or false when an Authentication-Results
    fail makes them suspicious; their From is never held against them.
"""

import base64
import datetime as dt
import hashlib
import json
import os
import quopri
import re
import sys
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.mime.text import MIMEText
from email.utils import format_datetime

HERE = os.path.dirname(os.path.abspath(__file__))
DIRS = ("sakura", "conoha", "xserver", "starserver", "lolipop", "nifcloud", "cpi", "cpanel",
        "letsencrypt", "aws-acm", "certbot", "acme-sh", "heroku", "netlify", "zerossl", "digicert",
        "sectigo", "vercel", "generic", "negative", "phishing", "broken")
JST = dt.timezone(dt.timedelta(hours=9))
LF, CRLF = b"\n", b"\r\n"

TRUSTED_AUTHSERV = "mx.certnotice.test"

CASES = []  # (dir, name, description, eml_bytes, [expected dicts])


# --------------------------------------------------------------------------
# expected-result helpers (the oracle)
# --------------------------------------------------------------------------

def jst(y, mo, d, h, mi, s=0):
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=JST)


def isodate(d):
    """The Date as certnotice reports it: RFC 3339, 'Z' for UTC."""
    if d is None:
        return None
    s = d.isoformat()
    return s[:-6] + "Z" if s.endswith("+00:00") else s


def rfcdate(d):
    return format_datetime(d)          # e.g. "Tue, 14 May 2024 10:15:00 +0900"


def expect(mid, date, provider, notice, domain, account, days, *,
           explicit=None, received=None, authentic=None,
           verdict="unverified", reasons=(), domains=None, confidence="high"):
    """Expected object for a mail recognised as a notice (or a look-alike).
    DOMAINS defaults to [domain] (or [] without one)."""
    if explicit is not None:
        expires = explicit
    elif days is not None and date is not None:
        expires = (date.date() + dt.timedelta(days=days)).isoformat()
    elif days is not None and received is not None:
        expires = (received.date() + dt.timedelta(days=days)).isoformat()
    else:
        expires = None
    if verdict == "suspicious":
        authentic = False
    if domains is None:
        domains = [domain] if domain is not None else []
    assert domain is None or domains[0] == domain, (domain, domains)
    return {
        "message_id": mid,
        "date": isodate(date),
        "provider": provider,
        "notice": notice,
        "confidence": confidence,
        "domain": domain,
        "domains": list(domains),
        "account": account,
        "days_claimed": days,
        "expires_claimed": expires,
        "authentic": authentic,
        "verdict": verdict,
        "reasons": list(reasons),
        "live": None,
    }


def not_notice(mid, date):
    return {
        "message_id": mid,
        "date": isodate(date),
        "provider": None,
        "notice": None,
        "confidence": None,
        "domain": None,
        "domains": [],
        "account": None,
        "days_claimed": None,
        "expires_claimed": None,
        "authentic": None,
        "verdict": "not-a-notice",
        "reasons": [],
        "live": None,
    }


def add(d, name, desc, data, results):
    assert d in DIRS, d
    CASES.append((d, name, desc, data, results))


# --------------------------------------------------------------------------
# raw (hand-built) mail helpers, imitating Japanese mailers
# --------------------------------------------------------------------------

def ew(text, charset, codec, maxlen=70):
    """RFC 2047 B-encode `text`, split over several encoded words (each word
    encodes whole characters, so every ISO-2022-JP word returns to ASCII)."""
    pre, post = "=?%s?B?" % charset, "?="
    words, chunk = [], ""
    for ch in text:
        cand = chunk + ch
        if chunk and len(pre) + len(base64.b64encode(cand.encode(codec))) + len(post) > maxlen:
            words.append(pre + base64.b64encode(chunk.encode(codec)).decode() + post)
            chunk = ch
        else:
            chunk = cand
    if chunk:
        words.append(pre + base64.b64encode(chunk.encode(codec)).decode() + post)
    return "\n ".join(words)


def addr(display, address, charset="ISO-2022-JP", codec="iso2022_jp"):
    if display is None:
        return address
    if all(ord(c) < 128 for c in display):
        return '"%s" <%s>' % (display, address) if " " in display or "." in display \
            else "%s <%s>" % (display, address)
    return "%s <%s>" % (ew(display, charset, codec), address)


def raw(headers, body, eol=LF):
    """headers: list of (name, value); value is str (ASCII, may contain '\\n '
    folds) or bytes (8-bit header).  body: bytes, or None for a header-only
    mail (no blank separator line).  '\\n' is turned into `eol` everywhere."""
    out = b""
    for name, value in headers:
        if isinstance(value, str):
            value = value.encode("ascii")
        out += name.encode("ascii") + b": " + value.replace(LF, eol) + eol
    if body is None:
        return out
    return out + eol + body.replace(LF, eol)


def b64body(b):
    return base64.encodebytes(b)


def qpbody(b):
    return quopri.encodestring(b)


def received(frm, ip, by, ident, rcpt, when):
    return ("from %s (%s [%s])\n\tby %s (Postfix) with ESMTPS id %s\n\tfor <%s>; %s (JST)"
            % (frm, frm, ip, by, ident, rcpt, rfcdate(when)))


# --------------------------------------------------------------------------
# Python email package helpers (headers folded / encoded as Python writes them)
# --------------------------------------------------------------------------

def py_modern(headers, text, *, charset="utf-8", cte="base64", subtype="plain",
              pol=policy.default):
    m = EmailMessage(policy=pol)
    for k, v in headers:
        m[k] = re.sub(r"\n[ \t]+", " ", v)    # unfold; Python refolds as it likes
    m.set_content(text, subtype=subtype, charset=charset, cte=cte)
    return m.as_bytes()


def py_compat_jis(headers, text):
    """compat32 MIMEText in ISO-2022-JP, Subject as email.header.Header."""
    m = MIMEText(text, "plain", "iso-2022-jp")
    mime = [(k, v) for k, v in m.items()]
    for k, _ in mime:
        del m[k]
    for k, v in headers:
        m[k] = v
    for k, v in mime:
        m[k] = v
    return m.as_bytes()


# --------------------------------------------------------------------------
# mail texts (based on the published wordings in /work/shared/notices.md)
# --------------------------------------------------------------------------

SAKURA_SUBJ_FAILED = "[さくらインターネット]【重要】無料SSL証明書 更新エラーについて"
SAKURA_SUBJ_FAILED_HELP = "[さくらインターネット]【重要】無料SSL SSLサーバ証明書 更新エラーについて"
SAKURA_SUBJ_FAILED_V3 = "【重要】無料SSLサーバ証明書 更新のエラーについて"
SAKURA_SUBJ_FAILED_V4 = "SSLサーバ証明書 更新のエラーについて"
SAKURA_SUBJ_EXPIRY = "[さくらインターネット]【重要】SSLサーバ証明書 有効期間に関するご案内"
CONOHA_SUBJ_20 = "[ConoHa] SSLサーバ証明書更新のご案内(20日前)"
CONOHA_SUBJ_10 = "[ConoHa] SSLサーバ証明書更新のご案内(10日前)"

RULE_EQ = "=" * 66
RULE_DASH = "-" * 66
RULE_CONOHA = "￣" * 32
RULE_BOLD = "━" * 32


def sakura_block(account, cn, *, acct_sep=":", cn_sep=" :", cn_line=True):
    lines = [RULE_EQ, "《 SSLサーバ証明書の情報 》"]
    if account is not None:
        lines.append("レンタルサーバアカウント%s%s" % (acct_sep, account))
    lines.append("サーバ証明書種別:Let’s Encrypt")
    if cn_line:
        lines.append("コモンネーム%s%s" % (cn_sep, cn if cn is not None else ""))
    lines.append(RULE_EQ)
    return "\n".join(lines)


def sakura_footer(*, urls=True, cp932=False):
    if cp932:
        return ("※本メールは送信専用アドレスからお送りしております。\n"
                "　ご返信いただいてもお答えいたしかねますので、あらかじめご了承ください。\n\n"
                + RULE_DASH + "\n"
                "さくらインターネット㈱ カスタマーセンター\n"
                "受付時間：10:00～18:00（土日祝日、年末年始を除く）\n"
                "サポートサイト https://help.sakura.ad.jp/\n"
                + RULE_DASH + "\n")
    return ("※本メールは送信専用アドレスからお送りしております。\n"
            "　ご返信いただいてもお答えいたしかねますので、あらかじめご了承ください。\n\n"
            + RULE_DASH + "\n"
            "さくらインターネット株式会社\n"
            "カスタマーセンター\n"
            + ("サポートサイト https://help.sakura.ad.jp/\n" if urls
               else "サポートサイトは会員メニューからご覧いただけます。\n")
            + RULE_DASH + "\n")


def sakura_failed_text(name, account, cn, *, cn_sep=" :", acct_sep=":",
                       urls=True, cp932=False, phish_url=None):
    steps = ""
    if cp932:
        steps = ("【更新手順】\n"
                 "①サーバコントロールパネルにログインします。\n"
                 "②「ドメイン/SSL」→「ドメイン/SSL」から該当ドメインの「設定」を開きます。\n"
                 "③「SSL設定」→「更新手続きへ進む」→「無料SSLの更新」を行います。\n"
                 "※新しい証明書の発行には数時間～1日程度かかる場合がございます。\n\n")
    elif phish_url:
        steps = ("下記URLより48時間以内にログインし、お支払い情報とSSL設定を更新してください。\n"
                 "期限までにお手続きがない場合、サービスを停止いたします。\n"
                 + phish_url + "\n\n")
    elif urls:
        steps = ("■無料SSLの更新に失敗する場合\n"
                 "https://help.sakura.ad.jp/rs/2248/\n\n"
                 "設定の確認後、サーバコントロールパネルの「ドメイン/SSL」→「SSL設定」より\n"
                 "「更新手続きへ進む」から「無料SSLの更新」を行ってください。\n"
                 "2〜3度手続きを行っても更新が完了しない場合は、カスタマーセンターまでお問い合わせください。\n\n")
    else:
        steps = ("設定の確認後、サーバコントロールパネルの「ドメイン/SSL」→「SSL設定」より\n"
                 "「更新手続きへ進む」から「無料SSLの更新」を行ってください。\n\n")
    return (
        "%s 様\n\n"
        "いつも、さくらインターネットのサービスをご利用いただき誠にありがとうございます。\n\n"
        "このメールは無料SSL機能をご利用のお客様で、証明書の自動更新に失敗した方へお送りしております。\n\n"
        "現在ご利用中の無料SSL機能で自動更新に失敗したため証明書の発行ができませんでした。\n"
        "このままの状態で証明書の有効期間が満了した場合、該当ドメインでSSL(https)による\n"
        "アクセスができなくなります。\n\n"
        "お手数をおかけいたしますが、サーバコントロールパネルにて設定の確認と対処を行ってください。\n\n"
        % name
        + sakura_block(account, cn, acct_sep=acct_sep, cn_sep=cn_sep) + "\n\n"
        + steps
        + sakura_footer(urls=urls and not phish_url, cp932=cp932)
    )


def sakura_expiry_text(name, account, cn, *, days_txt="【約15日前】", acct_sep=":",
                       cn_sep=" :", phish_url=None):
    extra = ("ご利用中の証明書を継続してご利用いただくには、下記URLより本人確認をお願いいたします。\n"
             + phish_url + "\n\n") if phish_url else (
        "有効期間が満了すると、該当ドメインでSSL(https)によるアクセスができなくなります。\n"
        "サーバコントロールパネルの「ドメイン/SSL」よりドメインとSSLの設定をご確認のうえ、\n"
        "「無料SSLの更新」を行ってください。\n\n")
    return (
        "%s 様\n\n"
        "いつも、さくらインターネットのサービスをご利用いただき誠にありがとうございます。\n\n"
        "ご利用中の無料SSL機能で使用している「Let’s Encrypt」の有効期間満了まで%s"
        "となりましたのでご案内いたします。\n\n"
        % (name, days_txt)
        + sakura_block(account, cn, acct_sep=acct_sep, cn_sep=cn_sep) + "\n\n"
        + extra
        + sakura_footer(urls=not phish_url)
    )


def conoha_block(account, cn, expiry, uuid, *, fw=False):
    if fw:
        lines = [RULE_CONOHA,
                 "ConoHaアカウント：  %s" % account]
        if expiry is not None:
            lines.append("［有効期限］　　　%s" % expiry)
        lines += ["［コモンネーム］　　　%s" % cn,
                  "［UUID］　　　%s" % uuid, RULE_CONOHA]
    else:
        lines = [RULE_CONOHA, "ConoHaアカウント:  %s" % account]
        if expiry is not None:
            lines.append("[有効期限]      %s" % expiry)
        lines += ["[コモンネーム]      %s" % cn, "[UUID]      %s" % uuid, RULE_CONOHA]
    return "\n".join(lines)


def conoha_text(name, kind, account, cn, expiry, uuid, *, fw=False, phish_url=None):
    if kind == "failed":
        lead = ("下記SSLサーバ証明書の自動更新に失敗しました。\n"
                "有効期限日まで残り%sとなります。\n"
                "※有効期限までに更新がされなかった場合Webサイトの表示ができなくなる可能性がございます。\n\n"
                % ("【２０日】" if fw else "【20日】"))
        if phish_url:
            lead += ("証明書を更新するには、下記URLよりログインのうえお支払い方法をご確認ください。\n"
                     + phish_url + "\n\n")
        else:
            lead += ("自動更新は有効期限日までに複数回行われますが、以下サポートページをご参照の上"
                     "該当ドメインの設定状況のご確認をお願いします。\n"
                     "https://support.conoha.jp/w/letsencrypt-update/#02\n\n")
    else:
        lead = ("下記SSLサーバ証明書の有効期限日まで残り%sとなりました。\n\n"
                % ("【１０日】" if fw else "【10日】"))
        if phish_url:
            lead += ("引き続きご利用いただくには、下記URLより更新手続きを行ってください。\n"
                     + phish_url + "\n\n")
    return (
        "%s 様\n\n"
        "いつも ConoHa をご利用いただき、ありがとうございます。\n\n" % name
        + lead
        + conoha_block(account, cn, expiry, uuid, fw=fw) + "\n\n"
        "更新処理には数日〜数週間程度お時間を要する場合がございます。\n"
        "ドメインのネームサーバーが下記に設定されていることをご確認ください。\n"
        "ns-a1.conoha.io\nns-a2.conoha.io\nns-a3.conoha.io\n\n"
        "今後とも ConoHa をよろしくお願いいたします。\n\n"
        "※本メールは送信専用のアドレスよりお送りしております。\n"
        "ご返信いただいてもお答えできませんのでご了承ください。\n\n"
        + RULE_BOLD + "\n"
        "ConoHa by GMO\n"
        "https://www.conoha.jp/\n"
        "GMOインターネット株式会社\n"
        + RULE_BOLD + "\n"
    )


SAKURA_FROM_JIS = addr("さくらインターネット", "support@sakura.ad.jp")
CONOHA_FROM = "ConoHa <no-reply@conoha.jp>"


def sakura_received(rcpt, when, ident="4VfK2x0Z3kz9"):
    return received("smtp-out.sakura.ad.jp", "203.0.113.25", "mx.certnotice.test",
                    ident, rcpt, when + dt.timedelta(seconds=3))


def conoha_received(rcpt, when, ident="4Gq8Yw1mKcz2"):
    return received("mail-out.conoha.jp", "198.51.100.44", "mx.certnotice.test",
                    ident, rcpt, when + dt.timedelta(seconds=2))


# ==========================================================================
# sakura/
# ==========================================================================

def sakura_cases():
    # -- ISO-2022-JP 7bit, hand-built, subject split into several encoded words
    d, mid = jst(2024, 5, 14, 10, 15), "20240514101500.7F3A21C4@sakura.ad.jp"
    body = sakura_failed_text("山田 太郎", "yamada-shop", "example.com")
    data = raw([
        ("Return-Path", "<bounce@sakura.ad.jp>"),
        ("Received", sakura_received("taro@example.com", d)),
        ("Received", "from rs-mailer01.sakura.ad.jp (localhost [127.0.0.1])\n\tby smtp-out.sakura.ad.jp (Postfix) with ESMTP id 3C1F2A0B7;\n\t" + rfcdate(d)),
        ("From", SAKURA_FROM_JIS),
        ("To", "taro@example.com"),
        ("Subject", ew(SAKURA_SUBJ_FAILED, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("sakura", "renewal-failed-iso2022jp",
        "renewal-failed, common subject, ISO-2022-JP 7bit, subject and display name as split `=?ISO-2022-JP?B?` words",
        data, [expect(mid, d, "sakura", "renewal-failed", "example.com", "yamada-shop", None)])

    # -- Shift_JIS quoted-printable, help-page subject variant; March (outage month)
    d, mid = jst(2024, 3, 18, 2, 4, 11), "20240318020411.0A9C44E1@sakura.ad.jp"
    body = sakura_failed_text("小林 花子", "kobayashi", "blog.example.jp")
    data = raw([
        ("Received", sakura_received("hanako@example.jp", d, "4TtR7k2Wbnz1")),
        ("From", addr("さくらインターネット", "support@sakura.ad.jp", "Shift_JIS", "shift_jis")),
        ("To", "hanako@example.jp"),
        ("Subject", ew(SAKURA_SUBJ_FAILED_HELP, "Shift_JIS", "shift_jis")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=Shift_JIS"),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ], qpbody(body.encode("shift_jis")))
    add("sakura", "renewal-failed-helpsubject-sjis-qp",
        "renewal-failed, help-page subject variant (無料SSL SSLサーバ証明書), Shift_JIS quoted-printable",
        data, [expect(mid, d, "sakura", "renewal-failed", "blog.example.jp", "kobayashi", None)])

    # -- EUC-JP 8bit, subject without the [さくらインターネット] prefix
    d, mid = jst(2024, 4, 2, 9, 30), "20240402093000.55D0E6F2@sakura.ad.jp"
    body = sakura_failed_text("田中 一郎", "tanaka01", "example.org")
    data = raw([
        ("Received", sakura_received("ichiro@example.org", d, "4V8mQ3cLpNz6")),
        ("From", addr("さくらインターネット", "support@sakura.ad.jp", "EUC-JP", "euc_jp")),
        ("To", "ichiro@example.org"),
        ("Subject", ew(SAKURA_SUBJ_FAILED_V3, "EUC-JP", "euc_jp")),
        ("Date", "Tue, 2 Apr 2024 09:30:00 +0900 (JST)"),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=EUC-JP"),
        ("Content-Transfer-Encoding", "8bit"),
    ], body.encode("euc_jp"))
    add("sakura", "renewal-failed-eucjp-noprefix",
        "renewal-failed, subject 【重要】無料SSLサーバ証明書 更新のエラーについて (no prefix), EUC-JP 8bit, Date with (JST) comment",
        data, [expect(mid, d, "sakura", "renewal-failed", "example.org", "tanaka01", None)])

    # -- UTF-8 base64 via EmailMessage, shortest subject variant, www. common name
    d, mid = jst(2024, 4, 20, 16, 45, 30), "20240420164530.1B7E9D03@sakura.ad.jp"
    body = sakura_failed_text("中村 健", "nakamura", "www.example.net")
    data = py_modern([
        ("Received", sakura_received("ken@example.net", d, "4VRc1q5XyPz3")),
        ("From", "さくらインターネット <support@sakura.ad.jp>"),
        ("To", "ken@example.net"),
        ("Subject", SAKURA_SUBJ_FAILED_V4),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("sakura", "renewal-failed-utf8-base64",
        "renewal-failed, subject SSLサーバ証明書 更新のエラーについて, UTF-8 base64 (Python EmailMessage), www. common name",
        data, [expect(mid, d, "sakura", "renewal-failed", "www.example.net", "nakamura", None)])

    # -- renewal-failed with no domain anywhere (empty コモンネーム, no URLs in body)
    d, mid = jst(2024, 5, 21, 11, 0, 5), "20240521110005.9E2B7A10@sakura.ad.jp"
    body = sakura_failed_text("鈴木 次郎", "suzuki-web", None, urls=False)
    data = raw([
        ("Received", sakura_received("jiro@example.com", d, "4VkPz8bRt2z5")),
        ("From", SAKURA_FROM_JIS),
        ("To", "jiro@example.com"),
        ("Subject", ew(SAKURA_SUBJ_FAILED, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'text/plain; charset="iso-2022-jp"'),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("sakura", "renewal-failed-no-domain",
        "renewal-failed whose コモンネーム value is empty and whose body has no URL: domain null, reason 'no domain'",
        data, [expect(mid, d, "sakura", "renewal-failed", None, "suzuki-web", None,
                      reasons=["no domain"])])

    # -- expiry warning, ISO-2022-JP by Python compat32 (Header splits the subject);
    #    Date early in the morning JST: its UTC date is the day before.
    d, mid = jst(2024, 6, 3, 6, 40), "20240603064000.3C5D8E7F@sakura.ad.jp"
    body = sakura_expiry_text("山田 太郎", "yamada-shop", "shop.example.com")
    data = py_compat_jis([
        ("Received", sakura_received("taro@example.com", d, "4Vt0Lm9QxKz7")),
        ("From", "%s <support@sakura.ad.jp>" % Header("さくらインターネット", "iso-2022-jp").encode()),
        ("To", "taro@example.com"),
        ("Subject", Header(SAKURA_SUBJ_EXPIRY, "iso-2022-jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("sakura", "expiry-15d-iso2022jp-python",
        "expiry-warning 【約15日前】, ISO-2022-JP written by Python compat32 (Header-split subject); Date 06:40 +0900 (UTC date is the day before)",
        data, [expect(mid, d, "sakura", "expiry-warning", "shop.example.com", "yamada-shop", 15)])

    # -- expiry warning with full-width brackets, colons, digits and spaces; UTF-8 QP (Python)
    d, mid = jst(2024, 7, 1, 14, 20), "20240701142000.6A1F0B2C@sakura.ad.jp"
    body = sakura_expiry_text("佐藤 美咲", "sakura-fw", "example.net", days_txt="【約１５日前】",
                              acct_sep="：", cn_sep="：")
    data = py_modern([
        ("Received", sakura_received("misaki@example.net", d, "4W1bH6sJm0z2")),
        ("From", "さくらインターネット <support@sakura.ad.jp>"),
        ("To", "misaki@example.net"),
        ("Subject", "［さくらインターネット］【重要】SSLサーバ証明書　有効期間に関するご案内"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body, cte="quoted-printable")
    add("sakura", "expiry-15d-fullwidth-utf8-qp",
        "expiry-warning with ［］ brackets and full-width space in subject, 【約１５日前】, アカウント：/コモンネーム： full-width colons; UTF-8 quoted-printable (Python)",
        data, [expect(mid, d, "sakura", "expiry-warning", "example.net", "sakura-fw", 15)])

    # -- HTML only (text/html, <br>/<p>, &amp; &#12450; &nbsp; &#8217;), UTF-8 QP
    d, mid = jst(2024, 8, 10, 9, 0), "20240810090000.2D4C6B8A@sakura.ad.jp"
    html = (
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n"
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\n"
        "<title>SSLサーバ証明書 有効期間に関するご案内</title>\n</head>\n<body>\n"
        "<p>伊藤 愛 様</p>\n"
        "<p>いつも、さくらインターネットのサービスをご利用いただき誠にありがとうございます。</p>\n"
        "<p>ご利用中の無料SSL機能で使用している「Let&#8217;s Encrypt」の有効期間満了まで"
        "<b>【約15日前】</b>となりましたのでご案内いたします。</p>\n"
        "<p>" + RULE_EQ + "<br>《&nbsp;SSLサーバ証明書の情報&nbsp;》<br>"
        "レンタルサーバ&#12450;カウント:sakura-html<br>サーバ証明書種別:Let&#8217;s Encrypt<br>"
        "コモンネーム&nbsp;:shop.example.org<br>" + RULE_EQ + "</p>\n"
        "<p>有効期間が満了すると、該当ドメインでSSL(https)によるアクセスができなくなります。<br>\n"
        "サーバコントロールパネルの「ドメイン/SSL」よりドメインとSSLの設定をご確認ください。</p>\n"
        "<p>よくあるご質問 Q&amp;A：<a href=\"https://help.sakura.ad.jp/?category=ssl&amp;type=free\">"
        "https://help.sakura.ad.jp/</a></p>\n"
        "<p>※本メールは送信専用アドレスからお送りしております。</p>\n"
        "<hr>\n<p>さくらインターネット株式会社<br>カスタマーセンター</p>\n</body>\n</html>\n")
    data = raw([
        ("Received", sakura_received("ai@example.org", d, "4WdF0p2TnVz4")),
        ("From", addr("さくらインターネット", "support@sakura.ad.jp", "UTF-8", "utf-8")),
        ("To", "ai@example.org"),
        ("Subject", ew(SAKURA_SUBJ_EXPIRY, "UTF-8", "utf-8")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/html; charset=UTF-8"),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ], qpbody(html.encode("utf-8")))
    add("sakura", "expiry-15d-html-only",
        "expiry-warning as text/html only (UTF-8 QP): block lines joined by `<br>`, ア as `&#12450;` inside the アカウント label, `&nbsp;` before the colon, `&amp;`",
        data, [expect(mid, d, "sakura", "expiry-warning", "shop.example.org", "sakura-html", 15)])

    # -- multipart/alternative: ISO-2022-JP plain + UTF-8 QP html
    d, mid = jst(2024, 9, 2, 13, 5, 48), "20240902130548.8B0A3F91@sakura.ad.jp"
    plain = sakura_expiry_text("伊藤 誠", "itoh", "example.jp")
    html = ("<html><body>\n<p>伊藤 誠 様</p>\n"
            "<p>ご利用中の無料SSL機能で使用している「Let&#8217;s Encrypt」の有効期間満了まで"
            "【約15日前】となりましたのでご案内いたします。</p>\n<p>" + RULE_EQ +
            "<br>\n《 SSLサーバ証明書の情報 》<br>\nレンタルサーバアカウント:itoh<br>\n"
            "サーバ証明書種別:Let&#8217;s Encrypt<br>\nコモンネーム :example.jp<br>\n" + RULE_EQ +
            "</p>\n<p>さくらインターネット株式会社</p>\n</body></html>\n")
    bnd = "----=_Part_20240902130548_sakura_alt"
    body = (b"This is a multi-part message in MIME format.\n\n--" + bnd.encode() + b"\n"
            b"Content-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n"
            + plain.encode("iso2022_jp") + b"\n--" + bnd.encode() + b"\n"
            b"Content-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n"
            + qpbody(html.encode("utf-8")) + b"\n--" + bnd.encode() + b"--\n")
    data = raw([
        ("Received", sakura_received("makoto@example.jp", d, "4X0sT3vBqRz8")),
        ("From", SAKURA_FROM_JIS),
        ("To", "makoto@example.jp"),
        ("Subject", ew(SAKURA_SUBJ_EXPIRY, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/alternative;\n\tboundary="%s"' % bnd),
    ], body)
    add("sakura", "expiry-15d-multipart-alternative",
        "expiry-warning as multipart/alternative: ISO-2022-JP text/plain + UTF-8 QP text/html (one result)",
        data, [expect(mid, d, "sakura", "expiry-warning", "example.jp", "itoh", 15)])

    # -- CRLF line endings throughout, ISO-2022-JP; Date without day-of-week
    d, mid = jst(2024, 10, 8, 17, 22, 9), "20241008172209.4E6F1A2B@sakura.ad.jp"
    body = sakura_failed_text("渡辺 修", "watanabe", "example.co.jp")
    data = raw([
        ("Received", sakura_received("osamu@example.co.jp", d, "4XnB5c7DeFz0")),
        ("From", SAKURA_FROM_JIS),
        ("To", "osamu@example.co.jp"),
        ("Subject", ew(SAKURA_SUBJ_FAILED, "ISO-2022-JP", "iso2022_jp")),
        ("Date", "8 Oct 2024 17:22:09 +0900"),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"), eol=CRLF)
    add("sakura", "renewal-failed-crlf",
        "renewal-failed with CRLF line endings in headers and body (ISO-2022-JP); Date without day-of-week",
        data, [expect(mid, d, "sakura", "renewal-failed", "example.co.jp", "watanabe", None)])

    # -- IDN common name (UTF-8 base64, Python) -> punycode
    d, mid = jst(2024, 10, 5, 12, 0), "20241005120000.0C1D2E3F@sakura.ad.jp"
    body = sakura_expiry_text("例 恵", "reie", "例え.jp")
    data = py_modern([
        ("Received", sakura_received("megumi@example.com", d, "4XkQ2r4StUz1")),
        ("From", "さくらインターネット <support@sakura.ad.jp>"),
        ("To", "megumi@example.com"),
        ("Subject", SAKURA_SUBJ_EXPIRY),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("sakura", "expiry-15d-idn",
        "expiry-warning for an IDN common name (コモンネーム :例え.jp -> xn--r8jz45g.jp), UTF-8 base64 (Python)",
        data, [expect(mid, d, "sakura", "expiry-warning", "xn--r8jz45g.jp", "reie", 15)])

    # -- upper-case common name with trailing dot
    d, mid = jst(2024, 11, 12, 10, 30), "20241112103000.5F6A7B8C@sakura.ad.jp"
    body = sakura_failed_text("木村 翔", "kimura-shop", "Example-Shop.CO.JP.")
    data = raw([
        ("Received", sakura_received("sho@example-shop.co.jp", d, "4YcW6x8YzAz3")),
        ("From", SAKURA_FROM_JIS),
        ("To", "sho@example-shop.co.jp"),
        ("Subject", ew(SAKURA_SUBJ_FAILED, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("sakura", "renewal-failed-uppercase-trailing-dot",
        "renewal-failed with コモンネーム :Example-Shop.CO.JP. (lower-cased, trailing dot dropped)",
        data, [expect(mid, d, "sakura", "renewal-failed", "example-shop.co.jp", "kimura-shop", None)])

    # -- charset=Shift_JIS but containing CP932-only characters (① ② ③ ～ ㈱), 8bit
    d, mid = jst(2024, 12, 3, 15, 10), "20241203151000.9A8B7C6D@sakura.ad.jp"
    body = sakura_failed_text("高橋 由美", "takahashi", "cafe.example.jp", cp932=True)
    data = raw([
        ("Received", sakura_received("yumi@example.jp", d, "4Z3e7f9GhIz5")),
        ("From", addr("さくらインターネット", "support@sakura.ad.jp", "Shift_JIS", "shift_jis")),
        ("To", "yumi@example.jp"),
        ("Subject", ew(SAKURA_SUBJ_FAILED, "Shift_JIS", "shift_jis")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=Shift_JIS"),
        ("Content-Transfer-Encoding", "8bit"),
    ], body.encode("cp932"))
    add("sakura", "renewal-failed-sjis-cp932-chars",
        "renewal-failed labelled charset=Shift_JIS, 8bit, with CP932-only ① ② ③ ～(U+FF5E) ㈱ that strict Shift_JIS decoders reject",
        data, [expect(mid, d, "sakura", "renewal-failed", "cafe.example.jp", "takahashi", None)])

    # -- forwarded as message/rfc822: outer (user, not a notice) + inner notice.
    #    The inner message carries an Authentication-Results pass naming the trusted
    #    authserv-id, but it is not our MX's header: inner authentic stays null.
    di, midi = jst(2024, 5, 28, 10, 12, 40), "20240528101240.7C8D9E0F@sakura.ad.jp"
    inner_body = sakura_failed_text("株式会社エグザンプル 情報システム部", "exampleco", "corp.example.com")
    inner = raw([
        ("Authentication-Results", "mx.certnotice.test; dkim=pass header.d=sakura.ad.jp;\n\tspf=pass smtp.mailfrom=sakura.ad.jp; dmarc=pass header.from=sakura.ad.jp"),
        ("Received", sakura_received("webmaster@example.com", di, "4VqA1b2C3Dz4")),
        ("From", SAKURA_FROM_JIS),
        ("To", "webmaster@example.com"),
        ("Subject", ew(SAKURA_SUBJ_FAILED, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(di)),
        ("Message-ID", "<%s>" % midi),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], inner_body.encode("iso2022_jp"))
    do, mido = jst(2024, 5, 28, 13, 47, 2), "c3f0a1b2-5d6e-4f70-8a9b-0c1d2e3f4a5b@example.com"
    bnd = "------------fwd0A1B2C3D4E5F60718293A4B5"
    outer_txt = ("佐々木さん\n\n"
                 "さくらからこのメールが届いています。see attached.\n"
                 "添付のメールをご確認のうえ、対応をお願いできますか。\n\n"
                 "-- \n山本\n")
    body = (b"This is a multi-part message in MIME format.\n--" + bnd.encode() + b"\n"
            b"Content-Type: text/plain; charset=UTF-8; format=flowed\n"
            b"Content-Transfer-Encoding: 8bit\n\n" + outer_txt.encode("utf-8") + b"\n--"
            + bnd.encode() + b"\n"
            b"Content-Type: message/rfc822; name=\"attached.eml\"\n"
            b"Content-Disposition: attachment; filename=\"attached.eml\"\n\n"
            + inner + b"\n--" + bnd.encode() + b"--\n")
    data = raw([
        ("Received", received("mail.example.com", "192.0.2.10", "mx.certnotice.test",
                              "4VqF5g6H7Jz8", "sasaki@example.com", do + dt.timedelta(seconds=1))),
        ("Message-ID", "<%s>" % mido),
        ("Date", rfcdate(do)),
        ("MIME-Version", "1.0"),
        ("User-Agent", "Mozilla Thunderbird"),
        ("From", addr("山本 浩", "yamamoto@example.com", "UTF-8", "utf-8")),
        ("To", "sasaki@example.com"),
        ("Subject", "Fwd: " + ew(SAKURA_SUBJ_FAILED, "UTF-8", "utf-8")),
        ("Content-Type", 'multipart/mixed; boundary="%s"' % bnd),
    ], body)
    add("sakura", "forwarded-rfc822",
        "user forwards a renewal-failed notice as a message/rfc822 attachment ('Fwd:', see attached): outer not-a-notice, inner notice with untrusted inner Authentication-Results; the forwarder is not a trusted one, so the attached notice is evidence only (not checked)",
        data, [not_notice(mido, do),
               expect(midi, di, "sakura", "renewal-failed", "corp.example.com", "exampleco", None,
                      reasons=["not a trusted forwarder"])])

    # -- trusted Authentication-Results pass -> authentic true
    d, mid = jst(2024, 6, 17, 9, 45, 12), "20240617094512.1A2B3C4D@sakura.ad.jp"
    body = sakura_failed_text("森 直樹", "mori-naoki", "naoki.example.com")
    data = py_modern([
        ("Return-Path", "<bounce@sakura.ad.jp>"),
        ("Authentication-Results", "mx.certnotice.test; dkim=pass header.d=sakura.ad.jp; spf=pass smtp.mailfrom=sakura.ad.jp; dmarc=pass header.from=sakura.ad.jp"),
        ("Received", sakura_received("naoki@example.com", d, "4W0a9b8C7dz6")),
        ("DKIM-Signature", "v=1; a=rsa-sha256; c=relaxed/relaxed; d=sakura.ad.jp; s=default; h=from:to:subject:date:message-id; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=Zm9vYmFyc2lnbmF0dXJlbm90cmVhbGx5Y2hlY2tlZA=="),
        ("From", "さくらインターネット <support@sakura.ad.jp>"),
        ("To", "naoki@example.com"),
        ("Subject", SAKURA_SUBJ_FAILED),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("sakura", "auth-pass-trusted",
        "renewal-failed from support@sakura.ad.jp with dkim/spf/dmarc=pass by the trusted authserv-id mx.certnotice.test: authentic true (Python)",
        data, [expect(mid, d, "sakura", "renewal-failed", "naoki.example.com", "mori-naoki", None,
                      authentic=True)])

    # -- same pass, but from an untrusted authserv-id -> authentic null
    d, mid = jst(2024, 6, 18, 9, 46, 1), "20240618094601.5E6F7A8B@sakura.ad.jp"
    body = sakura_expiry_text("森 直樹", "mori-naoki", "shop.naoki.example.com")
    data = raw([
        ("Authentication-Results", "mx.untrusted.example;\n\tdkim=pass header.d=sakura.ad.jp header.s=default;\n\tspf=pass smtp.mailfrom=sakura.ad.jp;\n\tdmarc=pass header.from=sakura.ad.jp"),
        ("Received", received("smtp-out.sakura.ad.jp", "203.0.113.25", "mx.untrusted.example",
                              "4W1c2d3E4fz7", "naoki@example.com", d + dt.timedelta(seconds=4))),
        ("From", SAKURA_FROM_JIS),
        ("To", "naoki@example.com"),
        ("Subject", ew(SAKURA_SUBJ_EXPIRY, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("sakura", "auth-pass-untrusted",
        "expiry-warning with a pass from authserv-id mx.untrusted.example (not trusted): authentic null",
        data, [expect(mid, d, "sakura", "expiry-warning", "shop.naoki.example.com", "mori-naoki", 15)])

    # -- a fail counts from any authserv-id (certnotice-rules(5), AUTHENTICITY):
    # a sender cannot gain from forging a "fail", while a pass is only believed
    # from a trusted id.  So this genuine-looking mail is suspicious.
    d, mid = jst(2024, 6, 19, 9, 44, 30), "20240619094430.9C0D1E2F@sakura.ad.jp"
    body = sakura_failed_text("森 直樹", "mori-naoki", "blog.naoki.example.com")
    data = raw([
        ("Authentication-Results", "mx.untrusted.example; dkim=fail (bad signature) header.d=sakura.ad.jp; spf=softfail smtp.mailfrom=sakura.ad.jp; dmarc=fail header.from=sakura.ad.jp"),
        ("Received", received("smtp-out.sakura.ad.jp", "203.0.113.25", "mx.untrusted.example",
                              "4W2e3f4G5hz8", "naoki@example.com", d + dt.timedelta(seconds=4))),
        ("From", SAKURA_FROM_JIS),
        ("To", "naoki@example.com"),
        ("Subject", ew(SAKURA_SUBJ_FAILED, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("sakura", "auth-fail-untrusted",
        "renewal-failed with dkim/dmarc=fail from the untrusted authserv-id mx.untrusted.example: a fail counts from any id, so suspicious",
        data, [expect(mid, d, "sakura", "renewal-failed", "blog.naoki.example.com", "mori-naoki", None,
                      verdict="suspicious", reasons=["dkim=fail"])])


# ==========================================================================
# conoha/
# ==========================================================================

def conoha_cases():
    # -- 20 days, renewal failed, ISO-2022-JP hand-built, explicit [有効期限] != Date+20
    d, mid = jst(2021, 7, 25, 11, 3, 27), "20210725110327.a1b2c3d4e5@conoha.jp"
    body = conoha_text("山田 太郎", "failed", "wingtaro01", "example.blog", "2021/08/15",
                       "0f5a3c2e-7b1d-4e8a-9c6f-2d4b8e1a7c30")
    data = raw([
        ("Received", conoha_received("taro@example.blog", d)),
        ("From", CONOHA_FROM),
        ("To", "taro@example.blog"),
        ("Subject", ew(CONOHA_SUBJ_20, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("conoha", "renewal-failed-20d-iso2022jp",
        "20-day renewal failure, ISO-2022-JP 7bit, split subject; explicit [有効期限] 2021/08/15 wins over Date+20 (2021-08-14)",
        data, [expect(mid, d, "conoha", "renewal-failed", "example.blog", "wingtaro01", 20,
                      explicit="2021-08-15")])

    # -- 20 days, no [有効期限] line -> Date (own offset) + 20; Date 08:12 JST (UTC day before)
    d, mid = jst(2021, 7, 27, 8, 12, 45), "20210727081245.f6e5d4c3b2@conoha.jp"
    body = conoha_text("斎藤 健二", "failed", "kenji-wing", "blog.example.com", None,
                       "5c9e1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e")
    data = py_modern([
        ("Received", conoha_received("kenji@example.com", d, "4Gr1Zx2nLdz3")),
        ("From", CONOHA_FROM),
        ("To", "kenji@example.com"),
        ("Subject", CONOHA_SUBJ_20),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("conoha", "renewal-failed-20d-utf8-base64-no-expiry-date",
        "20-day renewal failure without a [有効期限] line, UTF-8 base64 (Python): expires = Date's local date + 20 (Date 08:12 +0900, UTC date differs)",
        data, [expect(mid, d, "conoha", "renewal-failed", "blog.example.com", "kenji-wing", 20)])

    # -- 10 days (2021 wording, no failure sentence) -> expiry-warning; ISO-2022-JP compat32
    d, mid = jst(2021, 8, 5, 10, 0, 14), "20210805100014.0a1b2c3d4e@conoha.jp"
    body = conoha_text("山田 太郎", "warn", "wingtaro01", "example.blog", "2021/08/16",
                       "0f5a3c2e-7b1d-4e8a-9c6f-2d4b8e1a7c30")
    data = py_compat_jis([
        ("Received", conoha_received("taro@example.blog", d, "4Gx7Qw8eRtz9")),
        ("From", CONOHA_FROM),
        ("To", "taro@example.blog"),
        ("Subject", Header(CONOHA_SUBJ_10, "iso-2022-jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("conoha", "expiry-10d-iso2022jp-python",
        "10-day notice (no failure sentence) = expiry-warning; ISO-2022-JP by Python compat32; explicit 2021/08/16 wins over Date+10 (2021-08-15)",
        data, [expect(mid, d, "conoha", "expiry-warning", "example.blog", "wingtaro01", 10,
                      explicit="2021-08-16")])

    # -- 10 days, full-width everything, Shift_JIS quoted-printable
    d, mid = jst(2021, 9, 20, 19, 30), "20210920193000.1f2e3d4c5b@conoha.jp"
    body = conoha_text("小川 理恵", "warn", "wing-ogawa", "shop.example.jp", "2021/09/30",
                       "7d2c9a4e-1f3b-4a5c-9e7d-3b5f7a9c1e2d", fw=True)
    data = raw([
        ("Received", conoha_received("rie@example.jp", d, "4HbV3n5MpQz2")),
        ("From", CONOHA_FROM),
        ("To", "rie@example.jp"),
        ("Subject", ew("［ConoHa］ SSLサーバ証明書更新のご案内（１０日前）", "Shift_JIS", "shift_jis")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=Shift_JIS"),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ], qpbody(body.encode("shift_jis")))
    add("conoha", "expiry-10d-fullwidth-sjis-qp",
        "10-day expiry-warning with ［ConoHa］, （１０日前）, 残り【１０日】, ConoHaアカウント：, ［有効期限］/［コモンネーム］ with full-width spaces; Shift_JIS QP",
        data, [expect(mid, d, "conoha", "expiry-warning", "shop.example.jp", "wing-ogawa", 10,
                      explicit="2021-09-30")])

    # -- 20 days, HTML only, UTF-8 base64
    d, mid = jst(2021, 9, 22, 12, 15), "20210922121500.2a3b4c5d6e@conoha.jp"
    nb = "&nbsp;" * 6
    html = (
        "<html>\n<head><meta charset=\"utf-8\"><title>[ConoHa] SSLサーバ証明書更新のご案内(20日前)</title></head>\n"
        "<body style=\"font-family:sans-serif\">\n"
        "<p>前田 亮 様</p>\n"
        "<p>いつも ConoHa をご利用いただき、ありがとうございます。</p>\n"
        "<p>下記SSLサーバ証明書の自動更新に失敗しました。<br>\n"
        "有効期限日まで残り<strong>【20日】</strong>となります。<br>\n"
        "※有効期限までに更新がされなかった場合Webサイトの表示ができなくなる可能性がございます。</p>\n"
        "<p>自動更新は有効期限日までに複数回行われますが、以下サポートページをご参照の上該当ドメインの設定状況のご確認をお願いします。<br>\n"
        "<a href=\"https://support.conoha.jp/w/letsencrypt-update/#02\">https://support.conoha.jp/w/letsencrypt-update/#02</a></p>\n"
        "<p>" + RULE_CONOHA + "<br>ConoHa&#12450;カウント:&nbsp;&nbsp;wing_maeda<br>"
        "[有効期限]" + nb + "2021/10/12<br>[コモンネーム]" + nb + "store.example.net<br>"
        "[UUID]" + nb + "3e8b1d5f-9a2c-4e6b-8d0f-5a7c9e1b3d4f<br>" + RULE_CONOHA + "</p>\n"
        "<p>更新処理には数日&#12316;数週間程度お時間を要する場合がございます。</p>\n"
        "<p>今後とも ConoHa をよろしくお願いいたします。</p>\n"
        "<p>ConoHa by GMO &amp; GMOインターネット株式会社</p>\n</body>\n</html>\n")
    data = raw([
        ("Received", conoha_received("ryo@example.net", d, "4HcW4p6NqRz3")),
        ("From", CONOHA_FROM),
        ("To", "ryo@example.net"),
        ("Subject", ew(CONOHA_SUBJ_20, "UTF-8", "utf-8")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'text/html; charset="UTF-8"'),
        ("Content-Transfer-Encoding", "base64"),
    ], b64body(html.encode("utf-8")))
    # (the ア of アカウント is written as &#12450; here too)
    add("conoha", "renewal-failed-20d-html-only",
        "20-day renewal failure as text/html only (UTF-8 base64), block joined by `<br>`, `&nbsp;` separators, `&#12450;` inside the label, `<strong>【20日】</strong>`",
        data, [expect(mid, d, "conoha", "renewal-failed", "store.example.net", "wing_maeda", 20,
                      explicit="2021-10-12")])

    # -- 20 days, multipart/alternative: EUC-JP plain + UTF-8 QP html
    d, mid = jst(2021, 10, 14, 15, 40, 2), "20211014154002.3b4c5d6e7f@conoha.jp"
    plain = conoha_text("石井 智子", "failed", "ishii-wing", "example.org", "2021/11/03",
                        "9a1c3e5f-7b2d-4f6a-8c0e-2d4f6b8a0c1e")
    html = ("<html><body>\n<p>石井 智子 様</p>\n<p>下記SSLサーバ証明書の自動更新に失敗しました。<br>\n"
            "有効期限日まで残り【20日】となります。</p>\n<p>" + RULE_CONOHA +
            "<br>\nConoHaアカウント:&nbsp;&nbsp;ishii-wing<br>\n[有効期限]&nbsp;&nbsp;2021/11/03<br>\n"
            "[コモンネーム]&nbsp;&nbsp;example.org<br>\n[UUID]&nbsp;&nbsp;9a1c3e5f-7b2d-4f6a-8c0e-2d4f6b8a0c1e<br>\n"
            + RULE_CONOHA + "</p>\n</body></html>\n")
    bnd = "=_conoha_alt_20211014154002_3b4c5d6e7f"
    body = (b"--" + bnd.encode() + b"\n"
            b"Content-Type: text/plain; charset=EUC-JP\nContent-Transfer-Encoding: 8bit\n\n"
            + plain.encode("euc_jp") + b"\n--" + bnd.encode() + b"\n"
            b"Content-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n"
            + qpbody(html.encode("utf-8")) + b"\n--" + bnd.encode() + b"--\n")
    data = raw([
        ("Received", conoha_received("tomoko@example.org", d, "4HdX5q7PrSz4")),
        ("From", CONOHA_FROM),
        ("To", "tomoko@example.org"),
        ("Subject", ew(CONOHA_SUBJ_20, "EUC-JP", "euc_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/alternative; boundary="%s"' % bnd),
    ], body)
    add("conoha", "renewal-failed-20d-multipart-eucjp",
        "20-day renewal failure as multipart/alternative: EUC-JP 8bit text/plain + UTF-8 QP text/html (one result)",
        data, [expect(mid, d, "conoha", "renewal-failed", "example.org", "ishii-wing", 20,
                      explicit="2021-11-03")])

    # -- trusted pass (authentic true), CRLF as written by Python with policy.SMTP
    d, mid = jst(2021, 11, 8, 10, 20, 33), "20211108102033.4c5d6e7f8a@conoha.jp"
    body = conoha_text("松本 悠", "warn", "matsumoto-w", "example.com", "2021/11/18",
                       "2b4d6f8a-0c1e-4a3c-9e5f-7a9c1e3b5d6f")
    data = py_modern([
        ("Authentication-Results", "mx.certnotice.test; dkim=pass header.d=conoha.jp; spf=pass smtp.mailfrom=conoha.jp; dmarc=pass header.from=conoha.jp"),
        ("Received", conoha_received("yu@example.com", d, "4Hh8Tw2UvWz5")),
        ("From", CONOHA_FROM),
        ("To", "yu@example.com"),
        ("Subject", CONOHA_SUBJ_10),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body, cte="quoted-printable", pol=policy.SMTP)
    add("conoha", "auth-pass-trusted-crlf",
        "10-day expiry-warning from no-reply@conoha.jp with a trusted dkim/spf/dmarc pass: authentic true; CRLF + UTF-8 QP written by Python policy.SMTP",
        data, [expect(mid, d, "conoha", "expiry-warning", "example.com", "matsumoto-w", 10,
                      explicit="2021-11-18", authentic=True)])

    # -- genuine subdomain sender, raw 8-bit UTF-8 subject (no encoded words), 8bit body
    d, mid = jst(2021, 12, 1, 9, 5), "20211201090500.5d6e7f8a9b@mail.conoha.jp"
    body = conoha_text("長谷川 大輔", "failed", "hasegawa01", "www.example.jp", "2021/12/21",
                       "4c6e8a0c-2e4a-4b6d-8f1a-3c5e7a9c1b2d")
    data = raw([
        ("Received", received("mail.conoha.jp", "198.51.100.45", "mx.certnotice.test",
                              "4JkL6m8NoPz6", "daisuke@example.jp", d + dt.timedelta(seconds=2))),
        ("From", "ConoHa <info@mail.conoha.jp>"),
        ("To", "daisuke@example.jp"),
        ("Subject", CONOHA_SUBJ_20.encode("utf-8")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Transfer-Encoding", "8bit"),
    ], body.encode("utf-8"))
    add("conoha", "subdomain-sender-raw-utf8",
        "20-day renewal failure from info@mail.conoha.jp (subdomain counts as genuine); raw 8-bit UTF-8 Subject and body",
        data, [expect(mid, d, "conoha", "renewal-failed", "www.example.jp", "hasegawa01", 20,
                      explicit="2021-12-21")])


# ==========================================================================
# negative/  (all not-a-notice)
# ==========================================================================

def negative_cases():
    # -- Sakura: certificate issued (has a コモンネーム block, but is not a warning)
    d, mid = jst(2024, 2, 20, 14, 2, 33), "20240220140233.6E7F8091@sakura.ad.jp"
    body = ("山田 太郎 様\n\n"
            "いつも、さくらインターネットのサービスをご利用いただき誠にありがとうございます。\n\n"
            "お申し込みいただきましたSSLサーバ証明書の発行が完了しましたのでお知らせいたします。\n"
            "証明書はサーバコントロールパネルの「ドメイン/SSL」より自動的に設定されます。\n\n"
            + sakura_block("yamada-shop", "example.com") + "\n"
            "有効期間:2024/02/20 〜 2024/05/20\n\n"
            "無料SSL証明書は有効期間満了前に自動で更新されます。\n\n" + sakura_footer())
    data = raw([
        ("Received", sakura_received("taro@example.com", d, "4Tk9Lm1NbVz2")),
        ("From", SAKURA_FROM_JIS),
        ("To", "taro@example.com"),
        ("Subject", ew("[さくらインターネット]SSLサーバ証明書発行のお知らせ", "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("negative", "sakura-ssl-issued",
        "Sakura 'SSLサーバ証明書発行のお知らせ' (issued) from support@sakura.ad.jp, with the same 《 SSLサーバ証明書の情報 》 block",
        data, [not_notice(mid, d)])

    # -- Sakura: domain renewal reminder (expiry date and 残り30日, but a domain, not a certificate)
    d, mid = jst(2024, 7, 1, 10, 0), "20240701100000.7F8091A2@sakura.ad.jp"
    body = ("山田 太郎 様\n\n"
            "いつも、さくらインターネットのサービスをご利用いただき誠にありがとうございます。\n\n"
            "ご利用中のドメインの有効期限が近づいておりますのでご案内いたします。\n"
            "有効期限まで残り30日となりました。期限までに更新のお手続きをお願いいたします。\n\n"
            "■ドメイン情報\n"
            "ドメイン名 :example.jp\n"
            "有効期限 :2024/07/31\n"
            "自動更新 :無効\n\n"
            "更新のお手続きは会員メニューの「契約サービス一覧」から行えます。\n"
            "https://secure.sakura.ad.jp/menu/\n\n" + sakura_footer())
    data = py_modern([
        ("Received", sakura_received("taro@example.com", d, "4W1Zx3Cv5Bz6")),
        ("From", "さくらインターネット <info@sakura.ad.jp>"),
        ("To", "taro@example.com"),
        ("Subject", "[さくらインターネット]ドメイン更新のご案内(example.jp)"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("negative", "sakura-domain-renewal",
        "Sakura 'ドメイン更新のご案内' (domain registration renewal, 残り30日, 有効期限 date), UTF-8 base64 (Python)",
        data, [not_notice(mid, d)])

    # -- Sakura: maintenance announcement mentioning free-SSL renewal
    d, mid = jst(2024, 8, 26, 15, 0), "20240826150000.8091A2B3@sakura.ad.jp"
    body = ("お客様各位\n\n"
            "いつも、さくらインターネットのサービスをご利用いただき誠にありがとうございます。\n\n"
            "さくらのレンタルサーバにおいて、下記日程でメンテナンスを実施いたします。\n"
            "メンテナンス中は無料SSL証明書の新規発行および更新処理を一時停止いたします。\n"
            "期間中に更新時期を迎える証明書は、メンテナンス終了後に順次自動更新されます。\n"
            "お客様による作業は必要ございません。\n\n"
            "■日時\n2024年9月10日(火) 2:00 〜 6:00\n\n"
            "■対象\nさくらのレンタルサーバ 無料SSL機能\n\n"
            "詳細はメンテナンス・障害情報をご確認ください。\n"
            "https://support.sakura.ad.jp/mainte/\n\n" + sakura_footer())
    data = raw([
        ("Received", sakura_received("taro@example.com", d, "4WjK6l8MnOz9")),
        ("From", addr("さくらインターネット", "info@sakura.ad.jp")),
        ("To", "taro@example.com"),
        ("Subject", ew("[さくらインターネット]【メンテナンス】レンタルサーバ 無料SSL機能のメンテナンスのお知らせ",
                       "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("negative", "sakura-maintenance",
        "Sakura maintenance announcement from info@sakura.ad.jp about free-SSL issuance/renewal being paused",
        data, [not_notice(mid, d)])

    # -- reply quoting the notice with '> '
    d, mid = jst(2024, 5, 14, 11, 2, 17), "5a6b7c8d-1e2f-4031-9425-36a7b8c9d0e1@example.com"
    quoted = sakura_failed_text("山田 太郎", "yamada-shop", "example.com")
    qtext = "\n".join(("> " + l) if l else ">" for l in quoted.rstrip("\n").split("\n"))
    body = ("佐藤さん\n\n"
            "さくらから下記のメールが来ていたので、SSL設定の更新を済ませました。\n"
            "数時間で新しい証明書に切り替わるはずです。\n\n"
            "山田\n\n"
            "2024年5月14日(火) 10:15 さくらインターネット <support@sakura.ad.jp>:\n"
            + qtext + "\n")
    data = raw([
        ("Received", received("mail.example.com", "192.0.2.10", "mx.certnotice.test",
                              "4VfM3n5PqRz1", "sato@example.com", d + dt.timedelta(seconds=1))),
        ("From", addr("山田 太郎", "taro@example.com")),
        ("To", "sato@example.com"),
        ("Subject", "Re: " + ew(SAKURA_SUBJ_FAILED, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("In-Reply-To", "<20240514101500.7F3A21C4@sakura.ad.jp>"),
        ("References", "<20240514101500.7F3A21C4@sakura.ad.jp>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("negative", "reply-quoted-sakura",
        "user's 'Re: [さくらインターネット]【重要】無料SSL証明書 更新エラーについて' whose body only quotes the notice with '> ' lines",
        data, [not_notice(mid, d)])

    # -- reply quoting with full-width '＞' (Sakura subject, Outlook-style 'RE:')
    d, mid = jst(2024, 5, 15, 9, 31, 50), "TYCPR01MB1234567A1B2C3D4E5F6@TYCPR01MB1234.jpnprd01.prod.example.com"
    quoted = sakura_failed_text("山田 太郎", "yamada-shop", "example.com")
    qtext = "\n".join("＞" + l for l in quoted.rstrip("\n").split("\n"))
    body = ("山田さん\n\n"
            "ご対応ありがとうございます。\n"
            "念のため明日ブラウザで証明書の有効期限を確認しておきます。\n\n"
            "佐藤\n\n"
            "-----Original Message-----\n"
            "From: さくらインターネット <support@sakura.ad.jp>\n"
            "Sent: Tuesday, May 14, 2024 10:15 AM\n"
            "Subject: " + SAKURA_SUBJ_FAILED + "\n\n"
            + qtext + "\n")
    data = py_modern([
        ("Received", received("mail.example.com", "192.0.2.10", "mx.certnotice.test",
                              "4VgN4o6QrSz2", "taro@example.com", d + dt.timedelta(seconds=1))),
        ("From", "佐藤 花子 <sato@example.com>"),
        ("To", "山田 太郎 <taro@example.com>"),
        ("Subject", "RE: " + SAKURA_SUBJ_FAILED),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("In-Reply-To", "<5a6b7c8d-1e2f-4031-9425-36a7b8c9d0e1@example.com>"),
        ("References", "<20240514101500.7F3A21C4@sakura.ad.jp> <5a6b7c8d-1e2f-4031-9425-36a7b8c9d0e1@example.com>"),
    ], body, cte="quoted-printable")
    add("negative", "reply-quoted-fullwidth",
        "Outlook-style 'RE:' reply quoting the Sakura notice with full-width '＞' lines and an Original Message header block (UTF-8 QP, Python)",
        data, [not_notice(mid, d)])

    # -- English, unrelated
    d = dt.datetime(2024, 6, 4, 17, 5, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
    mid = "CAFx9Zq3Lm0example1234567890@mail.example.org"
    body = ("Hi team,\n\n"
            "Quick reminder that the quarterly planning meeting moved to Thursday at 10am.\n"
            "Please update the shared agenda with your items before Wednesday night.\n\n"
            "Thanks,\nAlice\n")
    data = raw([
        ("Received", received("mail.example.org", "192.0.2.33", "mx.certnotice.test",
                              "4VtP5q7RsTz3", "team@example.com", d + dt.timedelta(seconds=5))),
        ("From", "Alice Example <alice@example.org>"),
        ("To", "team@example.com"),
        ("Subject", "Planning meeting moved to Thursday"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=us-ascii"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("ascii"))
    add("negative", "english-unrelated",
        "unrelated English mail (us-ascii, Date offset -0700)",
        data, [not_notice(mid, d)])

    # -- ConoHa campaign mail, multipart/alternative UTF-8
    d, mid = jst(2021, 10, 1, 12, 0), "20211001120000.6e7f8a9b0c@conoha.jp"
    plain = ("ConoHa をご利用のみなさま\n\n"
             "いつも ConoHa をご利用いただき、ありがとうございます。\n\n"
             "★ConoHa WING 秋の大感謝キャンペーン開催中★\n"
             "WINGパックの長期利用で、月額料金が最大55%OFF！\n"
             "さらに、独自ドメインが2つ永久無料・無料独自SSLも標準搭載。\n\n"
             "キャンペーン期間：2021/10/01 〜 2021/10/31\n"
             "https://www.conoha.jp/wing/campaign/\n\n"
             "※本メールは配信を希望されたお客様にお送りしています。\n"
             "配信停止：https://www.conoha.jp/mail/unsubscribe/\n\n"
             + RULE_BOLD + "\nConoHa by GMO\n" + RULE_BOLD + "\n")
    html = ("<html><body>\n<h1>ConoHa WING 秋の大感謝キャンペーン</h1>\n"
            "<p>WINGパックの長期利用で、月額料金が<b>最大55%OFF</b>！<br>"
            "独自ドメインが2つ永久無料&amp;無料独自SSLも標準搭載。</p>\n"
            "<p><a href=\"https://www.conoha.jp/wing/campaign/\">キャンペーン詳細はこちら</a></p>\n"
            "</body></html>\n")
    bnd = "=_conoha_campaign_20211001"
    body = (b"--" + bnd.encode() + b"\n"
            b"Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n"
            + b64body(plain.encode("utf-8")) + b"--" + bnd.encode() + b"\n"
            b"Content-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n"
            + b64body(html.encode("utf-8")) + b"--" + bnd.encode() + b"--\n")
    data = raw([
        ("Received", conoha_received("taro@example.blog", d, "4HaU2m4LoPz1")),
        ("From", "ConoHa by GMO <news@conoha.jp>"),
        ("To", "taro@example.blog"),
        ("Subject", ew("【ConoHa】最大55%OFF！秋の大感謝キャンペーン開催中", "UTF-8", "utf-8")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/alternative; boundary="%s"' % bnd),
        ("List-Unsubscribe", "<https://www.conoha.jp/mail/unsubscribe/>"),
    ], body)
    add("negative", "conoha-campaign",
        "ConoHa campaign mail from news@conoha.jp (multipart/alternative, UTF-8 base64) mentioning 無料独自SSL",
        data, [not_notice(mid, d)])

    # -- ConoHa announcement about the September 2021 renewal problem (not a notice)
    d, mid = jst(2021, 9, 16, 18, 0), "20210916180000.7f8a9b0c1d@conoha.jp"
    body = ("ConoHa WINGをご利用のお客様各位\n\n"
            "いつも ConoHa をご利用いただき、ありがとうございます。\n\n"
            "先般よりお伝えしておりましたConoHa WINGにてご利用いただいております無料独自SSLの自動更新におきまして"
            "更新が正常に完了するドメインの状態であっても失敗する事象につきまして続報をご報告いたします。\n\n"
            "更新システムの負荷に起因して処理が遅延していることが確認できたため、"
            "現在負荷分散を実施させていただいている状況でございます。\n\n"
            "無料独自SSLの更新の失敗に関するご連絡が送付されました場合は、"
            "コントロールパネルの「サイト管理」→「サイトセキュリティ」→「無料独自SSL」より、"
            "利用設定を一度OFFにしてから再度ONにする操作をお試しください。\n\n"
            "お客様へは大変ご不便をおかけしており、誠に申し訳ございません。\n\n"
            + RULE_BOLD + "\nConoHa by GMO\nhttps://www.conoha.jp/\n" + RULE_BOLD + "\n")
    data = py_modern([
        ("Received", conoha_received("taro@example.blog", d, "4HbV9x1YzAz7")),
        ("From", "ConoHa <info@conoha.jp>"),
        ("To", "taro@example.blog"),
        ("Subject", "[ConoHa] 【続報】ConoHa WING 無料独自SSLの自動更新に関するお知らせ"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("negative", "conoha-ssl-incident-news",
        "ConoHa announcement (Sep 2021) that free-SSL renewals were failing: talks about 自動更新/失敗 but names no certificate",
        data, [not_notice(mid, d)])


# ==========================================================================
# phishing/  (suspicious, authentic false)
# ==========================================================================

def phishing_cases():
    # -- Sakura renewal-failed copy from support@sakura.ne.jp
    d, mid = jst(2024, 5, 16, 3, 12, 55), "20240516031255.D1E2F3A4@sakura.ne.jp"
    body = sakura_failed_text("お客", "yamada-shop", "example.com",
                              phish_url="https://secure-sakura.example/rs/login?session=8f3a2c")
    data = raw([
        ("Received", received("unknown", "198.51.100.200", "mx.certnotice.test",
                              "4VhQ8r0StUz4", "taro@example.com", d + dt.timedelta(seconds=7))),
        ("From", addr("さくらインターネット", "support@sakura.ne.jp")),
        ("To", "taro@example.com"),
        ("Subject", ew(SAKURA_SUBJ_FAILED, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("phishing", "sakura-ne-jp-sender",
        "Sakura renewal-failed copy sent from support@sakura.ne.jp (look-alike domain) with a login link",
        data, [expect(mid, d, "sakura", "renewal-failed", "example.com", "yamada-shop", None,
                      verdict="suspicious", reasons=["not a genuine"])])

    # -- unrelated domain, [さくらインターネット] prefix, display name 'SAKURA internet Inc.'
    d, mid = jst(2024, 6, 9, 22, 48, 3), "20240609224803.0123ABCD@sakura-rs-support.example"
    body = sakura_expiry_text("お客", "yamada-shop", "shop.example.com",
                              phish_url="https://sakura-rs-support.example/verify/")
    data = py_modern([
        ("Received", received("mta7.sakura-rs-support.example", "198.51.100.201", "mx.certnotice.test",
                              "4VwX1y3ZaBz5", "taro@example.com", d + dt.timedelta(seconds=9))),
        ("From", '"SAKURA internet Inc." <info@sakura-rs-support.example>'),
        ("Reply-To", "support@sakura-rs-support.example"),
        ("To", "taro@example.com"),
        ("Subject", SAKURA_SUBJ_EXPIRY),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("phishing", "sakura-displayname-other-domain",
        "expiry-warning copy with the [さくらインターネット] prefix from an unrelated domain, display name 'SAKURA internet Inc.' (UTF-8 base64, Python)",
        data, [expect(mid, d, "sakura", "expiry-warning", "shop.example.com", "yamada-shop", 15,
                      verdict="suspicious", reasons=["not a genuine"])])

    # -- sakura.ad.jp only as a left-hand label of another domain
    d, mid = jst(2024, 7, 22, 4, 5, 6), "20240722040506.ABCDEF01@sakura.ad.jp.cert-renew.example"
    body = sakura_failed_text("お客", "watanabe", "example.co.jp",
                              phish_url="https://sakura.ad.jp.cert-renew.example/ssl/")
    data = raw([
        ("Received", received("sakura.ad.jp.cert-renew.example", "198.51.100.202", "mx.certnotice.test",
                              "4X5c6d7EfGz6", "osamu@example.co.jp", d + dt.timedelta(seconds=3))),
        ("From", addr("さくらインターネット", "support@sakura.ad.jp.cert-renew.example", "UTF-8", "utf-8")),
        ("To", "osamu@example.co.jp"),
        ("Subject", ew(SAKURA_SUBJ_FAILED, "UTF-8", "utf-8")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "base64"),
    ], b64body(body.encode("utf-8")))
    add("phishing", "sakura-ad-jp-prefix-domain",
        "renewal-failed copy from support@sakura.ad.jp.cert-renew.example (genuine name as a prefix, not a parent domain)",
        data, [expect(mid, d, "sakura", "renewal-failed", "example.co.jp", "watanabe", None,
                      verdict="suspicious", reasons=["not a genuine"])])

    # -- ConoHa copy from conoha-support.com
    d, mid = jst(2021, 9, 8, 1, 30), "20210908013000.9f8e7d6c5b@conoha-support.com"
    body = conoha_text("お客", "failed", "wingtaro01", "example.blog", "2021/09/28",
                       "0f5a3c2e-7b1d-4e8a-9c6f-2d4b8e1a7c30",
                       phish_url="https://conoha-support.com/login/ssl-renew")
    data = raw([
        ("Received", received("mail.conoha-support.com", "198.51.100.203", "mx.certnotice.test",
                              "4H7k8L9mNoz7", "taro@example.blog", d + dt.timedelta(seconds=4))),
        ("From", "ConoHa <support@conoha-support.com>"),
        ("To", "taro@example.blog"),
        ("Subject", ew(CONOHA_SUBJ_20, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("phishing", "conoha-support-com",
        "ConoHa 20-day renewal-failed copy from support@conoha-support.com",
        data, [expect(mid, d, "conoha", "renewal-failed", "example.blog", "wingtaro01", 20,
                      explicit="2021-09-28", verdict="suspicious", reasons=["not a genuine"])])

    # -- ConoHa copy from myconoha.jp: ends in 'conoha.jp' but not at a dot boundary
    d, mid = jst(2021, 10, 3, 23, 59), "20211003235900.1a2b3c4d5e@myconoha.jp"
    body = conoha_text("お客", "warn", "kenji-wing", "blog.example.com", None,
                       "5c9e1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e",
                       phish_url="https://myconoha.jp/wing/ssl/")
    data = py_modern([
        ("Received", received("smtp.myconoha.jp", "198.51.100.204", "mx.certnotice.test",
                              "4Hj1K2l3Mnz8", "kenji@example.com", d + dt.timedelta(seconds=2))),
        ("From", "ConoHa <no-reply@myconoha.jp>"),
        ("To", "kenji@example.com"),
        ("Subject", CONOHA_SUBJ_10),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("phishing", "conoha-suffix-no-dot",
        "ConoHa 10-day copy from no-reply@myconoha.jp (ends in 'conoha.jp' without a dot boundary); no [有効期限] so Date+10 (UTF-8 base64, Python)",
        data, [expect(mid, d, "conoha", "expiry-warning", "blog.example.com", "kenji-wing", 10,
                      verdict="suspicious", reasons=["not a genuine"])])

    # -- genuine-looking From, but trusted Authentication-Results say dkim/spf/dmarc=fail
    d, mid = jst(2024, 8, 1, 2, 17, 40), "20240801021740.F0E1D2C3@sakura.ad.jp"
    body = sakura_failed_text("お客", "itoh", "example.jp",
                              phish_url="https://sakura-ssl-update.example/login")
    data = raw([
        ("Authentication-Results", "mx.certnotice.test; dkim=fail (signature verification failed) header.d=sakura.ad.jp;\n\tspf=fail smtp.mailfrom=sakura.ad.jp; dmarc=fail (p=REJECT) header.from=sakura.ad.jp"),
        ("Received", received("vps-4411.hosting.example", "198.51.100.205", "mx.certnotice.test",
                              "4WqR2s4TuVz9", "makoto@example.jp", d + dt.timedelta(seconds=6))),
        ("From", SAKURA_FROM_JIS),
        ("To", "makoto@example.jp"),
        ("Subject", ew(SAKURA_SUBJ_FAILED, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("phishing", "sakura-trusted-dkim-fail",
        "From support@sakura.ad.jp but the trusted mx.certnotice.test says dkim=fail, spf=fail, dmarc=fail",
        data, [expect(mid, d, "sakura", "renewal-failed", "example.jp", "itoh", None,
                      verdict="suspicious", reasons=["dkim=fail"])])


# -- issue #16: look-alike From domains and forged Authentication-Results
# (a block of its own; the expectations follow from what is written here)
def security_phishing_cases():
    # -- From domain in fullwidth letters and a fullwidth full stop: the MTA
    #    checked SPF/DKIM/DMARC against that literal, not against conoha.jp
    d, mid = jst(2024, 9, 3, 2, 10, 30), "20240903021030.5e6f7a8b@conoha-mail.example"
    body = conoha_text("お客", "failed", "wingtaro01", "example.blog", "2024/09/23",
                       "3b1c5d7e-9f0a-4b2c-8d6e-1f3a5c7e9b0d",
                       phish_url="https://conoha-mail.example/login/ssl-renew")
    data = raw([
        ("Received", received("mail.conoha-mail.example", "198.51.100.220", "mx.certnotice.test",
                              "4Kx1Y2z3AbCz1", "taro@example.blog", d + dt.timedelta(seconds=4))),
        ("From", "ConoHa <no-reply@ｃｏｎｏｈａ．ｊｐ>".encode("utf-8")),
        ("To", "taro@example.blog"),
        ("Subject", ew(CONOHA_SUBJ_20, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("phishing", "conoha-fullwidth-from-domain",
        "ConoHa 20-day renewal-failed copy from no-reply@ｃｏｎｏｈａ．ｊｐ (fullwidth letters and full stop: NFKC/IDNA-equal to conoha.jp, a different literal domain)",
        data, [expect(mid, d, "conoha", "renewal-failed", "example.blog", "wingtaro01", 20,
                      explicit="2024-09-23", verdict="suspicious", reasons=["look-alike of conoha.jp"])])

    # -- cPanel expiry from a server name with ideographic full stops
    d = dt.datetime(2024, 4, 13, 0, 4, 41, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    mid = "1712934281.2941.cpanel@sv1234.mixhost-notice.example"
    body = ('The AutoSSL certificate for the website "example.com" will expire soon, and\n'
            "AutoSSL has not been able to replace it.\n\n"
            "Website: example.com\n"
            "Certificate expires: April 18, 2024 at 12:00:00 AM UTC (in 5 days)\n"
            "Domains on the certificate: example.com, www.example.com\n\n"
            'Log in to renew: https://mixhost-notice.example/cpanel/login\n\n'
            "-- \ncPanel on sv1234.mixhost.jp\n")
    data = raw([
        ("Received", received("mail.mixhost-notice.example", "198.51.100.221", "mx.certnotice.test",
                              "4Lm2N3o4PqRz2", "owner@example.com", d + dt.timedelta(seconds=5))),
        ("From", '"cPanel on sv1234.mixhost.jp" <cpanel@sv1234.mixhost。jp>'.encode("utf-8")),
        ("To", "owner@example.com"),
        ("Subject", "AutoSSL certificate expiry on 2024-04-18 UTC"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=us-ascii"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("ascii"))
    add("phishing", "cpanel-ideographic-full-stop",
        "cPanel AutoSSL expiry copy from cpanel@sv1234.mixhost。jp (U+3002 ideographic full stop: IDNA maps it to sv1234.mixhost.jp, the literal is another domain)",
        data, [expect(mid, d, "cpanel-autossl", "expiry-warning", "example.com", None, 5,
                      explicit="2024-04-18", verdict="suspicious", reasons=["look-alike of sv1234.mixhost.jp"])])

    # -- a From group hides a foreign member before the genuine address
    d, mid = jst(2024, 10, 8, 3, 33, 3), "20241008033303.7A8B9C0D@sakura-info.example"
    body = sakura_failed_text("お客", "kato", "example.net",
                              phish_url="https://sakura-info.example/rs/login")
    data = raw([
        ("Received", received("mail.sakura-info.example", "198.51.100.222", "mx.certnotice.test",
                              "4Mn3O4p5QrSz3", "kato@example.net", d + dt.timedelta(seconds=2))),
        ("From", "notice: info@sakura-info.example;, support@sakura.ad.jp"),
        ("To", "kato@example.net"),
        ("Subject", ew(SAKURA_SUBJ_FAILED, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("phishing", "sakura-from-group-member",
        "renewal-failed copy whose From is a group (notice: info@sakura-info.example;) followed by support@sakura.ad.jp: every mailbox counts",
        data, [expect(mid, d, "sakura", "renewal-failed", "example.net", "kato", None,
                      verdict="suspicious", reasons=["sakura-info.example is not a genuine"])])

    # -- the MTA's own field says dmarc=none; the sender wrote a pass with the
    #    same authserv-id below the Received: not believed (authentic null)
    d, mid = jst(2024, 10, 9, 5, 1, 12), "20241009050112.1B2C3D4E@sakura.ad.jp"
    body = sakura_failed_text("お客", "sato", "example.org",
                              phish_url="https://sakura-login.example/rs/")
    data = raw([
        ("Authentication-Results", "mx.certnotice.test; dkim=none; spf=none smtp.mailfrom=mailer.example;\n\tdmarc=none header.from=sakura.ad.jp"),
        ("Received", received("mailer.example", "198.51.100.223", "mx.certnotice.test",
                              "4No4P5q6RsTz4", "sato@example.org", d + dt.timedelta(seconds=3))),
        ("Authentication-Results", "mx.certnotice.test; dkim=pass header.d=sakura.ad.jp;\n\tspf=pass smtp.mailfrom=sakura.ad.jp; dmarc=pass header.from=sakura.ad.jp"),
        ("From", SAKURA_FROM_JIS),
        ("To", "sato@example.org"),
        ("Subject", ew(SAKURA_SUBJ_FAILED, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("phishing", "sakura-forged-authres-below-received",
        "From support@sakura.ad.jp; the trusted MTA's topmost Authentication-Results says dmarc=none, a sender-written one with the same authserv-id below the Received says pass: not believed (authentic null, not suspicious)",
        data, [expect(mid, d, "sakura", "renewal-failed", "example.org", "sato", None)])

    # -- a ';' inside a quoted string must not start a 'dkim=pass' clause
    d, mid = jst(2024, 10, 10, 6, 2, 13), "20241010060213.2C3D4E5F@sakura.ad.jp"
    body = sakura_failed_text("お客", "suzuki", "example.info",
                              phish_url="https://sakura-login.example/rs/")
    data = raw([
        ("Authentication-Results", 'mx.certnotice.test; dkim=none reason="x; dkim=pass header.d=sakura.ad.jp";\n\tdmarc=none (dmarc=pass header.from=sakura.ad.jp) header.from=sakura.ad.jp'),
        ("Received", received("mailer.example", "198.51.100.224", "mx.certnotice.test",
                              "4Op5Q6r7StUz5", "suzuki@example.info", d + dt.timedelta(seconds=3))),
        ("From", SAKURA_FROM_JIS),
        ("To", "suzuki@example.info"),
        ("Subject", ew(SAKURA_SUBJ_FAILED, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("phishing", "sakura-authres-pass-in-quotes-and-comment",
        "trusted Authentication-Results whose only 'dkim=pass' / 'dmarc=pass' sit inside a quoted string (with a ';') and a comment: no pass (authentic null)",
        data, [expect(mid, d, "sakura", "renewal-failed", "example.info", "suzuki", None)])


# ==========================================================================
# broken/  (one result each, never a crash)
# ==========================================================================

def garbage(n):
    out, seed = b"", b"certnotice-garbage"
    while len(out) < n:
        seed = hashlib.sha256(seed).digest()
        out += seed
    # make sure the nasty bytes are present: NUL, 0xFF, lone continuation bytes, ESC
    return b"\x00\xff\xfe\x80\xbf\x1b$B" + out[:n] + b"\x00\xc3\x28\xe3\x81"


def broken_cases():
    # -- no Date and no Received: days known, expires null
    mid = "20240523100000.1F2E3D4C@sakura.ad.jp"
    body = sakura_expiry_text("青木 聡", "aoki-s", "aoki.example.com")
    data = raw([
        ("From", SAKURA_FROM_JIS),
        ("To", "satoshi@example.com"),
        ("Subject", ew(SAKURA_SUBJ_EXPIRY, "ISO-2022-JP", "iso2022_jp")),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("broken", "no-date-no-received",
        "expiry-warning (15 days) with neither Date nor Received: date null, expires_claimed null",
        data, [expect(mid, None, "sakura", "expiry-warning", "aoki.example.com", "aoki-s", 15)])

    # -- no Date, but Received headers: topmost (newest) Received date + days
    mid = "20210730000000.2e3f4a5b6c@conoha.jp"
    newest = jst(2021, 7, 30, 10, 0, 3)
    older = jst(2021, 7, 29, 22, 10, 0)      # queued overnight at the sender's relay
    body = conoha_text("藤田 優", "warn", "fujita-w", "fujita.example.net", None,
                       "8e0a2c4e-6a8c-4e0a-9c2e-4a6c8e0a2c4e")
    data = raw([
        ("Received", received("mail-out.conoha.jp", "198.51.100.44", "mx.certnotice.test",
                              "4GvC3d5EfHz1", "yu@example.net", newest)),
        ("Received", "from wing-mailer03.conoha.jp (wing-mailer03.conoha.jp [10.20.30.40])\n\tby mail-out.conoha.jp (Postfix) with ESMTP id 7A1B2C3D4E;\n\t" + rfcdate(older)),
        ("From", CONOHA_FROM),
        ("To", "yu@example.net"),
        ("Subject", ew(CONOHA_SUBJ_10, "ISO-2022-JP", "iso2022_jp")),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("broken", "no-date-with-received",
        "10-day expiry-warning without Date and without [有効期限]: expires = topmost Received date (2021-07-30) + 10; the older Received is 07-29",
        data, [expect(mid, None, "conoha", "expiry-warning", "fujita.example.net", "fujita-w", 10,
                      received=newest)])

    # -- declared charset wrong: says iso-8859-1, bytes are UTF-8 Japanese.
    # JUDGEMENT: expected to be recognised in full (days, account, domain).  The
    # subject is correctly RFC 2047 encoded, and the body bytes are valid UTF-8
    # with many multi-byte sequences, which practically never happens in genuine
    # Latin-1 text; a best-effort decoder that prefers valid UTF-8 over a
    # declared single-byte charset (iso-8859-1 / us-ascii) recovers it exactly.
    d, mid = jst(2024, 9, 24, 11, 11, 11), "20240924111111.3A4B5C6D@sakura.ad.jp"
    body = sakura_expiry_text("野村 恭子", "nomura-k", "kyoko.example.org")
    data = raw([
        ("Received", sakura_received("kyoko@example.org", d, "4XdE6f8GhJz2")),
        ("From", addr("さくらインターネット", "support@sakura.ad.jp", "UTF-8", "utf-8")),
        ("To", "kyoko@example.org"),
        ("Subject", ew(SAKURA_SUBJ_EXPIRY, "UTF-8", "utf-8")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=iso-8859-1"),
        ("Content-Transfer-Encoding", "8bit"),
    ], body.encode("utf-8"))
    add("broken", "wrong-charset-latin1-is-utf8",
        "expiry-warning declared charset=iso-8859-1 whose 8bit body is really UTF-8: expected recovered by a best-effort fallback",
        data, [expect(mid, d, "sakura", "expiry-warning", "kyoko.example.org", "nomura-k", 15)])

    # -- multipart/alternative without a closing boundary (html part cut off)
    d, mid = jst(2021, 8, 30, 14, 0, 0), "20210830140000.4b5c6d7e8f@conoha.jp"
    plain = conoha_text("岡田 純", "failed", "okada-wing", "okada.example.jp", "2021/09/19",
                        "1d3f5b7d-9f1b-4d3f-8b5d-7f9b1d3f5b7d")
    bnd = "=_conoha_alt_20210830140000"
    body = (b"--" + bnd.encode() + b"\n"
            b"Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n"
            + qpbody(plain.encode("utf-8")) + b"\n--" + bnd.encode() + b"\n"
            b"Content-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n"
            + "<html><body>\n<p>岡田 純 様</p>\n<p>下記SSLサーバ証明書の自動更新に失敗しました。<br>\n"
              "有効期限日まで残り【20日】と".encode("utf-8"))
    data = raw([
        ("Received", conoha_received("jun@example.jp", d, "4GzK7l9MnPz3")),
        ("From", CONOHA_FROM),
        ("To", "jun@example.jp"),
        ("Subject", ew(CONOHA_SUBJ_20, "UTF-8", "utf-8")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/alternative; boundary="%s"' % bnd),
    ], body)
    add("broken", "unclosed-multipart-boundary",
        "multipart/alternative whose html part is cut off mid-sentence with no closing boundary; the complete text/plain part still gives the notice",
        data, [expect(mid, d, "conoha", "renewal-failed", "okada.example.jp", "okada-wing", 20,
                      explicit="2021-09-19")])

    # -- header-only: no body at all, not even the blank separator line.
    # JUDGEMENT: the genuine sender and the exact renewal-failed subject are
    # enough to recognise the notice; nothing names the domain -> 'no domain'.
    d, mid = jst(2024, 10, 30, 8, 0, 0), "20241030080000.5C6D7E8F@sakura.ad.jp"
    data = raw([
        ("Received", sakura_received("taro@example.com", d, "4YaB1c3DeFz4")),
        ("From", SAKURA_FROM_JIS),
        ("To", "taro@example.com"),
        ("Subject", ew(SAKURA_SUBJ_FAILED, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], None)
    add("broken", "header-only-no-body",
        "headers only (renewal-failed subject from support@sakura.ad.jp), file ends after the last header: recognised from the subject, 'no domain'",
        data, [expect(mid, d, "sakura", "renewal-failed", None, None, None,
                      reasons=["no domain"])])

    # -- binary garbage (NUL, 0xFF, broken UTF-8, stray ESC) inside the text/plain notice
    d, mid = jst(2021, 11, 25, 16, 20), "20211125162000.5c6d7e8f9a@conoha.jp"
    text = conoha_text("村上 陽介", "warn", "murakami-y", "yosuke.example.com", "2021/12/05",
                       "6a8c0e2a-4c6e-4a8c-9e0a-2c4e6a8c0e2a")
    cut = text.index("更新処理には")
    body = text[:cut].encode("utf-8") + garbage(600) + b"\n\n" + text[cut:].encode("utf-8")
    data = raw([
        ("Received", conoha_received("yosuke@example.com", d, "4JbC2d4EfGz5")),
        ("From", CONOHA_FROM),
        ("To", "yosuke@example.com"),
        ("Subject", ew(CONOHA_SUBJ_10, "UTF-8", "utf-8")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
    ], body)
    add("broken", "binary-garbage-in-text",
        "10-day expiry-warning (UTF-8 8bit) with ~600 bytes of binary garbage (NUL, 0xFF, invalid UTF-8, ESC $ B) after the ￣ block",
        data, [expect(mid, d, "conoha", "expiry-warning", "yosuke.example.com", "murakami-y", 10,
                      explicit="2021-12-05")])

    # -- no From header at all.
    # A genuine notice always has a From in the provider's domain; a mail
    # without one cannot be a genuine notice, so it is suspicious.
    d, mid = jst(2024, 11, 20, 13, 13, 13), "20241120131313.6D7E8F90@sakura.ad.jp"
    body = sakura_failed_text("山田 太郎", "yamada-shop", "nofrom.example.com")
    data = raw([
        ("Received", sakura_received("taro@example.com", d, "4YqR3s5TuVz6")),
        ("To", "taro@example.com"),
        ("Subject", ew(SAKURA_SUBJ_FAILED, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("broken", "no-from",
        "renewal-failed with no From header: recognised, suspicious (no genuine sender)",
        data, [expect(mid, d, "sakura", "renewal-failed", "nofrom.example.com", "yamada-shop", None,
                      verdict="suspicious", reasons=["not a genuine"])])


# ==========================================================================
# Other Japanese hosts (/work/shared/notices.md "Other Japanese hosts"):
# Xserver, Star Server, Lolipop!, NIFCLOUD, CPI, cPanel AutoSSL (mixhost,
# ColorfulBox).  Only the subjects, labels and a few sentences of these mails
# are published; the rest of each body below is written in the same style and
# says nothing the expectations depend on beyond what is marked.
# ==========================================================================

RULE_THIN = "─" * 20

XSERVER_SUBJ_FAILED = "【Xserver】■重要■ SSLサーバー証明書(%s) 更新未完了のお知らせ"
XSERVER_SUBJ_FAILED_NODOMAIN = "【Xserver】■重要■ SSLサーバー証明書更新未完了のお知らせ"
XSERVER_SUBJ_DONE = "【Xserver】■重要■ SSLサーバー証明書(%s) 更新完了のお知らせ"
STAR_SUBJ_FAILED = "SSLサーバー証明書更新未完了のお知らせ"
STAR_SUBJ_FAILED_PREFIX = "【スターサーバー】■重要■SSLサーバー証明書更新未完了のお知らせ"
LOLIPOP_SUBJ_FAILED = "【ロリポップ!】独自SSL(無料)の更新に失敗しました"
LOLIPOP_SUBJ_DONE = "【ロリポップ!】独自SSL(無料)の更新が完了しました"
NIFCLOUD_SUBJ = "SSLサーバー証明書 更新のご案内(富士通クラウドテクノロジーズ)"
CPI_SUBJ = "【重要】%d日前[%s]サーバー証明書のご案内(%s)"

XSERVER_FROM = "Xserver <support@xserver.ne.jp>"
LOLIPOP_FROM_NAME = "ロリポップ!"
NIFCLOUD_FROM = "inquiry_biz@hosting.nifcloud.com"
CPI_FROM_NAME = "CPI SSLサーバー証明書サポート"


def host_received(host, ip, rcpt, when, ident):
    return received(host, ip, "mx.certnotice.test", ident, rcpt, when + dt.timedelta(seconds=2))


def ssl_update_block(server_id, cn, expiry, *, sep=" : ", cn_sep=": ", site=True, plan=True):
    """The ■SSL更新情報 block of the Xserver / Star Server mail."""
    lines = [RULE_THIN, "■SSL更新情報", "【SSLブランド】%sLet’s Encrypt" % sep]
    if plan:
        lines.append("【SSLプラン】%sSNI SSL(ネームベース)" % sep)
    lines += ["【サーバーID】%s%s" % (sep, server_id),
              "【コモンネーム】%s%s" % (cn_sep, cn)]
    if site:
        lines.append("【サイトURL】%shttps://%s" % (sep, cn))
    lines += ["【有効期限日】%s%s" % (sep, expiry), RULE_THIN]
    return "\n".join(lines)


def xserver_failed_text(account_id, email, server_id, cn, expiry, *, subject_cn=None,
                        sep=" : ", cn_sep=": ", phish_url=None):
    head = ("%s\n【Xserver】■重要■ SSLサーバー証明書\n(%s) 更新未完了のお知らせ\n%s\n"
            % (RULE_BOLD, subject_cn or cn, RULE_BOLD))
    if phish_url:
        after = ("証明書の更新を完了するには、48時間以内に下記URLよりログインし、\n"
                 "お支払い情報の確認を行ってください。期限を過ぎるとサーバーが停止されます。\n"
                 + phish_url + "\n\n")
    else:
        after = ("有効期限の25日前、20日前にも改めて自動更新を行い、結果をメールにてお知らせいたします。\n"
                 "ただし、次のような場合は自動更新が繰り返し失敗いたします。\n\n"
                 "・設定ドメインのネームサーバーもしくはDNSレコードが当サービスを参照していない\n"
                 "・.htaccess でページリダイレクト(自動転送)やアクセス制限を設定している\n\n"
                 "お急ぎの場合は、サーバーパネルの「SSL設定」から該当ドメインを選択し、\n"
                 "無料独自SSLの一覧より「更新」をお試しください。\n"
                 "https://www.xserver.ne.jp/manual/man_server_ssl.php\n\n")
    return (
        head
        + "XserverアカウントID%s%s\nメールアドレス%s%s\n\n" % (sep, account_id, sep, email)
        + "平素は当サービスをご利用いただき誠にありがとうございます。\n"
          "Xserver カスタマーサポートでございます。\n\n"
          "サーバーID「%s」で利用中の下記SSLサーバー証明書に関し、\n"
          "当サポートで有効期限の延長をするための更新作業を行いましたが、\n"
          "正常に完了することができませんでした。\n\n" % server_id
        + ssl_update_block(server_id, cn, expiry, sep=sep, cn_sep=cn_sep) + "\n\n"
        + after
        + "今後ともXserverをよろしくお願いいたします。\n\n"
        + RULE_DASH + "\n"
          "エックスサーバー株式会社 カスタマーサポート\n"
          "https://www.xserver.ne.jp/\n"
        + RULE_DASH + "\n"
    )


def star_failed_text(name, server_id, cn, expiry):
    return (
        "%s 様\n\n"
        "スターサーバーをご利用いただき誠にありがとうございます。\n"
        "スターサーバー サポートでございます。\n\n"
        "下記SSLサーバー証明書に関し、当サポートで有効期限の延長するための更新作業を行いましたが、\n"
        "正常に完了することができませんでした。\n\n" % name
        + ssl_update_block(server_id, cn, expiry, site=False, plan=False) + "\n\n"
        "自動更新は有効期限までに改めて行い、結果をメールにてご連絡いたします。\n\n"
        "▼対象ドメインのネームサーバーが「スターサーバー」もしくは「スタードメイン」の場合\n"
        "・対象ドメインが有効であるかを確認する\n"
        "・コモンネーム「%s」の参照先が対象サーバーであることを確認する\n\n"
        "▼対象ドメインのネームサーバーが他サービスの場合\n"
        "・.htaccess に設定の、サイトリダイレクト(自動転送)、アクセス制限・BASIC認証など\n"
        "  コンテンツ表示を制限するものを一時的に無効化する\n\n"
        "お急ぎの場合はサーバー管理ツール内、SSL設定画面の「無料独自SSL」の一覧より、\n"
        "「更新」をお試しください。\n"
        "https://www.star.ne.jp/manual/guide_ssl_free.php\n\n" % cn
        + RULE_DASH + "\n"
        "ネットオウル株式会社 スターサーバー サポート\n"
        "https://www.star.ne.jp/\n"
        + RULE_DASH + "\n"
    )


def lolipop_text(name, domain, *, expiry=None, done=False, phish_url=None):
    if done:
        lead = ("ご利用中の独自SSL(無料)について、SSL証明書の更新が完了しました。\n"
                "お客様による作業は必要ありません。\n\n")
    else:
        lead = ("ご利用中の独自SSL(無料)について、SSL証明書の更新処理を行いましたが、\n"
                "以下のドメインで更新に失敗しました。\n\n")
    block = "■対象ドメイン\n%s\n" % domain
    if expiry:
        block += "\n■証明書の有効期限\n有効期限:%s\n" % expiry
    if done:
        tail = ""
    elif phish_url:
        tail = ("引き続きSSLをご利用いただくには、下記より本人確認を行ってください。\n"
                + phish_url + "\n\n")
    else:
        tail = ("このままの状態で証明書の有効期限を過ぎると、https:// でアクセスした際に\n"
                "ブラウザで警告が表示され、サイトが閲覧できなくなります。\n\n"
                "ドメインのネームサーバー(DNS)がロリポップ!を向いているか、.htaccess で\n"
                "アクセス制限をしていないかをご確認のうえ、ユーザー専用ページの\n"
                "「セキュリティ」→「独自SSL証明書導入」から再度設定を行ってください。\n"
                "https://lolipop.jp/manual/user/ssl-free-order/\n\n")
    return ("%s 様\n\nいつもロリポップ!をご利用いただきありがとうございます。\n\n" % name
            + lead + block + "\n" + tail
            + "--\nロリポップ!\nhttps://lolipop.jp/\nGMOペパボ株式会社\n")


def nifcloud_text(days, cn, expiry, *, fw=False, issued=False):
    if fw:
        cn_line = "◆コモンネーム（ＣＮ）：%s" % cn
        exp_line = "◆有効期限満了日：%s" % expiry
        title = "更新のご案内（%s日前）" % days
    else:
        cn_line = "◆コモンネーム(CN):%s" % cn
        exp_line = "◆有効期限満了日:%s" % expiry
        title = "更新のご案内(%d日前)" % days
    if issued:
        title = "発行完了のお知らせ"
        lead = ("レンタルサーバーサービスをご利用いただき、ありがとうございます。\n"
                "お申込みいただいた SSL証明書 の発行とサーバーへの設定が完了しました。\n"
                "お客様による作業は必要ありません。\n\n")
    else:
        lead = ("レンタルサーバーサービスをご利用いただき、ありがとうございます。\n"
                "お使いの SSL証明書 は、上記の日数が過ぎると有効期限満了となります。\n"
                "引き続きご利用いただく場合は、下記の更新手続きをお願いいたします。\n"
                "証明書をお客様ご自身でご用意されている場合は、有効期限までに新しい証明書を\n"
                "取得のうえ、改めてアップロードしてください。\n\n")
    return ("----------------------------------------\n"
            "ニフクラ レンタルサーバーサービス SSL証明書\n"
            + title + "\n"
            "----------------------------------------\n\n"
            + lead
            + "**************************\n<証明書情報>\n\n"
            + cn_line + "\n\n" + exp_line + "\n\n"
            "**************************\n"
            + ("" if issued else
               "※更新のお申込みについては、下記をご覧ください。\n"
               " https://hosting.nifcloud.com/manual_detail/1916/\n\n")
            + "本メールは送信専用です。お問い合わせはサポートページよりお願いいたします。\n\n"
            "富士通クラウドテクノロジーズ株式会社\n"
            "ニフクラ レンタルサーバー サポート窓口\n")


def cpi_text(name, product, cn, *, expiry=None, days=None, issued=False):
    if issued:
        lead = ("お申し込みいただいたSSLサーバー証明書の発行と、サーバーへの設定が完了しました。\n\n")
    else:
        lead = ("ご利用中のSSLサーバー証明書の有効期限が%d日後に迫ってまいりましたので、ご案内いたします。\n"
                "SSLサーバー証明書は自動では更新されません。引き続きご利用いただく場合は、\n"
                "マイページより更新のお手続きをお願いいたします。\n\n" % days)
    block = ("■ご契約情報\n"
             "SSLサーバー証明書 : %s\n"
             "コモンネーム : %s\n" % (product, cn))
    if expiry:
        block += "有効期限 : %s\n" % expiry
    return ("%s 様\n\n"
            "平素はCPIをご利用いただき、誠にありがとうございます。\n\n" % name
            + lead + block + "\n"
            + ("" if issued else
               "お申し込み方法は、下記のページをご参照ください。\n"
               "https://www.cpi.ad.jp/support/faq/3694\n\n")
            + "※本メールは送信専用アドレスからお送りしています。\n\n"
            "株式会社KDDIウェブコミュニケーションズ\n"
            "CPI SSLサーバー証明書サポート\n")


def xserver_cases():
    # -- 30 days before expiry, domain in the subject, ISO-2022-JP 7bit hand-built
    d, mid = jst(2024, 4, 11, 4, 12, 33), "20240411041233.5E1A2B3C.xs@xserver.ne.jp"
    body = xserver_failed_text("xs1234567", "taro@example.com", "xs123456", "example.com",
                               "2024年5月11日")
    data = raw([
        ("Received", host_received("sv-smtp01.xserver.ne.jp", "203.0.113.61", "taro@example.com",
                                   d, "4VFp1k2Lm3z4")),
        ("From", addr("Xserver", "support@xserver.ne.jp")),
        ("To", "taro@example.com"),
        ("Subject", ew(XSERVER_SUBJ_FAILED % "example.com", "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("xserver", "renewal-failed-iso2022jp",
        "更新未完了 with (example.com) in the subject, ■SSL更新情報 block, 【有効期限日】 : 2024年5月11日 (explicit), 【サーバーID】 as account; ISO-2022-JP 7bit",
        data, [expect(mid, d, "xserver", "renewal-failed", "example.com", "xs123456", None,
                      explicit="2024-05-11")])

    # -- subject without the domain; IDN common name; UTF-8 base64 (Python)
    d, mid = jst(2024, 6, 5, 5, 0, 2), "20240605050002.7C8D9E0F.xs@xserver.ne.jp"
    body = xserver_failed_text("xs7654321", "shop@example.jp", "petshop", "ペット.jp", "2024年6月30日")
    data = py_modern([
        ("Received", host_received("sv-smtp02.xserver.ne.jp", "203.0.113.62", "shop@example.jp",
                                   d, "4VvQ5r6StUz7")),
        ("From", XSERVER_FROM),
        ("To", "shop@example.jp"),
        ("Subject", XSERVER_SUBJ_FAILED_NODOMAIN),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("xserver", "renewal-failed-nodomain-subject-idn-utf8",
        "更新未完了 subject without the domain (domain from 【コモンネーム】: ペット.jp -> punycode); 25-day retry; UTF-8 base64 (Python)",
        data, [expect(mid, d, "xserver", "renewal-failed", "ペット.jp".encode("idna").decode(),
                      "petshop", None, explicit="2024-06-30")])

    # -- full-width colons, digits and parentheses; Shift_JIS quoted-printable
    d, mid = jst(2024, 9, 14, 3, 30), "20240914033000.0A1B2C3D.xs@xserver.ne.jp"
    body = xserver_failed_text("xs2468013", "hanako@example.net", "hanako01", "shop.example.net",
                               "２０２４年１０月４日", subject_cn="ｓｈｏｐ．example．net",
                               sep=" ： ", cn_sep="：")
    data = raw([
        ("Received", host_received("sv-smtp01.xserver.ne.jp", "203.0.113.61", "hanako@example.net",
                                   d, "4X2cD3eF4gz5")),
        ("From", addr("エックスサーバー", "support@xserver.ne.jp", "Shift_JIS", "shift_jis")),
        ("To", "hanako@example.net"),
        ("Subject", ew("【Xserver】■重要■ SSLサーバー証明書（ｓｈｏｐ．example．net） 更新未完了のお知らせ",
                       "Shift_JIS", "shift_jis")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=Shift_JIS"),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ], qpbody(body.encode("shift_jis")))
    add("xserver", "renewal-failed-fullwidth-sjis-qp",
        "20-day retry with full-width （ｓｈｏｐ．example．net） in the subject, 【コモンネーム】：, 【有効期限日】 ： ２０２４年１０月４日; Shift_JIS quoted-printable",
        data, [expect(mid, d, "xserver", "renewal-failed", "shop.example.net", "hanako01", None,
                      explicit="2024-10-04")])

    # -- multipart/alternative: ISO-2022-JP text + UTF-8 QP html; trusted pass; CRLF
    d, mid = jst(2024, 11, 2, 10, 45, 9), "20241102104509.3F4A5B6C.xs@xserver.ne.jp"
    plain = xserver_failed_text("xs1357924", "info@example.org", "exorg", "www.example.org",
                                "2024年12月2日")
    html = ("<html><body>\n<p>平素は当サービスをご利用いただき誠にありがとうございます。<br>"
            "Xserver カスタマーサポートでございます。</p>\n"
            "<p>サーバーID「exorg」で利用中の下記SSLサーバー証明書に関し、<br>"
            "当サポートで有効期限の延長をするための更新作業を行いましたが、<br>"
            "正常に完了することができませんでした。</p>\n"
            "<p>■SSL更新情報<br>【サーバーID】&nbsp;:&nbsp;exorg<br>"
            "【コモンネーム】:&nbsp;www.example.org<br>【有効期限日】&nbsp;:&nbsp;2024年12月2日</p>\n"
            "<p>エックスサーバー株式会社</p>\n</body></html>\n")
    bnd = "----=_Part_20241102104509_xserver"
    body = (b"--" + bnd.encode() + b"\n"
            b"Content-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n"
            + plain.encode("iso2022_jp") + b"\n--" + bnd.encode() + b"\n"
            b"Content-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n"
            + qpbody(html.encode("utf-8")) + b"\n--" + bnd.encode() + b"--\n")
    data = raw([
        ("Authentication-Results", "mx.certnotice.test; dkim=pass header.d=xserver.ne.jp;\n\tspf=pass smtp.mailfrom=xserver.ne.jp; dmarc=pass header.from=xserver.ne.jp"),
        ("Received", host_received("sv-smtp03.xserver.ne.jp", "203.0.113.63", "info@example.org",
                                   d, "4YbN7p8QrSz9")),
        ("From", addr("Xserver", "support@xserver.ne.jp")),
        ("To", "info@example.org"),
        ("Subject", ew(XSERVER_SUBJ_FAILED % "www.example.org", "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/alternative;\n\tboundary="%s"' % bnd),
    ], body, eol=CRLF)
    add("xserver", "auth-pass-multipart-crlf",
        "更新未完了 as multipart/alternative (ISO-2022-JP text + UTF-8 QP html), CRLF, trusted dkim/spf/dmarc=pass: authentic true",
        data, [expect(mid, d, "xserver", "renewal-failed", "www.example.org", "exorg", None,
                      explicit="2024-12-02", authentic=True)])


def starserver_cases():
    # -- 【スターサーバー】■重要■ prefix, ISO-2022-JP, from star.ne.jp
    d, mid = jst(2024, 7, 21, 6, 15), "20240721061500.1122AABB@star.ne.jp"
    body = star_failed_text("田中 一郎", "starsv-tanaka", "blog.example.net", "2024年8月20日")
    data = raw([
        ("Received", host_received("mail.star.ne.jp", "203.0.113.71", "ichiro@example.net",
                                   d, "4WcR1s2TuVz3")),
        ("From", addr("スターサーバー", "support@star.ne.jp")),
        ("To", "ichiro@example.net"),
        ("Subject", ew(STAR_SUBJ_FAILED_PREFIX, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("starserver", "renewal-failed-prefixed-iso2022jp",
        "Star Server 【スターサーバー】■重要■SSLサーバー証明書更新未完了のお知らせ (Xserver's wording, no サーバーID「」 sentence), ISO-2022-JP, from support@star.ne.jp",
        data, [expect(mid, d, "starserver", "renewal-failed", "blog.example.net", "starsv-tanaka",
                      None, explicit="2024-08-20")])

    # -- plain subject, from netowl.jp, UTF-8 quoted-printable (Python)
    d, mid = jst(2024, 8, 2, 23, 40, 10), "20240802234010.33CCDD44@netowl.jp"
    body = star_failed_text("佐藤 花子", "hanasato", "hanako.example.com", "2024/09/01")
    data = py_modern([
        ("Received", host_received("smtp.netowl.jp", "203.0.113.72", "hanako@example.com",
                                   d, "4WkT5u6VwXz1")),
        ("From", "ネットオウル <info@netowl.jp>"),
        ("To", "hanako@example.com"),
        ("Subject", STAR_SUBJ_FAILED),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body, cte="quoted-printable")
    add("starserver", "renewal-failed-plain-subject-netowl-utf8-qp",
        "Star Server 'SSLサーバー証明書更新未完了のお知らせ' (no prefix) from info@netowl.jp, 【有効期限日】 : 2024/09/01; UTF-8 QP (Python)",
        data, [expect(mid, d, "starserver", "renewal-failed", "hanako.example.com", "hanasato",
                      None, explicit="2024-09-01")])


def lolipop_cases():
    # -- punycode domain, full-width ！ in the subject, ISO-2022-JP; no date in the mail
    puny = "ねこ.jp".encode("idna").decode()
    d, mid = jst(2023, 5, 19, 2, 3, 4), "20230519020304.lolipop.a1b2c3@lolipop.jp"
    body = lolipop_text("山本 さくら", puny)
    data = raw([
        ("Received", host_received("mail-out.lolipop.jp", "203.0.113.81", "sakura@example.com",
                                   d, "4QmN8o9PqRz2")),
        ("From", addr(LOLIPOP_FROM_NAME, "no-reply@lolipop.jp")),
        ("To", "sakura@example.com"),
        ("Subject", ew("【ロリポップ！】独自SSL（無料）の更新に失敗しました", "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("lolipop", "renewal-failed-punycode-iso2022jp",
        "【ロリポップ！】独自SSL（無料）の更新に失敗しました (full-width, NFKC), ■対象ドメイン on its own line in punycode (xn--…); no date: expires null; ISO-2022-JP",
        data, [expect(mid, d, "lolipop", "renewal-failed", puny, None, None)])

    # -- text/html only, UTF-8 base64, Unicode IDN common name + explicit date
    d, mid = jst(2023, 7, 3, 9, 20), "20230703092000.lolipop.d4e5f6@lolipop.jp"
    html = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n"
            "<p>小池 健 様</p>\n<p>いつもロリポップ!をご利用いただきありがとうございます。</p>\n"
            "<p>ご利用中の独自SSL(無料)について、SSL証明書の更新処理を行いましたが、<br>\n"
            "以下のドメインで更新に失敗しました。</p>\n"
            "<table><tr><th>■対象ドメイン</th></tr><tr><td>www.example-cafe.jp</td></tr></table>\n"
            "<p>■証明書の有効期限<br>有効期限:2023年7月28日</p>\n"
            "<p>ユーザー専用ページの「セキュリティ」&rarr;「独自SSL証明書導入」から再度設定を行ってください。<br>\n"
            "<a href=\"https://lolipop.jp/manual/user/ssl-free-order/\">マニュアル</a></p>\n"
            "<hr><p>ロリポップ!<br>GMOペパボ株式会社</p>\n</body></html>\n")
    data = raw([
        ("Received", host_received("mail-out.lolipop.jp", "203.0.113.81", "ken@example-cafe.jp",
                                   d, "4RbS3t4UvWz5")),
        ("From", addr(LOLIPOP_FROM_NAME, "no-reply@lolipop.jp", "UTF-8", "utf-8")),
        ("To", "ken@example-cafe.jp"),
        ("Subject", ew(LOLIPOP_SUBJ_FAILED, "UTF-8", "utf-8")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/html; charset=UTF-8"),
        ("Content-Transfer-Encoding", "base64"),
    ], b64body(html.encode("utf-8")))
    add("lolipop", "renewal-failed-html-only-utf8",
        "Lolipop renewal failure as text/html only (UTF-8 base64): ■対象ドメイン in a table cell, 有効期限:2023年7月28日 (explicit)",
        data, [expect(mid, d, "lolipop", "renewal-failed", "www.example-cafe.jp", None, None,
                      explicit="2023-07-28")])


def nifcloud_cases():
    # -- 90 days before, ISO-2022-JP 7bit, explicit 2021年01月31日
    d, mid = jst(2020, 11, 2, 10, 0), "20201102100000.nfhs.0001@hosting.nifcloud.com"
    body = nifcloud_text(90, "example.co.jp", "2021年01月31日")
    data = raw([
        ("Received", host_received("mail.hosting.nifcloud.com", "203.0.113.91", "admin@example.co.jp",
                                   d, "4CaB1c2DeFz3")),
        ("From", NIFCLOUD_FROM),
        ("To", "admin@example.co.jp"),
        ("Subject", ew(NIFCLOUD_SUBJ, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("nifcloud", "expiry-90d-iso2022jp",
        "paid-certificate reminder 更新のご案内(90日前), ◆コモンネーム(CN):example.co.jp, ◆有効期限満了日:2021年01月31日 (explicit); ISO-2022-JP",
        data, [expect(mid, d, "nifcloud", "expiry-warning", "example.co.jp", None, 90,
                      explicit="2021-01-31")])

    # -- 5 days before, full-width labels and digits, UTF-8 base64 (Python)
    d, mid = jst(2021, 1, 26, 10, 0), "20210126100000.nfhs.0002@hosting.nifcloud.com"
    body = nifcloud_text("５", "www.example.co.jp", "２０２１年０１月３１日", fw=True)
    data = py_modern([
        ("Received", host_received("mail.hosting.nifcloud.com", "203.0.113.91", "admin@example.co.jp",
                                   d, "4DbC2d3EfGz4")),
        ("From", "ニフクラ レンタルサーバー <%s>" % NIFCLOUD_FROM),
        ("To", "admin@example.co.jp"),
        ("Subject", "SSLサーバー証明書　更新のご案内（富士通クラウドテクノロジーズ）"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("nifcloud", "expiry-5d-fullwidth-utf8-base64",
        "5-day reminder with full-width （５日前）, ◆コモンネーム（ＣＮ）：, ◆有効期限満了日：２０２１年０１月３１日 and a full-width subject; UTF-8 base64 (Python)",
        data, [expect(mid, d, "nifcloud", "expiry-warning", "www.example.co.jp", None, 5,
                      explicit="2021-01-31")])


def cpi_cases():
    # -- 30 days before, ISO-2022-JP, explicit 有効期限 in the body
    d, mid = jst(2024, 7, 1, 9, 0), "20240701090000.ssl-info.778899@cpi.ad.jp"
    product = "SecureCore 企業認証SSL"
    body = cpi_text("株式会社エグザンプル ご担当者", product, "www.example.co.jp",
                    expiry="2024年7月31日", days=30)
    data = raw([
        ("Received", host_received("smtp.cpi.ad.jp", "203.0.113.101", "web@example.co.jp",
                                   d, "4WfG3h4IjKz6")),
        ("From", addr(CPI_FROM_NAME, "ssl-info@cpi.ad.jp")),
        ("To", "web@example.co.jp"),
        ("Subject", ew(CPI_SUBJ % (30, product, "www.example.co.jp"), "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("cpi", "expiry-30d-iso2022jp",
        "【重要】30日前[SecureCore 企業認証SSL]サーバー証明書のご案内(www.example.co.jp): days and domain from the subject, 有効期限 : 2024年7月31日 (explicit); ISO-2022-JP",
        data, [expect(mid, d, "cpi", "expiry-warning", "www.example.co.jp", None, 30,
                      explicit="2024-07-31")])

    # -- 60 days before, full-width subject, multipart/alternative Shift_JIS + html, no date
    d, mid = jst(2024, 3, 2, 9, 0), "20240302090000.ssl-info.112233@cpi.ad.jp"
    product = "ジオトラスト クイックSSL プレミアム"
    plain = cpi_text("小川 理恵", product, "shop.example.jp", days=60)
    html = ("<html><body>\n<p>小川 理恵 様</p>\n"
            "<p>ご利用中のSSLサーバー証明書の有効期限が60日後に迫ってまいりましたので、ご案内いたします。</p>\n"
            "<p>■ご契約情報<br>SSLサーバー証明書 : " + product + "<br>コモンネーム : shop.example.jp</p>\n"
            "<p>株式会社KDDIウェブコミュニケーションズ</p>\n</body></html>\n")
    bnd = "=_cpi_alt_20240302090000"
    body = (b"--" + bnd.encode() + b"\n"
            b"Content-Type: text/plain; charset=Shift_JIS\nContent-Transfer-Encoding: 8bit\n\n"
            + plain.encode("shift_jis") + b"\n--" + bnd.encode() + b"\n"
            b"Content-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n"
            + b64body(html.encode("utf-8")) + b"--" + bnd.encode() + b"--\n")
    data = raw([
        ("Received", host_received("smtp.cpi.ad.jp", "203.0.113.101", "rie@example.jp",
                                   d, "4TcD5e6FgHz7")),
        ("From", addr(CPI_FROM_NAME, "ssl-info@cpi.ad.jp", "Shift_JIS", "shift_jis")),
        ("To", "rie@example.jp"),
        ("Subject", ew("【重要】６０日前［" + product + "］サーバー証明書のご案内（shop.example.jp）",
                       "Shift_JIS", "shift_jis")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/alternative; boundary="%s"' % bnd),
    ], body)
    add("cpi", "expiry-60d-fullwidth-multipart-sjis",
        "【重要】６０日前［…］サーバー証明書のご案内（shop.example.jp） (full-width), multipart/alternative Shift_JIS 8bit + UTF-8 html, no date: Date + 60",
        data, [expect(mid, d, "cpi", "expiry-warning", "shop.example.jp", None, 60)])


def cpanel_cases():
    # -- AutoSSL certificate expiry, mixhost, us-ascii: date from the subject
    d = dt.datetime(2019, 4, 13, 0, 4, 41, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    mid = "1555081481.2941.cpanel@sv1234.mixhost.jp"
    body = ('The AutoSSL certificate for the website "example.com" will expire soon, and\n'
            "AutoSSL has not been able to replace it.\n\n"
            "Website: example.com\n"
            "Certificate expires: April 18, 2019 at 12:00:00 AM UTC (in 5 days)\n"
            "Domains on the certificate: example.com, www.example.com, mail.example.com\n\n"
            "AutoSSL will keep trying to renew the certificate. To find out why it has not\n"
            'succeeded, open the "SSL/TLS Status" interface in cPanel:\n'
            "https://sv1234.mixhost.jp:2083/?goto_app=SSL_TLS_Status\n\n"
            "Do not reply to this automated message.\n\n"
            "-- \ncPanel on sv1234.mixhost.jp\n")
    data = raw([
        ("Received", host_received("sv1234.mixhost.jp", "203.0.113.111", "owner@example.com",
                                   d, "4MqR2s3TuVz8")),
        ("From", '"cPanel on sv1234.mixhost.jp" <cpanel@sv1234.mixhost.jp>'),
        ("To", "owner@example.com"),
        ("Subject", "AutoSSL certificate expiry on 2019-04-18 UTC"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=us-ascii"),
        ("Content-Transfer-Encoding", "7bit"),
        ("X-Auto-Response-Suppress", "All"),
    ], body.encode("ascii"))
    add("cpanel", "expiry-warning-mixhost-ascii",
        "cPanel 'AutoSSL certificate expiry on 2019-04-18 UTC' from cpanel@sv1234.mixhost.jp (server name under mixhost.jp), us-ascii: body date not year-first so expires from the subject, 'in 5 days'",
        data, [expect(mid, d, "cpanel-autossl", "expiry-warning", "example.com", None, 5,
                      explicit="2019-04-18")])

    # -- AutoSSL certificate expiry, ColorfulBox, UTF-8 QP with curly quotes; ISO date in body
    d = jst(2021, 6, 25, 12, 0, 12)
    mid = "1624590012.77712.cpanel@sv201.colorfulbox.jp"
    body = ("The AutoSSL certificate for the website “shop.example.jp” will expire soon.\n\n"
            "The certificate expires on 2021-06-30 at 00:00:00 UTC, in 4 days.\n"
            "AutoSSL could not replace it because the website’s domains failed DCV\n"
            "(Domain Control Validation).\n\n"
            "Open “SSL/TLS Status” in cPanel to see the details and run AutoSSL again:\n"
            "https://sv201.colorfulbox.jp:2083/?goto_app=SSL_TLS_Status\n\n"
            "— cPanel on sv201.colorfulbox.jp\n")
    data = py_modern([
        ("Received", host_received("sv201.colorfulbox.jp", "203.0.113.121", "hana@shop.example.jp",
                                   d, "4GmP6q7RsTz9")),
        ("From", "cPanel on sv201.colorfulbox.jp <cpanel@sv201.colorfulbox.jp>"),
        ("To", "hana@shop.example.jp"),
        ("Subject", "[sv201.colorfulbox.jp] AutoSSL certificate expiry on “shop.example.jp”"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body, cte="quoted-printable")
    add("cpanel", "expiry-warning-colorfulbox-utf8-qp",
        "cPanel AutoSSL expiry from cpanel@sv201.colorfulbox.jp, subject names the website, body 'expires on 2021-06-30' (explicit), curly quotes; UTF-8 QP (Python)",
        data, [expect(mid, d, "cpanel-autossl", "expiry-warning", "shop.example.jp", None, 4,
                      explicit="2021-06-30")])

    # -- Potential reduced AutoSSL coverage, mixhost, us-ascii: days from 'expire in 6 days'
    d = dt.datetime(2021, 12, 13, 2, 46, 9, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    mid = "1639331169.4410.cpanel@sv5678.mixhost.jp"
    body = ("example.net: AutoSSL would normally renew this certificate now, but 2 of the\n"
            "website's secured domains just failed DCV. To give you more time to fix these\n"
            "problems, AutoSSL will defer the renewal until Dec 20, 2021 at 12:00:00 AM UTC.\n"
            "After that time, AutoSSL will request a replacement certificate that leaves out\n"
            "any domains that fail DCV. At the time of this notice, the certificate will\n"
            "expire in 6 days, 21 hours, 13 minutes, and 51 seconds.\n\n"
            "The following secured domains failed DCV:\n"
            "  mail.example.net: The domain resolves to an IP address that is not on this server.\n"
            "  webmail.example.net: The domain resolves to an IP address that is not on this server.\n\n"
            "To exclude domains you do not use, open \"SSL/TLS Status\" in cPanel.\n\n"
            "-- \ncPanel on sv5678.mixhost.jp\n")
    data = raw([
        ("Received", host_received("sv5678.mixhost.jp", "203.0.113.112", "owner@example.net",
                                   d, "4JkL8m9NoPz1")),
        ("From", '"cPanel on sv5678.mixhost.jp" <cpanel@sv5678.mixhost.jp>'),
        ("To", "owner@example.net"),
        ("Subject", "Potential reduced AutoSSL coverage"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=us-ascii"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("ascii"))
    add("cpanel", "coverage-reduced-mixhost-ascii",
        "cPanel 'Potential reduced AutoSSL coverage' (kind coverage-reduced): 'example.net: AutoSSL would normally renew…', 'expire in 6 days, 21 hours…' -> Date + 6; the deferral date is not year-first and is not a claim",
        data, [expect(mid, d, "cpanel-autossl", "coverage-reduced", "example.net", None, 6)])

    # -- reduction-of-coverage wording, ColorfulBox, UTF-8 base64
    d = dt.datetime(2022, 2, 8, 14, 5, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    mid = "1644296700.9981.cpanel@sv310.colorfulbox.jp"
    body = ("The AutoSSL certificate renewal for the website “colorful.example.org” may cause\n"
            "a reduction of coverage.\n\n"
            "The “Let’s Encrypt™” AutoSSL provider could not renew the SSL certificate without\n"
            "a reduction of coverage because the following domains failed DCV:\n"
            "  shop.colorful.example.org\n\n"
            "The current certificate expires in 12 days.\n\n"
            "Open “SSL/TLS Status” in cPanel to fix or exclude these domains.\n")
    data = py_modern([
        ("Received", host_received("sv310.colorfulbox.jp", "203.0.113.122", "web@colorful.example.org",
                                   d, "4LpQ1r2StUz3")),
        ("From", "cPanel on sv310.colorfulbox.jp <cpanel@sv310.colorfulbox.jp>"),
        ("To", "web@colorful.example.org"),
        ("Subject", "The AutoSSL certificate renewal may cause a reduction of coverage for “colorful.example.org”"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("cpanel", "coverage-reduced-colorfulbox-utf8",
        "cPanel 'The AutoSSL certificate renewal may cause a reduction of coverage for “…”' from a colorfulbox.jp server, 'expires in 12 days'; UTF-8 base64 (Python)",
        data, [expect(mid, d, "cpanel-autossl", "coverage-reduced", "colorful.example.org", None, 12)])


def other_negative_cases():
    # -- Xserver: the renewal went through after all (更新完了), same block
    d, mid = jst(2024, 4, 16, 4, 10, 2), "20240416041002.6D7E8F90.xs@xserver.ne.jp"
    body = (RULE_BOLD + "\n【Xserver】■重要■ SSLサーバー証明書\n(example.com) 更新完了のお知らせ\n"
            + RULE_BOLD + "\n"
            "XserverアカウントID : xs1234567\n\n"
            "平素は当サービスをご利用いただき誠にありがとうございます。\n"
            "Xserver カスタマーサポートでございます。\n\n"
            "サーバーID「xs123456」で利用中の下記SSLサーバー証明書に関し、\n"
            "当サポートで有効期限の延長をするための更新作業が正常に完了いたしました。\n"
            "お客様による作業は必要ございません。\n\n"
            + ssl_update_block("xs123456", "example.com", "2024年7月15日") + "\n\n"
            "エックスサーバー株式会社 カスタマーサポート\n")
    data = raw([
        ("Received", host_received("sv-smtp01.xserver.ne.jp", "203.0.113.61", "taro@example.com",
                                   d, "4VGq2l3Mn4z5")),
        ("From", addr("Xserver", "support@xserver.ne.jp")),
        ("To", "taro@example.com"),
        ("Subject", ew(XSERVER_SUBJ_DONE % "example.com", "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("negative", "xserver-renewal-complete",
        "Xserver '【Xserver】■重要■ SSLサーバー証明書(example.com) 更新完了のお知らせ' (success) with the same ■SSL更新情報 block, ISO-2022-JP",
        data, [not_notice(mid, d)])

    # -- Xserver: free SSL first set up (設定完了)
    d, mid = jst(2024, 2, 10, 15, 30), "20240210153000.1A2B3C4D.xs@xserver.ne.jp"
    body = ("平素は当サービスをご利用いただき誠にありがとうございます。\n"
            "Xserver カスタマーサポートでございます。\n\n"
            "サーバーID「xs123456」にて、下記ドメインの無料独自SSLの設定が完了いたしました。\n"
            "反映まで最大1時間程度かかる場合がございます。\n\n"
            "【コモンネーム】: example.com\n【有効期限日】 : 2024年5月10日\n\n"
            "有効期限の30日前より自動更新を行います。\n\n"
            "エックスサーバー株式会社 カスタマーサポート\n")
    data = py_modern([
        ("Received", host_received("sv-smtp02.xserver.ne.jp", "203.0.113.62", "taro@example.com",
                                   d, "4T9a1b2Cd3z4")),
        ("From", XSERVER_FROM),
        ("To", "taro@example.com"),
        ("Subject", "【Xserver】無料独自SSL設定完了のお知らせ"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("negative", "xserver-ssl-setup-complete",
        "Xserver '【Xserver】無料独自SSL設定完了のお知らせ' (first issuance) naming 【コモンネーム】 and 【有効期限日】; UTF-8 base64 (Python)",
        data, [not_notice(mid, d)])

    # -- Xserver: the customer's reply, quoting the notice with '> '
    d, mid = jst(2024, 4, 11, 9, 2, 15), "5f0e1d2c-3b4a-4958-8877-66a5b4c3d2e1@example.com"
    quoted = xserver_failed_text("xs1234567", "taro@example.com", "xs123456", "example.com",
                                 "2024年5月11日")
    qtext = "\n".join("> " + l for l in quoted.rstrip("\n").split("\n"))
    body = ("Xserver サポート ご担当者様\n\n"
            "下記のメールを受け取りましたが、DNSの設定は変えていません。\n"
            "原因を調べていただけますでしょうか。\n\n山田\n\n"
            "2024年4月11日(木) 4:12 Xserver <support@xserver.ne.jp>:\n" + qtext + "\n")
    data = py_modern([
        ("Received", host_received("mail.example.com", "192.0.2.10", "support@xserver.ne.jp",
                                   d, "4VFr7s8TuVz0")),
        ("From", "山田 太郎 <taro@example.com>"),
        ("To", "Xserver <support@xserver.ne.jp>"),
        ("Subject", "Re: " + XSERVER_SUBJ_FAILED % "example.com"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("In-Reply-To", "<20240411041233.5E1A2B3C.xs@xserver.ne.jp>"),
    ], body)
    add("negative", "reply-quoted-xserver",
        "customer's 'Re: 【Xserver】■重要■ …更新未完了のお知らせ' quoting the notice with '> ' lines (UTF-8 base64, Python)",
        data, [not_notice(mid, d)])

    # -- Star Server: certificate issued
    d, mid = jst(2024, 5, 22, 11, 0), "20240522110000.55EE66FF@star.ne.jp"
    body = ("田中 一郎 様\n\nスターサーバーをご利用いただき誠にありがとうございます。\n\n"
            "下記ドメインのSSLサーバー証明書の発行が完了いたしました。\n\n"
            "【コモンネーム】: blog.example.net\n【有効期限日】 : 2024年8月20日\n\n"
            "ネットオウル株式会社 スターサーバー サポート\n")
    data = py_modern([
        ("Received", host_received("mail.star.ne.jp", "203.0.113.71", "ichiro@example.net",
                                   d, "4VmW3x4YzAz5")),
        ("From", "スターサーバー <support@star.ne.jp>"),
        ("To", "ichiro@example.net"),
        ("Subject", "【スターサーバー】SSLサーバー証明書発行完了のお知らせ"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body, cte="quoted-printable")
    add("negative", "starserver-ssl-issued",
        "Star Server '【スターサーバー】SSLサーバー証明書発行完了のお知らせ' (issued), UTF-8 QP (Python)",
        data, [not_notice(mid, d)])

    # -- Lolipop: renewal complete
    d, mid = jst(2023, 5, 21, 2, 0, 0), "20230521020000.lolipop.f0e1d2@lolipop.jp"
    body = lolipop_text("山本 さくら", "ねこ.jp".encode("idna").decode(),
                        expiry="2023年8月19日", done=True)
    data = raw([
        ("Received", host_received("mail-out.lolipop.jp", "203.0.113.81", "sakura@example.com",
                                   d, "4QpS1t2UvWz3")),
        ("From", addr(LOLIPOP_FROM_NAME, "no-reply@lolipop.jp")),
        ("To", "sakura@example.com"),
        ("Subject", ew(LOLIPOP_SUBJ_DONE, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("negative", "lolipop-renewal-complete",
        "Lolipop '【ロリポップ!】独自SSL(無料)の更新が完了しました' (success) with ■対象ドメイン and 有効期限, ISO-2022-JP",
        data, [not_notice(mid, d)])

    # -- NIFCLOUD: certificate issued, same ◆ block
    d, mid = jst(2021, 1, 15, 16, 0), "20210115160000.nfhs.0003@hosting.nifcloud.com"
    body = nifcloud_text(0, "example.co.jp", "2022年01月31日", issued=True)
    data = raw([
        ("Received", host_received("mail.hosting.nifcloud.com", "203.0.113.91", "admin@example.co.jp",
                                   d, "4DcE3f4GhIz5")),
        ("From", NIFCLOUD_FROM),
        ("To", "admin@example.co.jp"),
        ("Subject", ew("SSLサーバー証明書 発行完了のお知らせ(富士通クラウドテクノロジーズ)",
                       "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("negative", "nifcloud-ssl-issued",
        "NIFCLOUD 'SSLサーバー証明書 発行完了のお知らせ(富士通クラウドテクノロジーズ)' with the same ◆コモンネーム(CN) / ◆有効期限満了日 block, ISO-2022-JP",
        data, [not_notice(mid, d)])

    # -- CPI: certificate issued
    d, mid = jst(2024, 7, 20, 14, 0), "20240720140000.ssl-info.445566@cpi.ad.jp"
    product = "SecureCore 企業認証SSL"
    body = cpi_text("株式会社エグザンプル ご担当者", product, "www.example.co.jp",
                    expiry="2025年8月31日", issued=True)
    data = py_modern([
        ("Received", host_received("smtp.cpi.ad.jp", "203.0.113.101", "web@example.co.jp",
                                   d, "4WgH4i5JkLz7")),
        ("From", "%s <ssl-info@cpi.ad.jp>" % CPI_FROM_NAME),
        ("To", "web@example.co.jp"),
        ("Subject", "【重要】[%s]サーバー証明書発行完了のお知らせ(www.example.co.jp)" % product),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("negative", "cpi-ssl-issued",
        "CPI '【重要】[SecureCore 企業認証SSL]サーバー証明書発行完了のお知らせ(www.example.co.jp)' (issued), UTF-8 base64 (Python)",
        data, [not_notice(mid, d)])

    # -- cPanel: AutoSSL has renewed the certificate
    d = dt.datetime(2019, 4, 14, 0, 3, 10, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    mid = "1555167790.3001.cpanel@sv1234.mixhost.jp"
    body = ('AutoSSL has renewed the certificate for the website "example.com".\n\n'
            "The new certificate expires on 2019-07-13 UTC.\n"
            "Domains on the certificate: example.com, www.example.com, mail.example.com\n\n"
            "No action is required.\n\n-- \ncPanel on sv1234.mixhost.jp\n")
    data = raw([
        ("Received", host_received("sv1234.mixhost.jp", "203.0.113.111", "owner@example.com",
                                   d, "4MrS3t4UvWz9")),
        ("From", '"cPanel on sv1234.mixhost.jp" <cpanel@sv1234.mixhost.jp>'),
        ("To", "owner@example.com"),
        ("Subject", 'AutoSSL has renewed the certificate for "example.com"'),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=us-ascii"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("ascii"))
    add("negative", "cpanel-autossl-renewed",
        "cPanel 'AutoSSL has renewed the certificate for \"example.com\"' (success, names an expiry date), us-ascii",
        data, [not_notice(mid, d)])

    # -- cPanel: 'certificate renewed' worded with 'expiry' in the subject
    d = jst(2021, 6, 26, 12, 1, 0)
    mid = "1624676460.77790.cpanel@sv201.colorfulbox.jp"
    body = ("AutoSSL replaced the certificate for the website “shop.example.jp” that was due\n"
            "to expire on 2021-06-30. The new certificate expires on 2021-09-24.\n\n"
            "— cPanel on sv201.colorfulbox.jp\n")
    data = py_modern([
        ("Received", host_received("sv201.colorfulbox.jp", "203.0.113.121", "hana@shop.example.jp",
                                   d, "4GnQ7r8StUz0")),
        ("From", "cPanel on sv201.colorfulbox.jp <cpanel@sv201.colorfulbox.jp>"),
        ("To", "hana@shop.example.jp"),
        ("Subject", "[sv201.colorfulbox.jp] AutoSSL certificate expiry averted: certificate renewed for “shop.example.jp”"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body, cte="quoted-printable")
    add("negative", "cpanel-autossl-certificate-renewed",
        "cPanel success mail whose subject says both 'AutoSSL certificate expiry' and 'certificate renewed' (not_subject), UTF-8 QP (Python)",
        data, [not_notice(mid, d)])


def other_phishing_cases():
    # -- Xserver copy from xserver.site (the look-alike named in notices.md)
    d, mid = jst(2024, 5, 2, 1, 44, 20), "20240502014420.99AA88BB@xserver.site"
    body = xserver_failed_text("xs1234567", "taro@example.com", "xs123456", "example.com",
                               "2024年5月11日", phish_url="https://xserver.site/login/ssl-renew?id=xs123456")
    data = raw([
        ("Received", received("mail.xserver.site", "198.51.100.210", "mx.certnotice.test",
                              "4VnX8y9ZaBz1", "taro@example.com", d + dt.timedelta(seconds=5))),
        ("From", addr("Xserver", "support@xserver.site")),
        ("To", "taro@example.com"),
        ("Subject", ew(XSERVER_SUBJ_FAILED % "example.com", "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("phishing", "xserver-site-sender",
        "Xserver 更新未完了 copy from support@xserver.site (look-alike domain) with a login link",
        data, [expect(mid, d, "xserver", "renewal-failed", "example.com", "xs123456", None,
                      explicit="2024-05-11", verdict="suspicious", reasons=["not a genuine"])])

    # -- Lolipop copy from a look-alike domain
    d, mid = jst(2023, 6, 1, 4, 0, 9), "20230601040009.0f1e2d@lolipop-jp.com"
    body = lolipop_text("お客", "shop.example.com",
                        phish_url="https://lolipop-jp.com/user/verify")
    data = py_modern([
        ("Received", received("mta.lolipop-jp.com", "198.51.100.211", "mx.certnotice.test",
                              "4RcT4u5VwXz2", "shop@example.com", d + dt.timedelta(seconds=3))),
        ("From", "ロリポップ! <no-reply@lolipop-jp.com>"),
        ("To", "shop@example.com"),
        ("Subject", LOLIPOP_SUBJ_FAILED),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("phishing", "lolipop-lookalike-domain",
        "Lolipop renewal-failed copy from no-reply@lolipop-jp.com (look-alike), UTF-8 base64 (Python)",
        data, [expect(mid, d, "lolipop", "renewal-failed", "shop.example.com", None, None,
                      verdict="suspicious", reasons=["not a genuine"])])

def hosted_mail(host, ip, rcpt, d, ident, frm, to, subject, mid, body, **kw):
    """A mail as Python writes it, received from HOST by our MX (py_modern)."""
    return py_modern([
        ("Received", host_received(host, ip, rcpt, d, ident)),
        ("From", frm),
        ("To", to),
        ("Subject", subject),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body, **kw)


# ==========================================================================
# sender first: the From decides between providers with the same wording
# ==========================================================================

def star_failed_text_unnamed(name, server_id, cn):
    """Star Server's mail as it may arrive: no ■SSL更新情報 block, no
    signature naming the service; the name only in コモンネーム「…」の参照先が."""
    return (
        "%s 様\n\n"
        "いつもご利用いただき誠にありがとうございます。\n\n"
        "サーバーID「%s」で利用中のSSLサーバー証明書に関し、当サポートで有効期限の延長するための"
        "更新作業を行いましたが、\n正常に完了することができませんでした。\n\n"
        "自動更新は有効期限までに改めて行い、結果をメールにてご連絡いたします。\n"
        "お急ぎの場合は次の点をご確認ください。\n\n"
        "・対象ドメインが有効であるかを確認する\n"
        "・コモンネーム「%s」の参照先が\n"
        "  対象サーバ(%s)であることを確認する\n"
        "・.htaccess のリダイレクトやアクセス制限を一時的に無効化する\n\n"
        "※本メールは送信専用アドレスよりお送りしております。\n" % (name, server_id, cn, server_id))


def xserver_failed_text_unnamed(server_id, cn, expiry):
    """Xserver's failure mail with every mention of the service removed from
    the body (banner, greeting, signature): only the sender says who it is."""
    return (
        "平素は当サービスをご利用いただき誠にありがとうございます。\n"
        "カスタマーサポートでございます。\n\n"
        "サーバーID「%s」で利用中の下記SSLサーバー証明書に関し、\n"
        "当サポートで有効期限の延長をするための更新作業を行いましたが、\n"
        "正常に完了することができませんでした。\n\n" % server_id
        + ssl_update_block(server_id, cn, expiry) + "\n\n"
        "有効期限の25日前、20日前にも改めて自動更新を行い、結果をメールにてお知らせいたします。\n")


def sender_first_cases():
    # -- genuine Xserver, 【Xserver】 subject, body never names Xserver
    d, mid = jst(2024, 10, 3, 4, 20, 11), "20241003042011.1F2E3D4C.xs@xserver.ne.jp"
    body = xserver_failed_text_unnamed("novel01", "novel.example.com", "2024年10月28日")
    assert "xserver" not in body.lower() and "エックスサーバー" not in body
    data = raw([
        ("Received", host_received("sv-smtp01.xserver.ne.jp", "203.0.113.61", "writer@example.com",
                                   d, "4XbC1d2EfGz3")),
        ("From", addr("Xserver", "support@xserver.ne.jp")),
        ("To", "writer@example.com"),
        ("Subject", ew(XSERVER_SUBJ_FAILED % "novel.example.com", "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("xserver", "renewal-failed-genuine-body-unnamed",
        "sender first: genuine support@xserver.ne.jp, 【Xserver】 subject, a body that never names Xserver (Star Server's wording)",
        data, [expect(mid, d, "xserver", "renewal-failed", "novel.example.com", "novel01", None,
                      explicit="2024-10-28")])

    # -- genuine Xserver with Star Server's plain subject: only the From says who
    d, mid = jst(2024, 10, 23, 4, 25, 40), "20241023042540.2A3B4C5D.xs@xserver.ne.jp"
    body = xserver_failed_text_unnamed("novel01", "novel.example.com", "2024年10月28日")
    data = hosted_mail("sv-smtp02.xserver.ne.jp", "203.0.113.62", "writer@example.com", d, "4XpQ2r3StUz4",
                       "support@xserver.ne.jp", "writer@example.com",
                       STAR_SUBJ_FAILED,
                       mid, body)
    add("xserver", "renewal-failed-genuine-nothing-named",
        "sender first: support@xserver.ne.jp with the plain subject SSLサーバー証明書更新未完了のお知らせ and no name anywhere: Xserver's, not Star Server's (UTF-8 base64, Python)",
        data, [expect(mid, d, "xserver", "renewal-failed", "novel.example.com", "novel01", None,
                      explicit="2024-10-28")])

    # -- genuine Star Server (star.ne.jp), no name, domain only in コモンネーム「…」
    d, mid = jst(2024, 11, 5, 6, 0, 3), "20241105060003.6E7F8091@star.ne.jp"
    body = star_failed_text_unnamed("鈴木 花子", "sv-novel01", "novel.example.com")
    assert "スター" not in body and "ネットオウル" not in body and "star" not in body.lower()
    data = raw([
        ("Received", host_received("mail.star.ne.jp", "203.0.113.71", "hanako@example.com",
                                   d, "4YdE5f6GhIz7")),
        ("From", "support@star.ne.jp"),
        ("To", "hanako@example.com"),
        ("Subject", ew(STAR_SUBJ_FAILED, "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("starserver", "renewal-failed-genuine-unnamed-star-ne-jp",
        "sender first: support@star.ne.jp, plain subject, body naming neither Star Server nor Netowl, the domain only in コモンネーム「novel.example.com」の参照先が (ISO-2022-JP)",
        data, [expect(mid, d, "starserver", "renewal-failed", "novel.example.com", "sv-novel01", None)])

    # -- the same from the operator's domain (netowl.jp), 【スターサーバー】 missing too
    d, mid = jst(2024, 11, 10, 6, 0, 9), "20241110060009.7F8091A2@mail.netowl.jp"
    body = star_failed_text_unnamed("鈴木 花子", "sv-novel01", "Shop.Example.com")
    data = hosted_mail("smtp.netowl.jp", "203.0.113.72", "hanako@example.com", d, "4YkL7m8NoPz9",
                       "info@mail.netowl.jp", "hanako@example.com",
                       STAR_SUBJ_FAILED,
                       mid, body, cte="quoted-printable")
    add("starserver", "renewal-failed-genuine-unnamed-netowl-subdomain",
        "sender first: info@mail.netowl.jp (a subdomain of the operator's domain), nothing named, コモンネーム「Shop.Example.com」 (UTF-8 QP, Python)",
        data, [expect(mid, d, "starserver", "renewal-failed", "shop.example.com", "sv-novel01", None)])

    # -- look-alike of Star Server: names it, comes from elsewhere
    d, mid = jst(2024, 11, 12, 2, 14, 0), "20241112021400.0bad@star-server-support.com"
    body = star_failed_text("お客", "sv-novel01", "novel.example.com", "2024年11月30日")
    body = body.replace("https://www.star.ne.jp/manual/guide_ssl_free.php",
                        "https://star-server-support.com/login")
    data = py_modern([
        ("Received", received("mx.star-server-support.com", "198.51.100.230", "mx.certnotice.test",
                              "4YmN9o0PqRz1", "hanako@example.com", d + dt.timedelta(seconds=4))),
        ("From", "スターサーバー <support@star-server-support.com>"),
        ("To", "hanako@example.com"),
        ("Subject", STAR_SUBJ_FAILED_PREFIX),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("phishing", "starserver-lookalike-sender",
        "Star Server look-alike from star-server-support.com that names スターサーバー: Star Server's notice, suspicious (not Xserver's)",
        data, [expect(mid, d, "starserver", "renewal-failed", "novel.example.com", "sv-novel01", None,
                      explicit="2024-11-30", verdict="suspicious", reasons=["not a genuine"])])


# ==========================================================================
# letsencrypt/  (the Expiry Bot, 2016–2025)
# ==========================================================================

LE_FROM = "Let's Encrypt Expiry Bot <expiry@letsencrypt.org>"
LE_SUBJ = 'Let\'s Encrypt certificate expiration notice for domain "%s"'


def le_text(days, on, names, *, era):
    """The Expiry Bot's text.  ERA 2016: names right after the sentence;
    2018: the 'third of their lifetime' paragraph before them; 2024: 'web site'."""
    site = "web site" if era >= 2022 else "website"
    head = ("Hello,\n\n"
            "Your certificate (or certificates) for the names listed below will expire in %d days "
            "(on %s). Please make sure to renew\nyour certificate before then, or visitors to your "
            "%s will encounter errors.\n\n" % (days, on, site))
    advice = ("We recommend renewing certificates automatically when they have a third of their\n"
              "total lifetime left. For Let's Encrypt's current 90-day certificates, that means\n"
              "renewing 30 days before expiration. See\n"
              "https://letsencrypt.org/docs/integration-guide/ for details.\n\n")
    listing = "".join(n + "\n" for n in names) + "\n"
    if era < 2018:
        tail = ("For any questions or support, please visit https://community.letsencrypt.org/. "
                "Unfortunately, we can't provide support by email.\n\n"
                "If you are receiving this email in error, unsubscribe at "
                "http://mandrillapp.com/track/unsub.php?u=30850198&id=6bf0b70cda22463db1370e46485dd110."
                "V0K2NHoiq8zwxBwbY4n1U1LGVPo%3D&r=https%3A%2F%2Fmandrillapp.com%2Funsub\n\n")
        return head + listing + tail + "Regards,\nThe Let's Encrypt Team\n"
    tail = ("For any questions or support, please visit:\nhttps://community.letsencrypt.org/\n"
            "Unfortunately, we can't provide support by email.\n\n"
            "For details about when we send these emails, please visit:\n"
            "https://letsencrypt.org/docs/expiration-emails/\n"
            "In particular, note that this reminder email is still sent if you've obtained a "
            "slightly different certificate by adding or removing names. If you've replaced this "
            "certificate with a newer one that covers more or fewer names than the list above, you "
            "may be able to ignore this message.\n\n"
            "If you want to stop receiving all email from this address, click\n"
            "https://mandrillapp.com/unsub?md_email=owner%40example.com\n"
            "(Warning: this is a one-click action that cannot be undone)\n\n")
    return head + advice + listing + tail + "Regards,\nThe Let's Encrypt Team\n"


def le_received(rcpt, when, ident):
    return received("mail132-5.atl131.mandrillapp.com", "198.2.132.5", "mx.certnotice.test",
                    ident, rcpt, when + dt.timedelta(seconds=6))


def letsencrypt_cases():
    utc = dt.timezone.utc
    # -- 2016: "1 days", RFC 822 date with a two-digit year, one name
    d = dt.datetime(2016, 7, 7, 2, 4, 31, tzinfo=utc)
    mid = "20160707020431.30850198.6bf0b70c@mandrillapp.com"
    body = le_text(1, "08 Jul 16 02:04 +0000", ["blog.example.com"], era=2016)
    data = raw([
        ("Received", le_received("owner@example.com", d, "3rmZ0x1Yqzz7")),
        ("From", LE_FROM),
        ("To", "owner@example.com"),
        ("Subject", LE_SUBJ % "blog.example.com"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("ascii"))
    add("letsencrypt", "expiry-2016-one-day-rfc822",
        "Let's Encrypt 2016: 'will expire in 1 days (on 08 Jul 16 02:04 +0000)' (two-digit year), one name, Mandrill unsubscribe line",
        data, [expect(mid, d, "letsencrypt", "expiry-warning", "blog.example.com", None, 1,
                      explicit="2016-07-08")])

    # -- 2018: 'third of their lifetime' paragraph, two names, '(and 1 more)',
    #    multipart/alternative (Mandrill) text + HTML, quoted-printable
    d = dt.datetime(2018, 7, 11, 6, 24, 2, tzinfo=utc)
    mid = "20180711062402.1a2b3c4d5e6f@mandrillapp.com"
    names = ["example.org", "www.example.org"]
    plain = le_text(20, "31 Jul 18 06:24 +0000", names, era=2018)
    html = ("<html><body><p>Hello,</p>\n<p>Your certificate (or certificates) for the names listed "
            "below will expire in 20 days (on 31 Jul 18 06:24 +0000). Please make sure to renew your "
            "certificate before then, or visitors to your website will encounter errors.</p>\n"
            "<p>" + "<br>\n".join(names) + "</p>\n<p>Regards,<br>The Let's Encrypt Team</p></body></html>\n")
    bnd = "_av-2018071106240211d5b3c0a0"
    body = (b"--" + bnd.encode() + b"\nContent-Type: text/plain; charset=utf-8\n"
            b"Content-Transfer-Encoding: quoted-printable\n\n" + qpbody(plain.encode()) + b"\n--"
            + bnd.encode() + b"\nContent-Type: text/html; charset=utf-8\n"
            b"Content-Transfer-Encoding: quoted-printable\n\n" + qpbody(html.encode()) + b"\n--"
            + bnd.encode() + b"--\n")
    data = raw([
        ("Received", le_received("admin@example.org", d, "41bCd2Fg3Hz4")),
        ("DKIM-Signature", "v=1; a=rsa-sha1; c=relaxed/relaxed; s=mandrill; d=mail132-5.atl131.mandrillapp.com; h=From:Subject:To:Message-Id:Date:MIME-Version:Content-Type; bh=AbCdEfGhIjKlMnOpQrStUvWxYz0=; b=c2lnbmF0dXJlbm90Y2hlY2tlZA=="),
        ("From", LE_FROM),
        ("To", "admin@example.org"),
        ("Subject", LE_SUBJ % "example.org" + " (and 1 more)"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/alternative; boundary="%s"' % bnd),
    ], body)
    add("letsencrypt", "expiry-2018-two-names-multipart",
        "Let's Encrypt 2018: '(and 1 more)', names one per line after the lifetime paragraph, '31 Jul 18 06:24 +0000'; multipart/alternative QP",
        data, [expect(mid, d, "letsencrypt", "expiry-warning", "example.org", None, 20,
                      explicit="2018-07-31", domains=names)])

    # -- 2024: ISO date, three names, HTML only, subject's name not first in the list
    d = dt.datetime(2024, 2, 16, 18, 50, 11, tzinfo=utc)
    mid = "20240216185011.0f1e2d3c4b5a@mandrillapp.com"
    names = ["example.net", "shop.example.net", "www.example.net"]
    html = ("<!DOCTYPE html><html><body>\n<p>Hello,</p>\n"
            "<p>Your certificate (or certificates) for the names listed below will expire in 19 days "
            "(on 2024-03-06). Please make sure to renew your certificate before then, or visitors to "
            "your web site will encounter errors.</p>\n"
            "<p>We recommend renewing certificates automatically when they have a third of their "
            "total lifetime left. For Let&#39;s Encrypt&#39;s current 90-day certificates, that means "
            "renewing 30 days before expiration. See <a href=\"https://letsencrypt.org/docs/"
            "integration-guide/\">https://letsencrypt.org/docs/integration-guide/</a> for details.</p>\n"
            "<ul>\n" + "".join("<li>%s</li>\n" % n for n in names) + "</ul>\n"
            "<p>Regards,<br>\nThe Let&#39;s Encrypt Team</p>\n</body></html>\n")
    data = raw([
        ("Received", le_received("shop@example.net", d, "4Tb5Cd6EfGz7")),
        ("From", LE_FROM),
        ("To", "shop@example.net"),
        ("Subject", LE_SUBJ % "shop.example.net" + " (and 2 more)"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Transfer-Encoding", "base64"),
    ], b64body(html.encode()))
    add("letsencrypt", "expiry-2024-iso-three-names-html",
        "Let's Encrypt 2024: '(on 2024-03-06)', three names in an HTML list, subject name shop.example.net first though the list is sorted; HTML only, base64",
        data, [expect(mid, d, "letsencrypt", "expiry-warning", "shop.example.net", None, 19,
                      explicit="2024-03-06",
                      domains=["shop.example.net", "example.net", "www.example.net"])])

    # -- 2023: date with time and 'UTC', a wildcard and its base name
    d = dt.datetime(2023, 1, 30, 7, 49, 26, tzinfo=utc)
    mid = "20230130074926.9a8b7c6d5e4f@mandrillapp.com"
    body = le_text(19, "2023-02-18 07:49:26 +0000 UTC", ["*.example.com", "example.com"], era=2023)
    data = py_modern([
        ("Received", le_received("ops@example.com", d, "4Pq8Rs9TuVz0")),
        ("From", LE_FROM),
        ("To", "ops@example.com"),
        ("Subject", LE_SUBJ % "*.example.com" + " (and 1 more)"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body, cte="7bit")
    add("letsencrypt", "expiry-2023-wildcard",
        "Let's Encrypt 2023: '(on 2023-02-18 07:49:26 +0000 UTC)', names *.example.com and example.com: one name to check, a reason for the wildcard",
        data, [expect(mid, d, "letsencrypt", "expiry-warning", "example.com", None, 19,
                      explicit="2023-02-18", reasons=["wildcard *.example.com"])])

    # -- look-alike: the Expiry Bot's text from another domain, with a login link
    d = dt.datetime(2024, 4, 2, 3, 0, 0, tzinfo=utc)
    mid = "20240402030000.77aa@letsencrypt-notice.com"
    body = le_text(3, "2024-04-05", ["shop.example.com"], era=2024).replace(
        "https://community.letsencrypt.org/",
        "https://letsencrypt-notice.com/renew?d=shop.example.com")
    data = py_modern([
        ("Received", received("smtp.letsencrypt-notice.com", "198.51.100.240", "mx.certnotice.test",
                              "4Vb1Cd2EfGz3", "shop@example.com", d + dt.timedelta(seconds=2))),
        ("From", "Let's Encrypt <expiry@letsencrypt-notice.com>"),
        ("To", "shop@example.com"),
        ("Subject", LE_SUBJ % "shop.example.com"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body, cte="7bit")
    add("phishing", "letsencrypt-lookalike-sender",
        "the Expiry Bot's text from expiry@letsencrypt-notice.com with a renewal link: Let's Encrypt's notice, suspicious",
        data, [expect(mid, d, "letsencrypt", "expiry-warning", "shop.example.com", None, 3,
                      explicit="2024-04-05", verdict="suspicious", reasons=["not a genuine"])])


# ==========================================================================
# aws-acm/  (AWS Health mail about ACM managed renewal)
# ==========================================================================

AWS_FROM = "Amazon Web Services <no-reply-aws@amazon.com>"
AWS_HEALTH_FROM = "AWS Health <health@aws.com>"


def aws_head(expires, primary, total, account="123456789012", region="us-east-1",
             cert="c8af81bb-c6e4-451c-9b44-2bed2e7ed2bb"):
    return ("Hello,\n\n"
            "You have an SSL/TLS certificate from AWS Certificate Manager in your AWS account that "
            "expires on %s. This certificate includes the primary domain %s and a total of %d "
            "domains.\n\n"
            "AWS account ID: %s\nAWS Region name: %s\n"
            "Certificate identifier: arn:aws:acm:%s:%s:certificate/%s\n\n"
            % (expires, primary, total, account, region, region, account, cert))


AWS_TAIL = ("If you have questions about this process, you can contact the Support Center[4]. If you "
            "don’t have an AWS support plan, you can post a new thread in the AWS Certificate Manager "
            "discussion forum[5].\n\n"
            "[1] https://docs.aws.amazon.com/acm/latest/APIReference/API_DescribeCertificate.html\n"
            "[2] https://docs.aws.amazon.com/cli/latest/reference/acm/describe-certificate.html\n"
            "[3] https://docs.aws.amazon.com/acm/latest/userguide/troubleshooting-renewal.html\n"
            "[4] https://console.aws.amazon.com/support/home\n"
            "[5] https://repost.aws/tags/TA8cP-P9mwR7u79jDb_2kd4w\n\n"
            "Sincerely,\nAmazon Web Services\n\n"
            "Amazon Web Services, Inc. is a subsidiary of Amazon.com, Inc. Amazon.com is a registered "
            "trademark of Amazon.com, Inc. This message was produced and distributed by Amazon Web "
            "Services Inc., 410 Terry Ave. North, Seattle, WA 98109-5210\n")

AWS_DNS = ("AWS Certificate Manager (ACM) was unable to renew the certificate automatically using DNS "
           "validation. You must take action to ensure that the renewal can be completed%s. If the "
           "certificate is not renewed and the current certificate expires, your website or "
           "application may become unreachable.\n\n"
           "To renew this certificate, you must ensure that the proper CNAME records are present in "
           "your DNS configuration for each domain listed below. You can find the CNAME records for "
           "your domains by expanding your certificate and its domain entries in the ACM console. You "
           "can also use the DescribeCertificate command in the ACM API[1] or the describe-certificate "
           "operation in the ACM CLI[2] to find a certificate’s CNAME records. For more information, "
           "see Automatic Domain Validation Failure in the ACM troubleshooting guide[3].\n")


def aws_received(rcpt, when, ident):
    return received("a8-33.smtp-out.amazonses.com", "54.240.8.33", "mx.certnotice.test",
                    ident, rcpt, when + dt.timedelta(seconds=3))


def aws_cases():
    utc = dt.timezone.utc
    # -- DNS validation pending: primary + total of 3, the three names one per line
    d = dt.datetime(2024, 10, 15, 9, 12, 7, tzinfo=utc)
    mid = "0100019290d2e1f0-5b7e1c2a-8a44-4f61-9d3e-2c1b0a9f8e7d-000000@email.amazonses.com"
    names = ["example.com", "www.example.com", "api.example.com"]
    body = (aws_head("Nov 14, 2024 at 23:59:59 UTC", "example.com", 3)
            + AWS_DNS % "" + "The following 3 domains require validation:\n"
            + "".join(n + "\n" for n in names) + "\n" + AWS_TAIL)
    data = raw([
        ("Received", aws_received("root@example.com", d, "4XsT5u6VwXz7")),
        ("From", AWS_FROM),
        ("To", "root@example.com"),
        ("Subject", "[Action Required] Your certificate renewal for example.com requires validation"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ], qpbody(body.encode("utf-8")))
    add("aws-acm", "renewal-failed-dns-three-domains",
        "ACM could not renew by DNS validation: 'expires on Nov 14, 2024 at 23:59:59 UTC', 'primary domain example.com and a total of 3 domains', 'The following 3 domains require validation:' one per line; from no-reply-aws@amazon.com (the subject is a guess: none is published)",
        data, [expect(mid, d, "aws-acm", "renewal-failed", "example.com", None, None,
                      explicit="2024-11-14", domains=names)])

    # -- 2019 wording, wildcard primary, HTML only with the names in a table, from health@aws.com
    d = dt.datetime(2019, 2, 11, 6, 27, 57, tzinfo=utc)
    mid = "01000168dc3b9a41-2f7e9c2b-1d3e-4b5a-8c7d-6e5f4a3b2c1d-000000@email.amazonses.com"
    head = aws_head("Mar 13, 2019 at 12:00:00 UTC", "*.example.org", 2, region="eu-west-1")
    html = ("<html><body>\n" + "".join("<p>%s</p>\n" % p.replace("\n", "<br>\n")
                                       for p in head.strip().split("\n\n"))
            + "<p>" + (AWS_DNS % "").strip() + "</p>\n"
            "<p>The following 2 domains require validation:</p>\n"
            "<table>\n<tr><td>*.example.org</td></tr>\n<tr><td>example.org</td></tr>\n</table>\n"
            "<p>Sincerely,<br>Amazon Web Services</p>\n</body></html>\n")
    data = raw([
        ("Received", aws_received("cloud@example.org", d, "44aB5cD6eFz7")),
        ("From", AWS_HEALTH_FROM),
        ("To", "cloud@example.org"),
        ("Subject", "AWS Notification - Certificate renewal requires validation [eu-west-1]"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/html; charset=UTF-8"),
        ("Content-Transfer-Encoding", "base64"),
    ], b64body(html.encode("utf-8")))
    add("aws-acm", "renewal-failed-wildcard-html-table",
        "ACM DNS-validation failure, 'primary domain *.example.org', HTML only with the names in a table (one row each), from health@aws.com: one name to check, a reason for the wildcard",
        data, [expect(mid, d, "aws-acm", "renewal-failed", "example.org", None, None,
                      explicit="2019-03-13", reasons=["wildcard *.example.org"])])

    # -- 2025 wording: 'completed before …', no first paragraph, names only in the list
    d = dt.datetime(2025, 12, 27, 8, 0, 40, tzinfo=utc)
    mid = "0100019b5f0c1d2e-aa11bb22-cc33-dd44-ee55-ff6677889900-000000@email.amazonses.com"
    body = ("Hello,\n\n" + AWS_DNS % " before Jan 10, 2026 at 23:59:59 UTC"
            + "The following 1 domains require validation:\nmood.example.com\n\n" + AWS_TAIL)
    data = py_modern([
        ("Received", aws_received("team@example.com", d, "4ZaB1c2DeFz3")),
        ("From", AWS_HEALTH_FROM),
        ("To", "team@example.com"),
        ("Subject", "AWS Health Event - ACM certificate renewal action required"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body, cte="quoted-printable")
    add("aws-acm", "renewal-failed-completed-before",
        "ACM failure worded 'the renewal can be completed before Jan 10, 2026 at 23:59:59 UTC', the name only in the list (UTF-8 QP, Python)",
        data, [expect(mid, d, "aws-acm", "renewal-failed", "mood.example.com", None, None,
                      explicit="2026-01-10")])

    # -- CAA: issuance blocked, two names on one line separated by a comma
    d = dt.datetime(2024, 9, 20, 12, 0, 0, tzinfo=utc)
    mid = "01000192103d4e5f-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d-000000@email.amazonses.com"
    body = (aws_head("Oct 20, 2024 at 23:59:59 UTC", "a.example.org", 2)
            + "AWS Certificate Manager (ACM) attempted to renew this certificate, but we are currently "
              "unable to issue a certificate containing the following domains: a.example.org, "
              "b.example.org\n\n"
              "The Certification Authority Authorization (CAA) records of these domains do not allow "
              "Amazon to issue certificates for them. To allow ACM to renew the certificate, add a CAA "
              "record that specifies amazon.com, amazontrust.com, awstrust.com or amazonaws.com, or "
              "remove the CAA records that prevent it. For more information, see the ACM CAA "
              "troubleshooting guide.\n\n" + AWS_TAIL)
    data = raw([
        ("Received", aws_received("root@example.org", d, "4XhI5j6KlMz7")),
        ("From", AWS_FROM),
        ("To", "root@example.org"),
        ("Subject", "AWS Certificate Manager: action required for certificate renewal"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
    ], body.encode("utf-8"))
    add("aws-acm", "caa-blocked-two-domains",
        "ACM cannot issue because of CAA records: 'unable to issue a certificate containing the following domains: a.example.org, b.example.org' (names on one line; amazon.com in the advice is no name of the notice)",
        data, [expect(mid, d, "aws-acm", "caa-blocked", "a.example.org", None, None,
                      explicit="2024-10-20", domains=["a.example.org", "b.example.org"])])

    # -- a certificate ACM will not renew (imported): the first paragraph only
    d = dt.datetime(2024, 10, 17, 7, 30, 0, tzinfo=utc)
    mid = "010001929a1b2c3d-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b-000000@email.amazonses.com"
    body = (aws_head("Dec 01, 2024 at 23:59:59 UTC", "legacy.example.com", 1,
                     cert="5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9")
            + "This certificate was imported into ACM. ACM does not renew imported certificates: "
              "import a new certificate before this one expires.\n\n" + AWS_TAIL)
    data = py_modern([
        ("Received", aws_received("root@example.com", d, "4XiJ6k7LmNz8")),
        ("From", AWS_FROM),
        ("To", "root@example.com"),
        ("Subject", "AWS Notification - Imported certificate expiring soon"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("aws-acm", "expiry-warning-imported",
        "ACM expiry of an imported certificate (ACM will not renew it): only 'You have an SSL/TLS certificate … that expires on Dec 01, 2024' (UTF-8 base64, Python)",
        data, [expect(mid, d, "aws-acm", "expiry-warning", "legacy.example.com", None, None,
                      explicit="2024-12-01")])

    # -- negative: success, 'Your certificate is renewed'
    d = dt.datetime(2022, 4, 6, 6, 0, 53, tzinfo=utc)
    mid = "0100017ffd2e3f40-8a9b0c1d-2e3f-4a5b-6c7d-8e9f0a1b2c3d-000000@email.amazonses.com"
    body = ("Hello,\n\nThis is to notify you that AWS Certificate Manager (ACM) has completed the renewal "
            "of an SSL/TLS certificate that certificate includes the primary domain "
            "storybook.example.dev and a total of 1 domains.\n\n"
            "AWS account ID: 123456789012\nAWS Region name: us-east-1\n"
            "Certificate identifier: arn:aws:acm:us-east-1:123456789012:certificate/"
            "95d1b7f1-5e04-4c70-9a95-73764d4a0b1c\n\n"
            "Your new certificate expires on May 05, 2023 at 23:59:59 UTC.\n"
            "If you have questions about this process, please use the Support Center at "
            "https://console.aws.amazon.com/support to contact AWS Support.\n\n"
            "Sincerely,\nAmazon Web Services\n")
    data = py_modern([
        ("Received", aws_received("root@example.dev", d, "4KqL7m8NoPz9")),
        ("From", AWS_FROM),
        ("To", "root@example.dev"),
        ("Subject", "Your certificate is renewed"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("negative", "aws-acm-certificate-renewed",
        "ACM success 'Your certificate is renewed' / 'has completed the renewal … Your new certificate expires on May 05, 2023' from no-reply-aws@amazon.com",
        data, [not_notice(mid, d)])

    # -- negative: a validation request to approve
    d = dt.datetime(2024, 3, 4, 22, 15, 0, tzinfo=utc)
    mid = "0100018e0b1c2d3e-1f2a3b4c-5d6e-7f80-9a1b-2c3d4e5f6a7b-000000@email.amazonses.com"
    body = ("Greetings from Amazon Web Services,\n\n"
            "We received a request to issue an SSL/TLS certificate for shop.example.com.\n\n"
            "Verify that the following domain, AWS account ID, and certificate identifier correspond to "
            "a request from you or someone in your organization.\n\n"
            "Domain: shop.example.com\nAWS account ID: 123456789012\nAWS Region name: us-east-1\n"
            "Certificate Identifier: 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d\n\n"
            "To approve this request, go to Amazon Certificate Approvals\n"
            "(https://us-east-1.certificates.amazon.com/approvals?code=0f1e2d3c&context=1a2b3c4d) and "
            "follow the instructions on the page.\n\n"
            "This email is intended solely for authorized individuals for shop.example.com. To express "
            "any concerns about this email or if this email has reached you in error, forward it along "
            "with a brief explanation of your concern to validation-questions@amazon.com.\n\n"
            "Sincerely,\nAmazon Web Services\n")
    data = py_modern([
        ("Received", aws_received("admin@shop.example.com", d, "4TcD7e8FgHz9")),
        ("From", "Amazon Certificates <no-reply@certificates.amazon.com>"),
        ("To", "admin@shop.example.com"),
        ("Subject", "Certificate request for shop.example.com"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("negative", "aws-acm-validation-request",
        "ACM 'Certificate request for shop.example.com' / 'We received a request to issue an SSL/TLS certificate' (approval, not expiry) from no-reply@certificates.amazon.com",
        data, [not_notice(mid, d)])


# ==========================================================================
# generic/  (hosts without a rule: the generic detector)
# ==========================================================================

GENERIC = "no rule matched; the generic detector scored"

# The generic detector's published weights (rules/generic.detector) for the
# evidence these cases are written to carry, and its bands: a notice from 11,
# medium confidence from 13, high from 16.  Each case names the cues the
# generator put into it; the expected score and band follow from them.
GENERIC_WEIGHTS = {
    "cert-subject": 3, "cert-body": 1, "failed-sentence": 5, "expired-sentence": 4,
    "expiry-sentence": 4, "failed-subject": 3, "expired-subject": 3, "expiry-subject": 3,
    "domain": 3, "days-left": 2, "expiry-date": 2,
}


# what a full notice of each kind carries: certificate and trouble in the
# subject and in a sentence of the body, the site, and a date or a day count
CUES_FAILED = ("cert-subject", "failed-subject", "cert-body", "failed-sentence", "domain",
               "expiry-date")
CUES_EXPIRY_DAYS = ("cert-subject", "expiry-subject", "cert-body", "expiry-sentence", "domain",
                    "days-left")
CUES_EXPIRED = ("cert-subject", "expired-subject", "cert-body", "expired-sentence", "domain",
                "expiry-date")


def generic_expect(mid, date, notice, domain, days, cues, *, reasons=(), **kw):
    score = sum(GENERIC_WEIGHTS[c] for c in cues)
    assert score >= 11, (mid, score)
    band = "high" if score >= 16 else "medium" if score >= 13 else "low"
    return expect(mid, date, "generic", notice, domain, None, days, confidence=band,
                  reasons=["%s %d " % (GENERIC, score)] + list(reasons), **kw)


def generic_cases():
    # -- a small Japanese host: 「SSL証明書の更新に失敗しました」, domain and date
    d, mid = jst(2024, 6, 3, 10, 0, 12), "20240603100012.a1b2c3@mail.minihost.example"
    body = ("山田 太郎 様\n\n"
            "いつもミニホストをご利用いただき、ありがとうございます。\n\n"
            "ご利用中のSSL証明書の自動更新に失敗しました。\n"
            "このままでは有効期限を過ぎるとサイトが表示できなくなります。\n\n"
            "対象ドメイン:shop.example.jp\n"
            "有効期限:2024年6月20日\n\n"
            "ドメインのネームサーバー設定をご確認のうえ、管理画面から再度更新をお試しください。\n"
            "https://panel.minihost.example/\n\n"
            "ミニホスト サポートチーム\n")
    data = hosted_mail("mail.minihost.example", "203.0.113.150", "taro@example.jp", d, "4WaB1c2DeFz3",
                       "ミニホスト サポート <support@minihost.example>", "taro@example.jp",
                       "【重要】SSL証明書の更新に失敗しました",
                       mid, body)
    add("generic", "ja-renewal-failed-small-host",
        "a host without a rule: 【重要】SSL証明書の更新に失敗しました, 対象ドメイン:shop.example.jp, 有効期限:2024年6月20日 (UTF-8 base64): generic renewal-failed, high",
        data, [generic_expect(mid, d, "renewal-failed", "shop.example.jp", None,
                              CUES_FAILED, explicit="2024-06-20")])

    # -- Japanese expiry warning, ISO-2022-JP, full-width colon and digits, 残り7日
    d, mid = jst(2024, 8, 1, 9, 30), "20240801093000.ff01@cloud-sakaba.example"
    body = ("お客様各位\n\n"
            "平素よりクラウド酒場レンタルサーバーをご利用いただき誠にありがとうございます。\n\n"
            "blog.example.net のSSLサーバー証明書の有効期限が近づいております。\n"
            "有効期限まで残り７日です。\n\n"
            "証明書の自動更新が行われていない可能性がございます。管理画面のSSL設定をご確認ください。\n")
    data = raw([
        ("Received", host_received("smtp.cloud-sakaba.example", "203.0.113.151", "owner@example.net",
                                   d, "4WmN2o3PqRz4")),
        ("From", addr("クラウド酒場", "noreply@cloud-sakaba.example")),
        ("To", "owner@example.net"),
        ("Subject", ew("SSLサーバー証明書の有効期限が近づいています(blog.example.net)",
                       "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("generic", "ja-expiry-warning-iso2022jp",
        "a host without a rule: SSLサーバー証明書の有効期限が近づいています(blog.example.net), 'blog.example.net のSSLサーバー証明書', 残り７日 (ISO-2022-JP): generic expiry-warning, high",
        data, [generic_expect(mid, d, "expiry-warning", "blog.example.net", 7,
                              CUES_EXPIRY_DAYS)])

    # -- English: "Your SSL certificate for shop.example.com expires in 7 days"
    d = dt.datetime(2024, 6, 3, 14, 0, 0, tzinfo=dt.timezone.utc)
    mid = "5f3a2b1c.0d9e8f7a@alerts.tinyhost.example"
    body = ("Hello,\n\n"
            "Your SSL certificate for shop.example.com will expire in 7 days.\n\n"
            "Log in to your control panel and open SSL/TLS to renew it, or make sure the domain "
            "still points at our servers so that automatic renewal can succeed.\n\n"
            "-- \nTinyHost\n")
    data = hosted_mail("alerts.tinyhost.example", "198.51.100.160", "me@example.com", d, "4WbC3d4EfGz5",
                       "TinyHost <alerts@tinyhost.example>", "me@example.com",
                       "Your SSL certificate for shop.example.com expires in 7 days",
                       mid, body, cte="7bit")
    add("generic", "en-expiry-7-days",
        "a host without a rule: 'Your SSL certificate for shop.example.com expires in 7 days' (us-ascii): generic expiry-warning, 7 days",
        data, [generic_expect(mid, d, "expiry-warning", "shop.example.com", 7,
                              CUES_EXPIRY_DAYS)])

    # -- English renewal failure, HTML only, with an ISO expiry date
    d = dt.datetime(2024, 9, 16, 3, 12, 44, tzinfo=dt.timezone.utc)
    mid = "ab12cd34ef56@notify.pixelhost.example"
    html = ("<html><body>\n<h2>Certificate renewal failed</h2>\n"
            "<p>We were unable to renew the TLS certificate for <b>blog.example.org</b>.</p>\n"
            "<table><tr><td>Domain:</td><td>blog.example.org</td></tr>\n"
            "<tr><td>Certificate expires:</td><td>2024-09-30</td></tr></table>\n"
            "<p>Please check that the DNS records of the domain point to PixelHost.</p>\n"
            "</body></html>\n")
    data = raw([
        ("Received", host_received("notify.pixelhost.example", "198.51.100.161", "web@example.org",
                                   d, "4XcD4e5FgHz6")),
        ("From", "PixelHost <notify@pixelhost.example>"),
        ("To", "web@example.org"),
        ("Subject", "Action needed: certificate renewal failed for blog.example.org"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ], qpbody(html.encode("utf-8")))
    add("generic", "en-renewal-failed-html",
        "a host without a rule: 'We were unable to renew the TLS certificate for blog.example.org', table 'Certificate expires: 2024-09-30', HTML only: generic renewal-failed, high",
        data, [generic_expect(mid, d, "renewal-failed", "blog.example.org", None,
                              CUES_FAILED, explicit="2024-09-30")])

    # -- English: the certificate has expired
    d = dt.datetime(2024, 5, 2, 8, 0, 0, tzinfo=dt.timezone.utc)
    mid = "c0ffee01@monitor.hostwerk.example"
    body = ("Hi,\n\nThe SSL certificate for www.example.net has expired on May 1, 2024.\n"
            "Visitors now see a security warning. Renew the certificate in your hosting panel.\n\n"
            "Hostwerk\n")
    data = hosted_mail("monitor.hostwerk.example", "198.51.100.162", "it@example.net", d, "4VdE5f6GhIz7",
                       "Hostwerk <monitor@hostwerk.example>", "it@example.net",
                       "SSL certificate expired: www.example.net",
                       mid, body, cte="7bit")
    add("generic", "en-expired",
        "a host without a rule: 'SSL certificate expired: www.example.net' / 'has expired on May 1, 2024': generic expired, high",
        data, [generic_expect(mid, d, "expired", "www.example.net", None,
                              CUES_EXPIRED, explicit="2024-05-01")])

    # -- English, no site named: a notice all the same, with nothing to check
    d = dt.datetime(2024, 7, 8, 12, 0, 0, tzinfo=dt.timezone.utc)
    mid = "77e1d2c3@mail.smallcloud.example"
    body = ("Hello,\n\nYour SSL certificate will expire in 5 days and could not be renewed "
            "automatically.\nPlease renew it from your dashboard.\n\nSmallCloud\n")
    data = hosted_mail("mail.smallcloud.example", "198.51.100.163", "me@example.com", d, "4WeF6g7HiJz8",
                       "SmallCloud <no-reply@smallcloud.example>", "me@example.com",
                       "Your SSL certificate expires soon",
                       mid, body, cte="7bit")
    add("generic", "en-no-domain",
        "a host without a rule that names no site: 'Your SSL certificate will expire in 5 days and could not be renewed automatically': generic renewal-failed, no domain, nothing to check",
        data, [generic_expect(mid, d, "renewal-failed", None, 5,
                              ("cert-subject", "expiry-subject", "cert-body", "failed-sentence",
                               "expiry-sentence", "days-left"), reasons=["no domain"])])

    # -- a trusted Authentication-Results fail makes a generic notice suspicious
    d = dt.datetime(2024, 6, 10, 1, 0, 0, tzinfo=dt.timezone.utc)
    mid = "b4d5e6f7@tinyhost.example"
    body = ("Hello,\n\nYour SSL certificate for shop.example.com will expire in 2 days.\n"
            "Renew it now: https://tinyhost-billing.example/renew\n")
    data = py_modern([
        ("Authentication-Results", "mx.certnotice.test; dkim=fail header.d=tinyhost.example; spf=fail smtp.mailfrom=tinyhost.example; dmarc=fail header.from=tinyhost.example"),
        ("Received", received("203-0-113-99.dsl.example", "203.0.113.99", "mx.certnotice.test",
                              "4WfG7h8IjKz9", "me@example.com", d + dt.timedelta(seconds=2))),
        ("From", "TinyHost <alerts@tinyhost.example>"),
        ("To", "me@example.com"),
        ("Subject", "Your SSL certificate for shop.example.com expires in 2 days"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body, cte="7bit")
    add("generic", "en-auth-fail-suspicious",
        "a generic notice whose Authentication-Results (trusted mx.certnotice.test) report dkim, spf and dmarc fail: suspicious, authentic false",
        data, [generic_expect(mid, d, "expiry-warning", "shop.example.com", 2,
                              CUES_EXPIRY_DAYS,
                              verdict="suspicious", reasons=["dkim=fail, dmarc=fail, spf=fail"])])

    # -- a trusted pass does not make a generic notice authentic
    d, mid = jst(2024, 6, 11, 9, 0), "20240611090000.aa@mail.minihost.example"
    body = ("山田 太郎 様\n\nご利用中のSSL証明書の自動更新に失敗しました。\n\n"
            "対象ドメイン:www.example.jp\n有効期限:2024年6月25日\n\nミニホスト サポートチーム\n")
    data = py_modern([
        ("Authentication-Results", "mx.certnotice.test; dkim=pass header.d=minihost.example; spf=pass smtp.mailfrom=minihost.example; dmarc=pass header.from=minihost.example"),
        ("Received", host_received("mail.minihost.example", "203.0.113.150", "taro@example.jp",
                                   d, "4WgH8i9JkLz0")),
        ("From", "ミニホスト サポート <support@minihost.example>"),
        ("To", "taro@example.jp"),
        ("Subject", "【重要】SSL証明書の更新に失敗しました"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("generic", "ja-auth-pass-never-authentic",
        "a generic notice with dkim/spf/dmarc=pass from the trusted authserv-id: still authentic null (no sender is genuine for an unknown host)",
        data, [generic_expect(mid, d, "renewal-failed", "www.example.jp", None,
                              CUES_FAILED, explicit="2024-06-25")])


# ==========================================================================
# negative/: ordinary mail about certificates and renewals
# ==========================================================================

def generic_negative_cases():
    # -- Xserver domain renewal reminder: same sender, same layout, and it mentions SSL
    d, mid = jst(2024, 6, 1, 10, 0), "20240601100000.3C4D5E6F.xs@xserver.ne.jp"
    body = (RULE_BOLD + "\n【Xserver】■重要■ドメイン更新期限に関するお知らせ(example.jp)\n" + RULE_BOLD + "\n"
            "XserverアカウントID : xs1234567\n\n"
            "平素は当サービスをご利用いただき誠にありがとうございます。\n"
            "Xserver カスタマーサポートでございます。\n\n"
            "ご利用中の下記ドメインの利用期限が近づいております。\n"
            "利用期限日までに更新手続きがない場合、ドメインは失効し、ドメインに設定している\n"
            "ウェブサイト・メール・SSLサーバー証明書がご利用いただけなくなります。\n\n"
            "■ドメイン情報\n"
            "【ドメイン名】 : example.jp\n"
            "【利用期限日】 : 2024年7月31日\n"
            "【支払期限日】 : 2024年7月20日\n\n"
            "更新手続きはXserverアカウントの「料金支払い」より行えます。\n\n"
            "エックスサーバー株式会社 カスタマーサポート\n")
    data = raw([
        ("Received", host_received("sv-smtp01.xserver.ne.jp", "203.0.113.61", "taro@example.jp",
                                   d, "4WhI9j0KlMz1")),
        ("From", addr("Xserver", "support@xserver.ne.jp")),
        ("To", "taro@example.jp"),
        ("Subject", ew("【Xserver】■重要■ドメイン更新期限に関するお知らせ(example.jp)",
                       "ISO-2022-JP", "iso2022_jp")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=ISO-2022-JP"),
        ("Content-Transfer-Encoding", "7bit"),
    ], body.encode("iso2022_jp"))
    add("negative", "xserver-domain-renewal",
        "Xserver 'ドメイン更新期限に関するお知らせ' (利用期限日, 支払期限日, 失効, and SSLサーバー証明書 among what stops working) from the genuine sender: a domain renewal, not a certificate notice",
        data, [not_notice(mid, d)])

    # -- XFREE contract renewal: 契約更新, 利用期限日, 凍結, and 独自SSL
    d, mid = jst(2024, 9, 1, 12, 0), "20240901120000.9A8B7C6D.xf@xserver.ne.jp"
    body = ("XFREE をご利用いただき誠にありがとうございます。\n\n"
            "ご利用中の無料レンタルサーバーの利用期限が近づいております。\n"
            "利用期限日までに契約更新の手続きを行わない場合、サーバーは凍結され、\n"
            "設定している独自SSL(無料SSL証明書)も利用できなくなります。\n\n"
            "【サーバーID】 : xfree-taro\n"
            "【利用期限日】 : 2024年9月30日\n\n"
            "契約更新はXserverアカウントから行えます。\n")
    data = hosted_mail("sv-smtp02.xserver.ne.jp", "203.0.113.62", "taro@example.jp", d, "4WiJ0k1LmNz2",
                       "XFREE <support@xserver.ne.jp>", "taro@example.jp",
                       "【XFREE】無料レンタルサーバー契約更新に関するお知らせ",
                       mid, body)
    add("negative", "xfree-contract-renewal",
        "XFREE '無料レンタルサーバー契約更新に関するお知らせ' (利用期限日, 凍結, 独自SSL(無料SSL証明書) mentioned): a contract renewal, not a certificate notice",
        data, [not_notice(mid, d)])

    # -- a small host's domain renewal reminder, Japanese, naming SSL as collateral
    d, mid = jst(2024, 3, 15, 9, 0), "20240315090000.bb@minihost.example"
    body = ("山田 太郎 様\n\n"
            "ご契約中のドメイン example.jp の有効期限が近づいております。\n"
            "有効期限:2024年4月15日(残り31日)\n\n"
            "期限を過ぎるとドメインが失効し、ウェブサイトやSSL証明書の更新もできなくなります。\n"
            "管理画面の「ドメイン更新」からお手続きください。\n")
    data = hosted_mail("mail.minihost.example", "203.0.113.150", "taro@example.jp", d, "4WjK1l2MnOz3",
                       "ミニホスト <support@minihost.example>", "taro@example.jp",
                       "【重要】ドメインの有効期限が近づいています(example.jp)",
                       mid, body)
    add("negative", "ja-domain-expiry-small-host",
        "a small host's 'ドメインの有効期限が近づいています(example.jp)' with 有効期限, 残り31日 and 'SSL証明書の更新もできなくなります': a domain renewal",
        data, [not_notice(mid, d)])

    # -- English registrar reminder, with an SSL upsell
    d = dt.datetime(2024, 5, 20, 16, 0, 0, tzinfo=dt.timezone.utc)
    mid = "renew-9f8e7d6c@registrar.example"
    body = ("Hello,\n\nYour domain example.com will expire on June 19, 2024 (in 30 days).\n"
            "Renew your domain registration now to keep your website and email working.\n\n"
            "Tip: add an SSL certificate to your renewal and save 20% — your SSL certificate "
            "will be renewed together with the domain.\n\n"
            "Domain: example.com\nExpiration date: 2024-06-19\nAuto-renew: off\n\n"
            "Renew now: https://registrar.example/renew/example.com\n")
    data = hosted_mail("mx.registrar.example", "198.51.100.170", "owner@example.com", d, "4VkL2m3NoPz4",
                       "Registrar Example <renewals@registrar.example>", "owner@example.com",
                       "Your domain example.com expires in 30 days",
                       mid, body, cte="quoted-printable")
    add("negative", "en-domain-renewal-registrar",
        "a registrar's 'Your domain example.com expires in 30 days' with 'Expiration date' and an SSL certificate upsell: a domain renewal",
        data, [not_notice(mid, d)])

    # -- a small host says the certificate was renewed (success), English
    d = dt.datetime(2024, 6, 5, 4, 0, 0, tzinfo=dt.timezone.utc)
    mid = "ok-1a2b3c@tinyhost.example"
    body = ("Hello,\n\nYour SSL certificate for shop.example.com has been renewed successfully.\n"
            "The new certificate expires on 2024-09-03 (in 90 days). No action is required.\n")
    data = hosted_mail("alerts.tinyhost.example", "198.51.100.160", "me@example.com", d, "4WlM3n4OpQz5",
                       "TinyHost <alerts@tinyhost.example>", "me@example.com",
                       "SSL certificate renewed for shop.example.com",
                       mid, body, cte="7bit")
    add("negative", "en-certificate-renewed-small-host",
        "a host without a rule: 'SSL certificate renewed for shop.example.com' / 'expires on 2024-09-03 (in 90 days)': success, not a notice",
        data, [not_notice(mid, d)])

    # -- a small host says the certificate was issued, Japanese
    d, mid = jst(2024, 6, 6, 11, 0), "20240606110000.cc@minihost.example"
    body = ("山田 太郎 様\n\n下記ドメインのSSL証明書の発行が完了しました。\n\n"
            "対象ドメイン:shop.example.jp\n有効期限:2024年9月4日\n\n"
            "有効期限の30日前に自動で更新されます。お客様による作業は必要ありません。\n")
    data = hosted_mail("mail.minihost.example", "203.0.113.150", "taro@example.jp", d, "4WmN4o5PqRz6",
                       "ミニホスト <support@minihost.example>", "taro@example.jp",
                       "SSL証明書発行のお知らせ(shop.example.jp)",
                       mid, body)
    add("negative", "ja-ssl-issued-small-host",
        "a host without a rule: 'SSL証明書発行のお知らせ(shop.example.jp)' with 有効期限 and 自動で更新されます: issued, not a notice",
        data, [not_notice(mid, d)])

    # -- a newsletter about shorter certificate lifetimes
    d = dt.datetime(2025, 4, 15, 9, 0, 0, tzinfo=dt.timezone.utc)
    mid = "news-2025-04@news.certvendor.example"
    body = ("CertVendor Newsletter — April 2025\n\n"
            "The CA/Browser Forum voted to shorten TLS certificate lifetimes to 47 days by 2029.\n"
            "Your certificates will expire more often: a certificate issued on 2029-03-15 will "
            "expire in 47 days.\n"
            "Automate renewal now and save 15% on our managed certificates for example.com and "
            "every other domain you run.\n\n"
            "Read more on our blog: https://blog.certvendor.example/47-days\n\n"
            "Unsubscribe: https://news.certvendor.example/unsubscribe\n")
    data = hosted_mail("news.certvendor.example", "198.51.100.171", "me@example.com", d, "4ZnO5p6QrSz7",
                       "CertVendor <news@news.certvendor.example>", "me@example.com",
                       "TLS certificates will expire every 47 days: are you ready?",
                       mid, body, cte="quoted-printable")
    add("negative", "en-newsletter-certificate-lifetimes",
        "a CA's newsletter: 'TLS certificates will expire every 47 days', 'will expire in 47 days', a domain and a date — with unsubscribe and blog: not a notice",
        data, [not_notice(mid, d)])

    # -- a bounce: the remote MX's certificate expired
    d = dt.datetime(2024, 2, 2, 2, 2, 2, tzinfo=dt.timezone.utc)
    mid = "20240202020202.ABCDEF0123@mx.example.com"
    body = ("This is the mail system at host mx.example.com.\n\n"
            "I'm sorry to have to inform you that your message could not\n"
            "be delivered to one or more recipients.\n\n"
            "<bob@partner.example>: TLS is required, but the certificate of mail.partner.example\n"
            "    has expired on 2024-01-31 (certificate verify failed)\n")
    data = raw([
        ("Received", "by mx.example.com (Postfix)\n\tid ABCDEF0123; " + rfcdate(d)),
        ("From", "MAILER-DAEMON@mx.example.com (Mail Delivery System)"),
        ("To", "alice@example.com"),
        ("Subject", "Undelivered Mail Returned to Sender"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=us-ascii"),
    ], body.encode("ascii"))
    add("negative", "en-bounce-remote-certificate-expired",
        "a bounce: 'the certificate of mail.partner.example has expired on 2024-01-31': delivery report, not a notice",
        data, [not_notice(mid, d)])

    # -- a bounce with the original attached (message/rfc822): the original
    #    is ordinary mail, so it gets no result of its own (certnotice(1):
    #    an attached message gets one only when it says something)
    d = dt.datetime(2024, 2, 3, 3, 3, 3, tzinfo=dt.timezone.utc)
    mid = "20240203030303.BCDEF01234@mx.example.com"
    orig_d = dt.datetime(2024, 2, 3, 12, 0, 0, tzinfo=JST)
    bnd = "BCDEF01234.1706929383/mx.example.com"
    original = raw([
        ("Received", "from [192.0.2.44] by mx.example.com (Postfix)\n\twith ESMTPSA id BCDEF01234; " + rfcdate(orig_d)),
        ("From", "Alice <alice@example.com>"),
        ("To", "bob@partner.example"),
        ("Subject", "Re: lunch on friday"),
        ("Date", rfcdate(orig_d)),
        ("Message-ID", "<lunch-20240203@example.com>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=us-ascii"),
    ], b"Friday at noon works for me.\n")
    body = (("This is a MIME-encapsulated message.\n\n--%s\n"
             "Content-Description: Notification\nContent-Type: text/plain; charset=us-ascii\n\n"
             "This is the mail system at host mx.example.com.\n\n"
             "I'm sorry to have to inform you that your message could not\n"
             "be delivered to one or more recipients.\n\n"
             "<bob@partner.example>: host mail.partner.example said: 550 5.1.1 no such user\n\n"
             "--%s\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\n"
             "Reporting-MTA: dns; mx.example.com\nArrival-Date: %s\n\n"
             "Final-Recipient: rfc822; bob@partner.example\nAction: failed\nStatus: 5.1.1\n\n"
             "--%s\nContent-Description: Undelivered Message\nContent-Type: message/rfc822\n\n")
            % (bnd, bnd, rfcdate(orig_d), bnd)).encode("ascii") + original + ("\n--%s--\n" % bnd).encode("ascii")
    data = raw([
        ("Received", "by mx.example.com (Postfix)\n\tid BCDEF01234; " + rfcdate(d)),
        ("From", "MAILER-DAEMON@mx.example.com (Mail Delivery System)"),
        ("To", "alice@example.com"),
        ("Subject", "Undelivered Mail Returned to Sender"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/report; report-type=delivery-status;\n\tboundary="%s"' % bnd),
    ], body)
    add("negative", "en-bounce-original-attached",
        "a bounce with the undelivered original attached as message/rfc822 (ordinary mail, 'Re: lunch on friday'): "
        "one result, the bounce's; the original says nothing and gets none",
        data, [not_notice(mid, d)])

    # -- the My Number card's electronic certificate (電子証明書) expires
    d, mid = jst(2024, 10, 1, 9, 0), "20241001090000.jpki@city.example.lg.jp"
    body = ("山田 太郎 様\n\n"
            "マイナンバーカードの電子証明書の有効期限が近づいています。\n"
            "有効期限:2024年12月24日\n\n"
            "お住まいの市区町村窓口で更新手続きを行ってください。\n")
    data = hosted_mail("mail.city.example.lg.jp", "203.0.113.180", "taro@example.jp", d, "4YoP6q7RsTz8",
                       "市役所 <info@city.example.lg.jp>", "taro@example.jp",
                       "【お知らせ】電子証明書の有効期限が近づいています",
                       mid, body)
    add("negative", "ja-electronic-certificate-mynumber",
        "マイナンバーカードの電子証明書の有効期限が近づいています (有効期限 date): another kind of certificate, not a server certificate",
        data, [not_notice(mid, d)])

    # -- a customer's reply quoting a generic notice
    d = dt.datetime(2024, 6, 3, 15, 0, 0, tzinfo=dt.timezone.utc)
    mid = "reply-77@example.com"
    body = ("Thanks, I renewed it from the panel.\n\nOn Mon, TinyHost wrote:\n"
            "> Your SSL certificate for shop.example.com will expire in 7 days.\n")
    data = hosted_mail("mail.example.com", "192.0.2.10", "alerts@tinyhost.example", d, "4WpQ7r8StUz9",
                       "Me <me@example.com>", "TinyHost <alerts@tinyhost.example>",
                       "Re: Your SSL certificate for shop.example.com expires in 7 days",
                       mid, body, cte="7bit")
    add("negative", "en-reply-to-generic-notice",
        "the customer's 'Re: Your SSL certificate for shop.example.com expires in 7 days' quoting it: a reply, not a notice",
        data, [not_notice(mid, d)])


# ==========================================================================
# International providers (/work/shared/notices.md "Outside Japan"): certbot
# and acme.sh (local mail), Heroku, Netlify, ZeroSSL, DigiCert, Sectigo,
# Vercel; cPanel's other AutoSSL notice and Virtualmin's success mail.
# Published: the sentences quoted in notices.md, certbot's and acme.sh's
# output (their source code).  Everything else in these mails (greetings,
# advice, links, signatures, subjects where none is published) is written
# here in the same style; docs/providers.md says which parts are whose.
# ==========================================================================

UTC = dt.timezone.utc
# a local provider's notice whose sender nobody declared (sender_domains is
# empty in certbot.rules and acme-sh.rules, and the tests read no config)
LOCAL = "the sender is not checked"

CERTBOT_CRON = ("test -x /usr/bin/certbot -a \\! -d /run/systemd/system && perl -e "
                "'sleep int(rand(43200))' && certbot -q renew")
CERTBOT_TAIL = ("Ask for help or search for solutions at https://community.letsencrypt.org. See the "
                "logfile /var/log/letsencrypt/letsencrypt.log or re-run Certbot with -v for more "
                "details.\n")
SIDE_FRAME = "- " * 39 + "-"


def cron_mail(host, ip, rcpt, d, ident, user, command, body, *, frm=None, cte="8bit",
              charset="UTF-8", extra=()):
    """A mail as Debian's cron writes it (From: root@host (Cron Daemon),
    X-Cron-Env headers), relayed by the host's MTA to our MX."""
    short = host.split(".")[0]
    headers = [
        ("Received", host_received(host, ip, rcpt, d, ident)),
        ("From", frm or "root@%s (Cron Daemon)" % host),
        ("To", user),
        ("Subject", "Cron <%s@%s> %s" % (user, short, command)),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=%s" % charset),
        ("Content-Transfer-Encoding", cte),
        ("X-Cron-Env", "<SHELL=/bin/sh>"),
        ("X-Cron-Env", "<HOME=/root>"),
        ("X-Cron-Env", "<PATH=/usr/bin:/bin>"),
        ("X-Cron-Env", "<LOGNAME=%s>" % user),
        ("Message-Id", "<%s@%s>" % (ident, host)),
        ("Date", rfcdate(d)),
    ] + list(extra)
    if cte == "base64":
        payload = b64body(body.encode("utf-8"))
    elif cte == "quoted-printable":
        payload = qpbody(body.encode("utf-8"))
    else:
        payload = body.encode("utf-8")
    return raw(headers, payload)


def certbot_cases():
    # -- certbot 1.x under Debian's cron, -q: only the failure is printed
    d = dt.datetime(2024, 5, 2, 3, 17, 44, tzinfo=UTC)
    body = ("Failed to renew certificate example.org with error: Some challenges have failed.\n"
            "All renewals failed. The following certificates could not be renewed:\n"
            "  /etc/letsencrypt/live/example.org/fullchain.pem (failure)\n"
            "1 renew failure(s), 0 parse failure(s)\n" + CERTBOT_TAIL)
    data = cron_mail("web1.example.net", "198.51.100.21", "root@web1.example.net", d, "4VqB1c2DeFz3",
                     "root", CERTBOT_CRON, body)
    add("certbot", "renewal-failed-quiet-debian-cron",
        "certbot 1.x under Debian's /etc/cron.d/certbot (-q): 'Failed to renew certificate example.org with error', 'All renewals failed', the (failure) path; From root@web1.example.net (Cron Daemon): a local sender nobody declared, not checked; account root@web1 from cron's subject",
        data, [expect("4VqB1c2DeFz3@web1.example.net", d, "certbot", "renewal-failed", "example.org",
                      "root@web1", None, reasons=[LOCAL])])

    # -- certbot 1.x, verbose: one lineage renewed, two failed (one with the -0001 suffix)
    d = dt.datetime(2023, 11, 20, 0, 42, 5, tzinfo=UTC)
    body = ("Saving debug log to /var/log/letsencrypt/letsencrypt.log\n\n"
            + SIDE_FRAME + "\nProcessing /etc/letsencrypt/renewal/blog.example.com.conf\n" + SIDE_FRAME + "\n"
            "Renewing an existing certificate for blog.example.com\n\n"
            + SIDE_FRAME + "\nProcessing /etc/letsencrypt/renewal/shop.example.com-0001.conf\n" + SIDE_FRAME + "\n"
            "Renewing an existing certificate for shop.example.com and www.shop.example.com\n\n"
            "Certbot failed to authenticate some domains (authenticator: webroot). The Certificate "
            "Authority reported these problems:\n"
            "  Domain: www.shop.example.com\n  Type:   dns\n"
            "  Detail: DNS problem: NXDOMAIN looking up A for www.shop.example.com - check that a DNS "
            "record exists for this domain\n\n"
            "Hint: The Certificate Authority failed to verify the temporary files created by Certbot.\n\n"
            "Failed to renew certificate shop.example.com-0001 with error: Some challenges have failed.\n\n"
            + SIDE_FRAME + "\nProcessing /etc/letsencrypt/renewal/api.example.com.conf\n" + SIDE_FRAME + "\n"
            "Renewing an existing certificate for api.example.com\n"
            "Failed to renew certificate api.example.com with error: urn:ietf:params:acme:error:"
            "rateLimited :: too many failed authorizations recently\n\n"
            + SIDE_FRAME + "\nThe following renewals succeeded:\n"
            "  /etc/letsencrypt/live/blog.example.com/fullchain.pem (success)\n\n"
            "The following renewals failed:\n"
            "  /etc/letsencrypt/live/shop.example.com-0001/fullchain.pem (failure)\n"
            "  /etc/letsencrypt/live/api.example.com/fullchain.pem (failure)\n"
            + SIDE_FRAME + "\n2 renew failure(s), 0 parse failure(s)\n" + CERTBOT_TAIL)
    data = cron_mail("web2.example.com", "198.51.100.22", "deploy@web2.example.com", d, "4SrC2d3EfGz4",
                     "deploy", "/usr/bin/certbot renew --deploy-hook 'systemctl reload nginx'", body)
    add("certbot", "renewal-failed-mixed-two-lineages",
        "certbot 1.x, verbose: blog renewed, shop.example.com-0001 and api.example.com failed ('The following renewals failed:'): the lineage suffix -0001 dropped, the renewed one and the names in the CA's problem report not taken; account deploy@web2",
        data, [expect("4SrC2d3EfGz4@web2.example.com", d, "certbot", "renewal-failed", "shop.example.com",
                      "deploy@web2", None, domains=["shop.example.com", "api.example.com"],
                      reasons=[LOCAL])])

    # -- certbot 0.x (2017): 'Attempting to renew cert (…) … produced an unexpected error'
    d = dt.datetime(2017, 9, 14, 2, 31, 9, tzinfo=UTC)
    body = ("Attempting to renew cert (example.net) from /etc/letsencrypt/renewal/example.net.conf "
            "produced an unexpected error: Failed authorization procedure. example.net (http-01): "
            "urn:acme:error:unauthorized :: The client lacks sufficient authorization :: Invalid "
            "response from http://example.net/.well-known/acme-challenge/Jk3lM9nOpQ: \"<!DOCTYPE "
            "html>\". Skipping.\n"
            "All renewal attempts failed. The following certs could not be renewed:\n"
            "  /etc/letsencrypt/live/example.net/fullchain.pem (failure)\n"
            "1 renew failure(s), 0 parse failure(s)\n")
    data = cron_mail("vps1.example.net", "203.0.113.31", "admin@example.net", d, "3xTm9n0PqRz5",
                     "root", "certbot renew --quiet --no-self-upgrade", body,
                     frm="Cron Daemon <root@vps1.example.net>", charset="ANSI_X3.4-1968", cte="7bit")
    add("certbot", "renewal-failed-2017-attempting-to-renew",
        "certbot 0.x (2017): 'Attempting to renew cert (example.net) from … produced an unexpected error', 'All renewal attempts failed. The following certs could not be renewed:'; charset ANSI_X3.4-1968 as cron writes it, 'Cron Daemon <root@…>'",
        data, [expect("3xTm9n0PqRz5@vps1.example.net", d, "certbot", "renewal-failed", "example.net",
                      "root@vps1", None, reasons=[LOCAL])])

    # -- certbot 0.1x (2016): no name in 'Attempting to renew cert from …conf'; mixed result
    d = dt.datetime(2016, 8, 30, 6, 25, 1, tzinfo=UTC)
    body = ("-------------------------------------------------------------------------------\n"
            "Processing /etc/letsencrypt/renewal/old.example.org.conf\n"
            "-------------------------------------------------------------------------------\n"
            "Attempting to renew cert from /etc/letsencrypt/renewal/old.example.org.conf produced an "
            "unexpected error: Failed authorization procedure. old.example.org (tls-sni-01): "
            "urn:acme:error:connection :: The server could not connect to the client to verify the "
            "domain :: Connection refused. Skipping.\n\n"
            "The following certs were successfully renewed:\n"
            "  /etc/letsencrypt/live/new.example.org/fullchain.pem (success)\n\n"
            "The following certs could not be renewed:\n"
            "  /etc/letsencrypt/live/old.example.org/fullchain.pem (failure)\n"
            "1 renew failure(s), 0 parse failure(s)\n")
    data = cron_mail("mail.example.org", "203.0.113.32", "root@mail.example.org", d, "3sLk8m9NoPz6",
                     "root", "/usr/bin/letsencrypt renew", body, cte="7bit")
    add("certbot", "renewal-failed-2016-no-name-mixed",
        "certbot 0.1x (2016): 'Attempting to renew cert from /etc/letsencrypt/renewal/old.example.org.conf …' (no name yet), one renewed, 'The following certs could not be renewed:': the name from the renewal file and the (failure) path; the command is the letsencrypt-auto era's",
        data, [expect("3sLk8m9NoPz6@mail.example.org", d, "certbot", "renewal-failed", "old.example.org",
                      "root@mail", None, reasons=[LOCAL])])

    # -- a wrapper script's own subject, mailed with mail(1): UTF-8 base64, no cron header
    d = dt.datetime(2025, 2, 3, 4, 0, 12, tzinfo=UTC)
    body = ("certbot renew on web3.example.net, exit status 1:\n\n"
            "Failed to renew certificate ホテル.example.jp with error: Some challenges have failed.\n"
            "All renewals failed. The following certificates could not be renewed:\n"
            "  /etc/letsencrypt/live/ホテル.example.jp/fullchain.pem (failure)\n"
            "1 renew failure(s), 0 parse failure(s)\n")
    data = raw([
        ("Received", host_received("web3.example.net", "198.51.100.23", "ops@example.net", d,
                                   "4ZtD3e4FgHz7")),
        ("From", "ops-bot <ops@example.net>"),
        ("To", "ops@example.net"),
        ("Subject", "certbot renewal on web3.example.net: FAILED"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<20250203040012.4ZtD3e4FgHz7@web3.example.net>"),
        ("User-Agent", "s-nail v14.9.24"),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Transfer-Encoding", "base64"),
    ], b64body(body.encode("utf-8")))
    add("certbot", "renewal-failed-wrapper-script-base64-idn",
        "certbot's output mailed by a wrapper script with its own subject (no cron), UTF-8 base64, an IDN lineage ホテル.example.jp: punycode, no account",
        data, [expect("20250203040012.4ZtD3e4FgHz7@web3.example.net", d, "certbot", "renewal-failed",
                      "ホテル.example.jp".encode("idna").decode(), None, None, reasons=[LOCAL])])

    # -- negatives: success, nothing due, a GitHub issue quoting the failure
    d = dt.datetime(2024, 6, 1, 3, 10, 0, tzinfo=UTC)
    body = ("Saving debug log to /var/log/letsencrypt/letsencrypt.log\n\n"
            + SIDE_FRAME + "\nProcessing /etc/letsencrypt/renewal/example.org.conf\n" + SIDE_FRAME + "\n"
            "Renewing an existing certificate for example.org and www.example.org\n\n"
            + SIDE_FRAME + "\nCongratulations, all renewals succeeded: \n"
            "  /etc/letsencrypt/live/example.org/fullchain.pem (success)\n" + SIDE_FRAME + "\n")
    data = cron_mail("web1.example.net", "198.51.100.21", "root@web1.example.net", d, "4WaE5f6GhIz8",
                     "root", "certbot renew", body)
    add("negative", "certbot-all-renewals-succeeded",
        "certbot's cron mail 'Congratulations, all renewals succeeded:' with a (success) path: success, not a notice",
        data, [not_notice("4WaE5f6GhIz8@web1.example.net", d)])

    d = dt.datetime(2024, 6, 2, 3, 10, 0, tzinfo=UTC)
    body = ("Saving debug log to /var/log/letsencrypt/letsencrypt.log\n\n"
            + SIDE_FRAME + "\nProcessing /etc/letsencrypt/renewal/example.org.conf\n" + SIDE_FRAME + "\n"
            "Certificate not yet due for renewal\n\n"
            + SIDE_FRAME + "\nThe following certificates are not due for renewal yet:\n"
            "  /etc/letsencrypt/live/example.org/fullchain.pem expires on 2024-08-30 (skipped)\n"
            "No renewals were attempted.\n" + SIDE_FRAME + "\n")
    data = cron_mail("web1.example.net", "198.51.100.21", "root@web1.example.net", d, "4WbF6g7HiJz9",
                     "root", "certbot renew", body)
    add("negative", "certbot-not-due-for-renewal",
        "certbot's cron mail 'The following certificates are not due for renewal yet: … expires on 2024-08-30 (skipped)' / 'No renewals were attempted.': a certificate, an expiry date and a name, but nothing wrong",
        data, [not_notice("4WbF6g7HiJz9@web1.example.net", d)])

    d = dt.datetime(2024, 3, 5, 12, 44, 10, tzinfo=UTC)
    mid = "certbot/certbot/issues/9876@github.com"
    body = ("renew fails after moving to a new VPS\n\n"
            "## My domain is:\nexample.org\n\n"
            "## I ran this command:\nsudo certbot renew\n\n"
            "## It produced this output:\n"
            "Failed to renew certificate example.org with error: Some challenges have failed.\n"
            "All renewals failed. The following certificates could not be renewed:\n"
            "  /etc/letsencrypt/live/example.org/fullchain.pem (failure)\n\n"
            "—\nReply to this email directly, view it on GitHub\n"
            "<https://github.com/certbot/certbot/issues/9876>, or unsubscribe\n"
            "<https://github.com/notifications/unsubscribe-auth/AAB2C3D4E5F6>.\n"
            "You are receiving this because you are subscribed to this thread.\n")
    data = hosted_mail("out-21.smtp.github.com", "192.30.252.204", "me@example.com", d, "4TcG7h8IjKz0",
                       "someone <notifications@github.com>", "certbot/certbot <certbot@noreply.github.com>",
                       "[certbot/certbot] certbot renew: Failed to renew certificate with error: Some challenges have failed (Issue #9876)",
                       mid, body, cte="quoted-printable")
    add("negative", "certbot-output-in-github-issue",
        "a GitHub notification quoting certbot's failure ('[certbot/certbot] …', 'Reply to this email directly'): someone else's problem, not a notice",
        data, [not_notice(mid, d)])


def acme_mail(host, ip, rcpt, d, ident, frm, subject, body, *, encode_subject=True, extra=(),
              date=True):
    """acme.sh's notify/mail.sh through sendmail: From (MAIL_FROM), To,
    Subject as one UTF-8 B-word, text/plain UTF-8; the MTA adds the rest."""
    subj = ("=?UTF-8?B?%s?=" % base64.b64encode(subject.encode("utf-8")).decode()
            if encode_subject else subject)
    headers = [("Received", host_received(host, ip, rcpt, d, ident))]
    if frm:
        headers.append(("From", frm))
    headers += [("To", rcpt), ("Subject", subj)]
    if date:
        headers.append(("Date", rfcdate(d)))
    headers += [("Message-Id", "<%s@%s>" % (ident, host)),
                ("Content-Type", "text/plain; charset=utf-8"), ("MIME-Version", "1.0")] + list(extra)
    return raw(headers, body.encode("utf-8"))


def acme_sh_cases():
    # -- one certificate (--notify-mode 1), mail hook: subject an RFC 2047 UTF-8 word
    d = dt.datetime(2024, 7, 21, 0, 23, 41, tzinfo=UTC)
    data = acme_mail("host1.example.net", "198.51.100.41", "admin@example.com", d, "4XaH8i9JkLz1",
                     "root@host1.example.net", "Renew example.com error by host1",
                     "There is an error.\n")
    add("acme-sh", "renewal-failed-one-cert-encoded-subject",
        "acme.sh (--notify-mode 1, mail hook): subject '=?UTF-8?B?…?=' = 'Renew example.com error by host1', body 'There is an error.': the name from the subject, account host1; a local sender nobody declared",
        data, [expect("4XaH8i9JkLz1@host1.example.net", d, "acme-sh", "renewal-failed", "example.com",
                      "host1", None, reasons=[LOCAL])])

    # -- bulk mode, 2024 wording: Errored certs + Successful certs, smtp hook (plain subject)
    d = dt.datetime(2024, 9, 3, 0, 17, 2, tzinfo=UTC)
    body = ("Errored certs:\n    a.example.com\n    *.b.example.com\n\n"
            "Successful certs:\n    c.example.com\n\n")
    data = raw([
        ("Received", host_received("host2.example.net", "198.51.100.42", "ops@example.com", d,
                                   "4XbI9j0KlMz2")),
        ("From", "acme.sh <acme@example.com>"),
        ("To", "ops@example.com"),
        ("Subject", "Renew Error Success by host2"),
        ("Date", rfcdate(d)),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("X-Mailer", "acme.sh 3.0.8 --notify-hook smtp"),
    ], body.encode("utf-8"))
    add("acme-sh", "renewal-failed-bulk-errored-successful",
        "acme.sh bulk mode (2024 wording), smtp hook: 'Renew Error Success by host2', 'Errored certs:' a.example.com and *.b.example.com, 'Successful certs:' c.example.com: only the errored names, the wildcard as its base name; no Message-ID",
        data, [expect(None, d, "acme-sh", "renewal-failed", "a.example.com", "host2", None,
                      domains=["a.example.com", "b.example.com"],
                      reasons=["wildcard *.b.example.com", LOCAL])])

    # -- bulk mode, 2019-2022 wording: 'Error certs:' + 'Skipped certs:', no ' by HOST'
    d = dt.datetime(2021, 3, 10, 0, 11, 55, tzinfo=UTC)
    body = "Error certs:\n    old.example.org\n\nSkipped certs:\n    new.example.org\n\n"
    data = acme_mail("srv.example.org", "203.0.113.43", "root@srv.example.org", d, "4PcJ0k1LmNz3",
                     "root@srv.example.org", "Renew Error Skipped", body)
    add("acme-sh", "renewal-failed-bulk-2021-error-certs",
        "acme.sh bulk mode before 2023/2024: subject 'Renew Error Skipped' (no ' by HOST', encoded), 'Error certs:' old.example.org, 'Skipped certs:' new.example.org: the errored name only, no account",
        data, [expect("4PcJ0k1LmNz3@srv.example.org", d, "acme-sh", "renewal-failed", "old.example.org",
                      None, None, reasons=[LOCAL])])

    # -- one certificate through mutt (plain subject, no Date from acme.sh: the Received gives it)
    d = dt.datetime(2022, 11, 2, 0, 5, 30, tzinfo=UTC)
    data = acme_mail("nas.example.net", "203.0.113.44", "me@example.net", d, "4QdK1l2MnOz4",
                     "me@example.net", "Renew error.example.net error", "There is an error.\n",
                     encode_subject=False, date=False, extra=[("User-Agent", "Mutt/2.0.5 (2021-01-21)")])
    add("acme-sh", "renewal-failed-mutt-no-date",
        "acme.sh one-certificate mail through mutt: plain subject 'Renew error.example.net error' (a name that starts with 'error'), no Date header: date null, no account",
        data, [expect("4QdK1l2MnOz4@nas.example.net", None, "acme-sh", "renewal-failed",
                      "error.example.net", None, None, reasons=[LOCAL])])

    # -- negatives: success, skipped, bulk success, the test notification
    for k, (name, subject, body, desc) in enumerate([
            ("acme-sh-renew-success", "Renew example.com success by host1", "Good, the cert is renewed.\n",
             "acme.sh 'Renew example.com success by host1' / 'Good, the cert is renewed.'"),
            ("acme-sh-renew-skipped", "Renew example.com skipped by host1", "Good, the cert is skipped.\n",
             "acme.sh 'Renew example.com skipped by host1' / 'Good, the cert is skipped.'"),
            ("acme-sh-bulk-success", "Renew Success Skipped by host1",
             "Successful certs:\n    example.com\n    www.example.com\n\nSkipped certs:\n    example.org\n\n",
             "acme.sh bulk 'Renew Success Skipped by host1' with 'Successful certs:' and 'Skipped certs:'"),
            ("acme-sh-test-notification", "Hello, this is a notification from acme.sh by host1",
             "If you receive this message, your notification works.\n",
             "acme.sh's test mail after --set-notify")]):
        d = dt.datetime(2024, 7, 22, 0, 23, 41, tzinfo=UTC) + dt.timedelta(days=k)
        ident = "4Y" + hashlib.sha1(name.encode()).hexdigest()[:10]
        data = acme_mail("host1.example.net", "198.51.100.41", "admin@example.com", d, ident,
                         "root@host1.example.net", subject, body)
        add("negative", name, desc + ": not a notice", data,
            [not_notice("%s@host1.example.net" % ident, d)])


HEROKU_FROM = "Heroku <noreply@heroku.com>"


def heroku_cases():
    # -- 2018: the names on one line after '…domains on APP:'
    d = dt.datetime(2018, 6, 12, 18, 4, 33, tzinfo=UTC)
    mid = "5b1fff1d.1c69fb81.8a2b3.4c5d@mail.heroku.com"
    body = ("Hi,\n\n"
            "Automated Certificate Management has failed for the following domains on sushi-app-2018:\n\n"
            "www.example.com example.com\n\n"
            "Make sure each domain's DNS record points at the DNS target Heroku gave you (run `heroku "
            "domains -a sushi-app-2018` to see them). Once the DNS is correct, run:\n\n"
            "    heroku certs:auto:refresh -a sushi-app-2018\n\n"
            "See https://devcenter.heroku.com/articles/automated-certificate-management for details.\n\n"
            "— The Heroku Team\n")
    data = raw([
        ("Received", host_received("o1.mail.heroku.com", "50.31.32.11", "dev@example.com", d,
                                   "3aBc4dEf5Gz6")),
        ("From", HEROKU_FROM),
        ("To", "dev@example.com"),
        ("Subject", "Automated Certificate Management failure on sushi-app-2018"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ], qpbody(body.encode("utf-8")))
    add("heroku", "renewal-failed-2018-names-on-one-line",
        "Heroku ACM 2018: 'Automated Certificate Management has failed for the following domains on sushi-app-2018:' then 'www.example.com example.com' on one line (QP; the subject and the rest of the body are written here); account sushi-app-2018",
        data, [expect(mid, d, "heroku", "renewal-failed", "www.example.com", "sushi-app-2018", None,
                      domains=["www.example.com", "example.com"])])

    # -- 2020: HTML only, a Domain | Reason table; a reason names another host
    d = dt.datetime(2020, 10, 6, 9, 30, 0, tzinfo=UTC)
    mid = "5f7c3a58.8d2e4f6a.77@mail.heroku.com"
    html = ("<!DOCTYPE html><html><body style=\"font-family: sans-serif\">\n"
            "<p>Hi,</p>\n"
            "<p>Automated Certificate Management has failed for the following domains on your app "
            "<b>cake-shop</b>:</p>\n"
            "<table cellpadding=\"4\">\n"
            "<tr><th align=\"left\">Domain</th><th align=\"left\">Reason</th></tr>\n"
            "<tr><td>example.org</td><td>Unable to resolve DNS for example.org</td></tr>\n"
            "<tr><td>www.example.org</td><td>CNAME points to cake-shop.herokuapp.com, not to "
            "shiny-cactus-1a2b.herokudns.com</td></tr>\n"
            "</table>\n"
            "<p>Fix the DNS records of these domains, then run "
            "<code>heroku certs:auto:refresh -a cake-shop</code>.</p>\n"
            "<p>The Heroku Team</p>\n</body></html>\n")
    data = raw([
        ("Received", host_received("o2.mail.heroku.com", "50.31.32.12", "owner@example.org", d,
                                   "4Cd5eFg6HiZ7")),
        ("From", HEROKU_FROM),
        ("To", "owner@example.org"),
        ("Subject", "[Heroku] ACM failed for cake-shop"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/html; charset=UTF-8"),
        ("Content-Transfer-Encoding", "base64"),
    ], b64body(html.encode("utf-8")))
    add("heroku", "renewal-failed-2020-html-table",
        "Heroku ACM 2020, HTML only (base64): a 'Domain | Reason' table with 'Unable to resolve DNS for example.org'; the first cell of each row is a name, the DNS target in a reason is not; account cake-shop (the subject, the second row and the advice written here)",
        data, [expect(mid, d, "heroku", "renewal-failed", "example.org", "cake-shop", None,
                      domains=["example.org", "www.example.org"])])

    # -- 2020, multipart/alternative: the plain part writes the table with '|'
    d = dt.datetime(2020, 11, 17, 2, 0, 45, tzinfo=UTC)
    mid = "5fb32e0d.3a4b5c6d.91@mail.heroku.com"
    plain = ("Hi,\n\n"
             "Automated Certificate Management has failed for the following domains on your app "
             "tea-house-eu:\n\n"
             "Domain              | Reason\n"
             "api.example.net     | Unable to resolve DNS for api.example.net\n\n"
             "Fix the DNS records of these domains, then run `heroku certs:auto:refresh -a tea-house-eu`.\n\n"
             "The Heroku Team\n")
    html = ("<html><body><p>Hi,</p><p>Automated Certificate Management has failed for the following "
            "domains on your app <b>tea-house-eu</b>:</p><table><tr><th>Domain</th><th>Reason</th></tr>"
            "<tr><td>api.example.net</td><td>Unable to resolve DNS for api.example.net</td></tr></table>"
            "</body></html>\n")
    bnd = "--==_mimepart_5fb32e0d3a4b_91"
    body = (("--%s\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 7bit\n\n" % bnd).encode()
            + plain.encode() + ("\n--%s\nContent-Type: text/html; charset=UTF-8\n"
                                "Content-Transfer-Encoding: quoted-printable\n\n" % bnd).encode()
            + qpbody(html.encode()) + ("\n--%s--\n" % bnd).encode())
    data = raw([
        ("Received", host_received("o3.mail.heroku.com", "50.31.32.13", "ops@example.net", d,
                                   "4De6fGh7IjZ8")),
        ("From", "Heroku <bot@heroku.com>"),
        ("To", "ops@example.net"),
        ("Subject", "Automated Certificate Management failure for tea-house-eu"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/alternative; boundary="%s"' % bnd),
    ], body)
    add("heroku", "renewal-failed-2020-multipart-pipe-table",
        "Heroku ACM 2020 as multipart/alternative: the plain part writes the table as 'Domain | Reason' rows, from bot@heroku.com; account tea-house-eu (subject and advice written here)",
        data, [expect(mid, d, "heroku", "renewal-failed", "api.example.net", "tea-house-eu", None)])

    # -- look-alike: Heroku's text from another domain, with a 'fix it' link
    d = dt.datetime(2024, 2, 20, 8, 0, 0, tzinfo=UTC)
    mid = "20240220080000.aa11@heroku-support.net"
    body = ("Hi,\n\nAutomated Certificate Management has failed for the following domains on your app "
            "shop-prod:\n\nshop.example.com\n\nSign in to fix it now: https://heroku-support.net/login\n")
    data = hosted_mail("mx.heroku-support.net", "198.51.100.250", "cto@example.com", d, "4EfG7h8IjKz9",
                       "Heroku <support@heroku-support.net>", "cto@example.com",
                       "Heroku: action required for shop-prod", mid, body, cte="7bit")
    add("phishing", "heroku-lookalike-sender",
        "Heroku's ACM text from support@heroku-support.net with a sign-in link: Heroku's notice, suspicious",
        data, [expect(mid, d, "heroku", "renewal-failed", "shop.example.com", "shop-prod", None,
                      verdict="suspicious", reasons=["not a genuine"])])


NETLIFY_FROM = "Netlify <team@netlify.com>"
NETLIFY_SENTENCE = ("We tried to renew the TLS certificate for %s but failed. Your TLS certificate is "
                    "about to expire on %s, which will impact your site’s availability.")


def netlify_cases():
    # -- plain text, the published sentence, the site's settings link
    d = dt.datetime(2019, 4, 11, 15, 2, 19, tzinfo=UTC)
    mid = "5caf5733.1c69fb81.2b4d.77aa@mail.netlify.com"
    body = ("Hi there,\n\n" + NETLIFY_SENTENCE % ("example.io", "Apr 25, 2019") + "\n\n"
            "This usually happens when the domain's DNS records no longer point to Netlify. Check the "
            "domain settings of your site:\n"
            "https://app.netlify.com/sites/brave-curie-4f2a1b/settings/domain\n\n"
            "Once the DNS is fixed, use \"Renew certificate\" in the HTTPS section.\n\n"
            "Cheers,\nThe Netlify Team\n")
    data = py_modern([
        ("Received", host_received("mail.netlify.com", "198.51.100.61", "dev@example.io", d,
                                   "4FgH8i9JkLz0")),
        ("From", NETLIFY_FROM),
        ("To", "dev@example.io"),
        ("Subject", "Action required: TLS certificate renewal failed for example.io"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body, cte="quoted-printable")
    add("netlify", "renewal-failed-plain-qp",
        "Netlify: 'We tried to renew the TLS certificate for example.io but failed … about to expire on Apr 25, 2019' (UTF-8 QP, curly ’); account from the site's settings link (the subject and the rest of the body are written here)",
        data, [expect(mid, d, "netlify", "renewal-failed", "example.io", "brave-curie-4f2a1b", None,
                      explicit="2019-04-25")])

    # -- HTML only, the sentence wrapped over lines and tags
    d = dt.datetime(2021, 8, 2, 7, 45, 0, tzinfo=UTC)
    mid = "6107a37c.5e6f7a8b.12@mail.netlify.com"
    html = ("<html><body>\n<h1>Your TLS certificate could not be renewed</h1>\n"
            "<p>We tried to renew the TLS certificate for <strong>www.example.dev</strong>\n"
            "but failed. Your TLS certificate is about to expire on <strong>Aug 16, 2021</strong>, "
            "which will impact your site&rsquo;s availability.</p>\n"
            "<p><a href=\"https://app.netlify.com/sites/quiet-lake-77/settings/domain#https\">"
            "Review your HTTPS settings</a></p>\n<p>The Netlify Team</p>\n</body></html>\n")
    data = raw([
        ("Received", host_received("mail.netlify.com", "198.51.100.61", "owner@example.dev", d,
                                   "4GhI9j0KlMz1")),
        ("From", "Netlify <no-reply@netlify.com>"),
        ("To", "owner@example.dev"),
        ("Subject", "Netlify: certificate renewal failed"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ], qpbody(html.encode("utf-8")))
    add("netlify", "renewal-failed-html-only",
        "Netlify, HTML only (QP): the sentence broken over a line and <strong> tags, &rsquo;; expires Aug 16, 2021; the site's link only in an href, which is no text: no account (heading, link and subject written here)",
        data, [expect(mid, d, "netlify", "renewal-failed", "www.example.dev", None, None,
                      explicit="2021-08-16")])


ZEROSSL_FROM = "ZeroSSL <noreply@zerossl.com>"


def zerossl_cases():
    # -- plain text
    d = dt.datetime(2022, 5, 9, 0, 1, 7, tzinfo=UTC)
    mid = "20220509000107.6a7b8c9d@zerossl.com"
    body = ("Hello,\n\n"
            "This is to notify you that your certificate with the common name server.example.com has "
            "expired.\n\n"
            "To keep your website secure, renew the certificate in your ZeroSSL dashboard:\n"
            "https://app.zerossl.com/certificates\n\n"
            "Best regards,\nThe ZeroSSL Team\n")
    data = py_modern([
        ("Received", host_received("mail.zerossl.com", "198.51.100.71", "it@example.com", d,
                                   "4HiJ0k1LmNz2")),
        ("From", ZEROSSL_FROM),
        ("To", "it@example.com"),
        ("Subject", "Certificate Expired: server.example.com"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body, cte="7bit")
    add("zerossl", "expired-plain",
        "ZeroSSL 'Certificate Expired: server.example.com' / 'your certificate with the common name server.example.com has expired' (7bit; the rest of the body written here): kind expired, no date",
        data, [expect(mid, d, "zerossl", "expired", "server.example.com", None, None)])

    # -- multipart/alternative, a wildcard
    d = dt.datetime(2023, 1, 15, 0, 0, 41, tzinfo=UTC)
    mid = "20230115000041.0a1b2c3d@zerossl.com"
    plain = ("Hello,\n\nThis is to notify you that your certificate with the common name *.example.net "
             "has expired.\n\nThe ZeroSSL Team\n")
    html = ("<html><body><p>Hello,</p><p>This is to notify you that your certificate with the common "
            "name <b>*.example.net</b> has expired.</p><p>The ZeroSSL Team</p></body></html>\n")
    bnd = "b1_0a1b2c3d4e5f"
    body = (("--%s\nContent-Type: text/plain; charset=us-ascii\n\n" % bnd).encode() + plain.encode()
            + ("\n--%s\nContent-Type: text/html; charset=us-ascii\n\n" % bnd).encode() + html.encode()
            + ("\n--%s--\n" % bnd).encode())
    data = raw([
        ("Received", host_received("mail.zerossl.com", "198.51.100.71", "ops@example.net", d,
                                   "4IjK1l2MnOz3")),
        ("From", ZEROSSL_FROM),
        ("To", "ops@example.net"),
        ("Subject", "Certificate Expired: *.example.net"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/alternative; boundary="%s"' % bnd),
    ], body)
    add("zerossl", "expired-wildcard-multipart",
        "ZeroSSL 'Certificate Expired: *.example.net' as multipart/alternative: the wildcard checked as example.net, with a reason (greeting and signature written here)",
        data, [expect(mid, d, "zerossl", "expired", "example.net", None, None,
                      reasons=["wildcard *.example.net"])])


def ca_reminder_cases():
    # -- DigiCert / RapidSSL: the published sentence, a wildcard, the order number
    d = dt.datetime(2024, 1, 10, 14, 0, 0, tzinfo=UTC)
    mid = "0100018cf4a1b2c3-aa.rapidssl@digicert.com"
    body = ("Dear Customer,\n\n"
            "Your RapidSSL Wildcard certificate for *.example.com will expire in 91 days!\n\n"
            "Order #: 12345678\nCommon name: *.example.com\n\n"
            "Renew now to avoid browser warnings for your visitors. Log in to your account to renew:\n"
            "https://www.digicert.com/account/\n\n"
            "Sincerely,\nDigiCert Customer Support\n")
    data = py_modern([
        ("Received", host_received("mail.digicert.com", "198.51.100.81", "buyer@example.com", d,
                                   "4JkL2m3NoPz4")),
        ("From", "DigiCert <no-reply@digicert.com>"),
        ("To", "buyer@example.com"),
        ("Subject", "Your RapidSSL Wildcard certificate expires in 91 days"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body)
    add("digicert", "expiry-91-days-rapidssl-wildcard",
        "DigiCert reminder: 'Your RapidSSL Wildcard certificate for *.example.com will expire in 91 days!' (UTF-8 base64; the rest written here): 91 days from the Date, the wildcard checked as example.com, account the order number",
        data, [expect(mid, d, "digicert", "expiry-warning", "example.com", "12345678", 91,
                      reasons=["wildcard *.example.com"])])

    # -- GeoTrust, HTML only, a date instead of a day count
    d = dt.datetime(2025, 2, 12, 9, 0, 0, tzinfo=UTC)
    mid = "20250212090000.5c6d@geotrust.com"
    html = ("<html><body><p>Hello,</p>\n"
            "<p>Your GeoTrust True BusinessID certificate for www.example.org expires on March 14, 2025.</p>\n"
            "<table><tr><td>Order number:</td><td>GT-99887766</td></tr>\n"
            "<tr><td>Expiration date:</td><td>March 14, 2025</td></tr></table>\n"
            "<p>Renew it before that date to keep your site trusted.</p></body></html>\n")
    data = raw([
        ("Received", host_received("smtp.geotrust.com", "198.51.100.82", "web@example.org", d,
                                   "4KlM3n4OpQz5")),
        ("From", "GeoTrust <renewals@geotrust.com>"),
        ("To", "web@example.org"),
        ("Subject", "Certificate expiration reminder: www.example.org"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Transfer-Encoding", "7bit"),
    ], html.encode())
    add("digicert", "expiry-date-geotrust-html",
        "GeoTrust (DigiCert brand) reminder, HTML only: 'certificate for www.example.org expires on March 14, 2025', order number in a table (written in RapidSSL's published shape)",
        data, [expect(mid, d, "digicert", "expiry-warning", "www.example.org", "GT-99887766", None,
                      explicit="2025-03-14")])

    # -- Sectigo: PositiveSSL, 30 days, QP
    d = dt.datetime(2024, 4, 1, 6, 0, 0, tzinfo=UTC)
    mid = "20240401060000.7e8f@sectigo.com"
    body = ("Hello,\n\n"
            "Your PositiveSSL certificate for shop.example.com will expire in 30 days.\n\n"
            "Order number: 1122334455\n\n"
            "To avoid interruption, renew the certificate and install the new one before it expires.\n\n"
            "Sectigo Customer Support\n")
    data = py_modern([
        ("Received", host_received("mail.sectigo.com", "198.51.100.91", "shop@example.com", d,
                                   "4LmN4o5PqRz6")),
        ("From", "Sectigo <noreply@sectigo.com>"),
        ("To", "shop@example.com"),
        ("Subject", "Your PositiveSSL certificate expires in 30 days"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
    ], body, cte="quoted-printable")
    add("sectigo", "expiry-30-days-positivessl",
        "Sectigo reminder (wording written in RapidSSL's published shape, none of Sectigo's is published): 'Your PositiveSSL certificate for shop.example.com will expire in 30 days' (QP)",
        data, [expect(mid, d, "sectigo", "expiry-warning", "shop.example.com", "1122334455", 30)])

    # -- a reseller's reminder naming a Sectigo brand: Sectigo's, suspicious until declared
    d = dt.datetime(2024, 4, 2, 6, 0, 0, tzinfo=UTC)
    mid = "20240402060000.c0ffee@namecheap.com"
    body = ("Hi,\n\nYour PositiveSSL certificate for blog.example.com will expire in 14 days.\n\n"
            "Renew it from your account: https://ap.www.namecheap.com/ProductList/SslCertificates\n")
    data = hosted_mail("mail.namecheap.com", "198.51.100.92", "me@example.com", d, "4MnO5p6QrSz7",
                       "Namecheap <support@namecheap.com>", "me@example.com",
                       "Your SSL certificate for blog.example.com expires soon", mid, body, cte="7bit")
    add("sectigo", "reseller-reminder-suspicious-until-declared",
        "a reseller's reminder (support@namecheap.com) naming PositiveSSL: taken for Sectigo's notice and suspicious, as the rule file says, until the user adds the reseller's domain in the config",
        data, [expect(mid, d, "sectigo", "expiry-warning", "blog.example.com", None, 14,
                      verdict="suspicious", reasons=["not a genuine"])])

    # -- look-alike RapidSSL sender with a payment link
    d = dt.datetime(2024, 5, 5, 5, 5, 5, tzinfo=UTC)
    mid = "20240505050505.bad1@rapidssl-renewal.com"
    body = ("Your RapidSSL certificate for pay.example.com will expire in 3 days!\n\n"
            "Pay now to renew: https://rapidssl-renewal.com/pay\n")
    data = hosted_mail("smtp.rapidssl-renewal.com", "198.51.100.251", "fin@example.com", d, "4NoP6q7RsTz8",
                       "RapidSSL <renew@rapidssl-renewal.com>", "fin@example.com",
                       "URGENT: your RapidSSL certificate expires in 3 days", mid, body, cte="7bit")
    add("phishing", "rapidssl-lookalike-sender",
        "RapidSSL's reminder from renew@rapidssl-renewal.com with a payment link: DigiCert's notice, suspicious",
        data, [expect(mid, d, "digicert", "expiry-warning", "pay.example.com", None, 3,
                      verdict="suspicious", reasons=["not a genuine"])])


def vercel_cases():
    # -- the published line as the subject; multipart
    d = dt.datetime(2023, 6, 19, 11, 30, 0, tzinfo=UTC)
    mid = "20230619113000.4b5c6d@vercel.com"
    plain = ("Hi,\n\nWe could not renew the certificate for example.io: its DNS records no longer point "
             "to Vercel.\n\nCheck the domain's configuration in your project's settings:\n"
             "https://vercel.com/dashboard/domains\n\nThe Vercel Team\n")
    html = ("<html><body><p>Hi,</p><p>We could not renew the certificate for <b>example.io</b>: its DNS "
            "records no longer point to Vercel.</p></body></html>\n")
    bnd = "----=_Part_4b5c6d"
    body = (("--%s\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\n" % bnd).encode()
            + plain.encode() + ("\n--%s\nContent-Type: text/html; charset=utf-8\n"
                                "Content-Transfer-Encoding: 7bit\n\n" % bnd).encode()
            + html.encode() + ("\n--%s--\n" % bnd).encode())
    data = raw([
        ("Received", host_received("mail.vercel.com", "198.51.100.101", "dev@example.io", d,
                                   "4OpQ7r8StUz9")),
        ("From", "Vercel <notifications@vercel.com>"),
        ("To", "dev@example.io"),
        ("Subject", "Automatic certificate renewal failed for example.io"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/alternative; boundary="%s"' % bnd),
    ], body)
    add("vercel", "renewal-failed-subject-multipart",
        "Vercel: subject 'Automatic certificate renewal failed for example.io' (the published line), multipart/alternative (the body written here)",
        data, [expect(mid, d, "vercel", "renewal-failed", "example.io", None, None)])

    # -- the line in the body under another subject, HTML only
    d = dt.datetime(2024, 1, 8, 2, 0, 0, tzinfo=UTC)
    mid = "20240108020000.7d8e@vercel.com"
    html = ("<html><body><h2>Automatic certificate renewal failed for app.example.dev</h2>"
            "<p>Vercel could not renew the certificate of this domain. Make sure the domain's "
            "configuration is valid in your project's settings.</p></body></html>\n")
    data = raw([
        ("Received", host_received("mail.vercel.com", "198.51.100.101", "team@example.dev", d,
                                   "4PqR8s9TuVz0")),
        ("From", "Vercel <notifications@vercel.com>"),
        ("To", "team@example.dev"),
        ("Subject", "Action required for your domain"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Transfer-Encoding", "base64"),
    ], b64body(html.encode()))
    add("vercel", "renewal-failed-body-html-only",
        "Vercel: the line 'Automatic certificate renewal failed for app.example.dev' as a heading of an HTML-only mail (base64) under the subject 'Action required for your domain'",
        data, [expect(mid, d, "vercel", "renewal-failed", "app.example.dev", None, None)])


def cpanel_more_cases():
    # -- the deferral notice word for word as hosts publish it: one long line,
    #    curly quotes, HTML only
    d = dt.datetime(2021, 12, 13, 2, 46, 9, tzinfo=UTC)
    mid = "1639363569.21077.cpanel@sv207.colorfulbox.jp"
    html = ("<html><body>\n<p>shop.example.jp: AutoSSL would normally renew this certificate now, but 3 "
            "of the website’s secured domains just failed DCV. To provide you with more time to "
            "resolve these problems, AutoSSL will defer the renewal until Dec 20, 2021 at 12:00:00 AM "
            "UTC. After that time, AutoSSL will request a replacement certificate that excludes any "
            "domains that fail DCV. At the time of this notice, the certificate will expire in 6 days, "
            "21 hours, 13 minutes, and 51 seconds.</p>\n"
            "<p>To resolve these problems, open “SSL/TLS Status” in cPanel.</p>\n</body></html>\n")
    data = raw([
        ("Received", host_received("sv207.colorfulbox.jp", "203.0.113.127", "owner@shop.example.jp", d,
                                   "4QrS9t0UvWz1")),
        ("From", '"cPanel on sv207.colorfulbox.jp" <cpanel@sv207.colorfulbox.jp>'),
        ("To", "owner@shop.example.jp"),
        ("Subject", ew("[sv207.colorfulbox.jp] Potential reduced AutoSSL coverage for “shop.example.jp”",
                       "UTF-8", "utf-8")),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ], qpbody(html.encode("utf-8")))
    add("cpanel", "coverage-reduced-defer-published-html",
        "cPanel's deferral notice as published ('AutoSSL would normally renew this certificate now, but 3 of the website’s secured domains just failed DCV … defer the renewal until Dec 20, 2021 at 12:00:00 AM UTC … expire in 6 days, 21 hours, 13 minutes, and 51 seconds'), one long paragraph, curly quotes, HTML only QP, the subject with the server and the website: coverage-reduced, days 6, the deferral date no claim",
        data, [expect(mid, d, "cpanel-autossl", "coverage-reduced", "shop.example.jp", None, 6)])

    # -- negative: Virtualmin's success mail
    d = dt.datetime(2024, 3, 1, 4, 0, 0, tzinfo=UTC)
    mid = "1709265600.12345@server.example.net"
    body = ("A new certificate was successfully requested from Let's Encrypt, and installed for "
            "example.com.\n\nThe certificate is valid until 2024-05-30 and will be renewed "
            "automatically.\n")
    data = raw([
        ("Received", host_received("server.example.net", "198.51.100.111", "root@example.com", d,
                                   "4RsT0u1VwXz2")),
        ("From", "root@server.example.net"),
        ("To", "root@example.com"),
        ("Subject", "Let's Encrypt certificate renewal for example.com"),
        ("Date", rfcdate(d)),
        ("Message-ID", "<%s>" % mid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
    ], body.encode())
    add("negative", "virtualmin-letsencrypt-renewed",
        "Virtualmin 'A new certificate was successfully requested from Let's Encrypt, and installed for example.com' with 'valid until 2024-05-30': success, not a notice",
        data, [not_notice(mid, d)])

    # -- negative: a CA's issuance mail with an expiry date
    d = dt.datetime(2024, 4, 3, 9, 0, 0, tzinfo=UTC)
    mid = "20240403090000.ok@digicert.com"
    body = ("Hello,\n\nYour RapidSSL certificate for www.example.com has been issued.\n\n"
            "Order #: 23456789\nValid until: April 3, 2025\n\n"
            "Download it from your account and install it with its intermediate certificate.\n")
    data = hosted_mail("mail.digicert.com", "198.51.100.81", "buyer@example.com", d, "4StU1v2WxYz3",
                       "DigiCert <no-reply@digicert.com>", "buyer@example.com",
                       "Your RapidSSL certificate for www.example.com has been issued", mid, body, cte="7bit")
    add("negative", "digicert-certificate-issued",
        "DigiCert 'Your RapidSSL certificate for www.example.com has been issued' with 'Valid until: April 3, 2025', from the genuine sender: issuance, not a notice",
        data, [not_notice(mid, d)])

    # -- negative: ZeroSSL's issuance mail
    d = dt.datetime(2024, 4, 4, 9, 0, 0, tzinfo=UTC)
    mid = "20240404090000.ok@zerossl.com"
    body = ("Hello,\n\nThis is to notify you that your certificate with the common name "
            "server.example.com has been issued and is ready for download.\n\nThe ZeroSSL Team\n")
    data = hosted_mail("mail.zerossl.com", "198.51.100.71", "it@example.com", d, "4TuV2w3XyZz4",
                       ZEROSSL_FROM, "it@example.com", "Certificate Issued: server.example.com",
                       mid, body, cte="7bit")
    add("negative", "zerossl-certificate-issued",
        "ZeroSSL 'Certificate Issued: server.example.com' / 'your certificate with the common name … has been issued': not a notice",
        data, [not_notice(mid, d)])

    # -- negative: a Netlify newsletter about HTTPS
    d = dt.datetime(2024, 4, 5, 16, 0, 0, tzinfo=UTC)
    mid = "news-2024-04@news.netlify.com"
    body = ("Netlify Monthly — April 2024\n\n"
            "New: certificate renewals are now faster. Your TLS certificate will be renewed "
            "automatically 30 days before it expires.\n\n"
            "Read more on our blog: https://www.netlify.com/blog/\n\nUnsubscribe: https://news.netlify.com/u\n")
    data = hosted_mail("news.netlify.com", "198.51.100.62", "dev@example.io", d, "4UvW3x4YzAz5",
                       "Netlify <news@netlify.com>", "dev@example.io",
                       "What's new at Netlify: faster TLS certificate renewals", mid, body,
                       cte="quoted-printable")
    add("negative", "netlify-newsletter-tls",
        "a Netlify newsletter about TLS certificate renewals ('will be renewed automatically 30 days before it expires', unsubscribe) from the genuine sender: not a notice",
        data, [not_notice(mid, d)])


# ==========================================================================

def write_readme():
    lines = ["# certnotice samples", "",
             "Generated by `gen-samples.py` (deterministic, stdlib only); do not edit by hand,",
             "change the generator and run `python3 samples/gen-samples.py`.",
             "Each `<case>.eml` has a `<case>.json` with the expected results (JSON Lines, one",
             "object per result). Expectations are written by the generator from what it put",
             "into the mail, never from certnotice's output. Trusted authserv-id: `mx.certnotice.test`.",
             "", "| Case | Exercises | Expected |", "|---|---|---|"]
    for d, name, desc, _data, results in CASES:
        exp = "; ".join(
            r["verdict"] if r["verdict"] == "not-a-notice"
            else "%s %s %s%s" % (r["verdict"], r["provider"], r["notice"],
                                  "" if r["authentic"] is None else
                                  " authentic=%s" % str(r["authentic"]).lower())
            for r in results)
        lines.append("| `%s/%s` | %s | %s |" % (d, name, desc.replace("|", "\\|"), exp))
    lines.append("")
    with open(os.path.join(HERE, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines))


def main():
    sakura_cases()
    conoha_cases()
    negative_cases()
    phishing_cases()
    security_phishing_cases()
    broken_cases()
    xserver_cases()
    starserver_cases()
    lolipop_cases()
    nifcloud_cases()
    cpi_cases()
    cpanel_cases()
    other_negative_cases()
    other_phishing_cases()
    sender_first_cases()
    letsencrypt_cases()
    aws_cases()
    certbot_cases()
    acme_sh_cases()
    heroku_cases()
    netlify_cases()
    zerossl_cases()
    ca_reminder_cases()
    vercel_cases()
    cpanel_more_cases()
    generic_cases()
    generic_negative_cases()

    names = set()
    for d, name, _desc, _data, _res in CASES:
        assert (d, name) not in names, (d, name)
        names.add((d, name))

    for d in DIRS:
        os.makedirs(os.path.join(HERE, d), exist_ok=True)
        # remove stale generated files so the directory matches the case list
        for fn in os.listdir(os.path.join(HERE, d)):
            stem, ext = os.path.splitext(fn)
            if ext in (".eml", ".json") and (d, stem) not in names:
                os.remove(os.path.join(HERE, d, fn))

    for d, name, _desc, data, results in CASES:
        with open(os.path.join(HERE, d, name + ".eml"), "wb") as f:
            f.write(data)
        with open(os.path.join(HERE, d, name + ".json"), "wb") as f:
            for r in results:
                f.write(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n")
    write_readme()
    print("wrote %d cases" % len(CASES), file=sys.stderr)


if __name__ == "__main__":
    main()
