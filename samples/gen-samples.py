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
message_id, date, provider, notice, domain, account, days_claimed,
expires_claimed, authentic, verdict, reasons, live.  (`source` and
`remediation` are checked separately by the test and are not written here.)

Rules used for the expectations (see the brief):
  * expires_claimed: an explicit date in the mail wins; else the Date header's
    date *in its own offset* + days; else the topmost (newest) Received
    header's date (after its last ';', in its own offset) + days; else null.
  * authentic: true only with a pass from the trusted authserv-id
    mx.certnotice.test for the genuine domain; false whenever the verdict is
    suspicious; else null.  Inner messages of message/rfc822 attachments never
    get true (their Authentication-Results are not ours).
  * genuine sender domains: sakura.ad.jp, conoha.jp and their subdomains.
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
DIRS = ("sakura", "conoha", "negative", "phishing", "broken")
JST = dt.timezone(dt.timedelta(hours=9))
LF, CRLF = b"\n", b"\r\n"

TRUSTED_AUTHSERV = "mx.certnotice.test"

CASES = []  # (dir, name, description, eml_bytes, [expected dicts])


# --------------------------------------------------------------------------
# expected-result helpers (the oracle)
# --------------------------------------------------------------------------

def jst(y, mo, d, h, mi, s=0):
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=JST)


def rfcdate(d):
    return format_datetime(d)          # e.g. "Tue, 14 May 2024 10:15:00 +0900"


def expect(mid, date, provider, notice, domain, account, days, *,
           explicit=None, received=None, authentic=None,
           verdict="unverified", reasons=()):
    """Expected object for a mail recognised as a notice (or a look-alike)."""
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
    return {
        "message_id": mid,
        "date": date.isoformat() if date is not None else None,
        "provider": provider,
        "notice": notice,
        "domain": domain,
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
        "date": date.isoformat() if date is not None else None,
        "provider": None,
        "notice": None,
        "domain": None,
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
        "user forwards a renewal-failed notice as a message/rfc822 attachment ('Fwd:', see attached): outer not-a-notice, inner notice with untrusted inner Authentication-Results",
        data, [not_notice(mido, do),
               expect(midi, di, "sakura", "renewal-failed", "corp.example.com", "exampleco", None)])

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
    broken_cases()

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
