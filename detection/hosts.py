"""Host names and URLs: is a text one, and which of its labels name someone.

``split_host("https://paypal.me.holdpaystatic.shop/x")`` finds the host in the text, decodes
internationalised labels (``xn--``), and splits off the public suffix with tldextract's *bundled*
Public Suffix List snapshot, private suffixes included (``blogspot.com``, ``github.io``: the label
before them is the customer's). The list is never fetched: the extractor is built with no suffix
list URLs and no cache directory. What is left are the labels a mark can hide in: the registrable
label and the subdomains, less ``www`` and the usual technical ones (``mail``, ``cdn``, ...).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tldextract

MAX_HOST_TEXT = 2048  # longer texts are not taken for URLs
# Subdomains that name a service of the site, not its owner.
TECHNICAL_SUBDOMAINS = frozenset({
    "www", "m", "mobile", "mail", "webmail", "smtp", "imap", "pop", "ftp", "cdn", "static", "img", "images",
    "api", "cpanel", "webdisk", "autodiscover", "ns1", "ns2", "mx", "en", "de", "fr", "es", "it", "nl", "uk", "us",
})
_WWW_N = re.compile(r"^www\d*$")
# [scheme://][userinfo@]host[:port][/path?query#fragment], with no whitespace anywhere.
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?(?:[^\s/?#@]*@)?(?P<host>[^\s:/?#@\[\]]+)(?::\d*)?(?:[/?#]\S*)?",
                  re.IGNORECASE)
_LABEL = re.compile(r"^[\w-]{1,63}$")


@dataclass(frozen=True)
class Label:
    """One label of a host: where it is in the original text and what it reads as."""

    start: int  # span of the label in the original text
    end: int
    text: str  # lower-cased, punycode decoded
    punycode: bool  # written as xn--: characters do not map one to one onto the original
    role: str  # "domain" (the registrable label) or "subdomain"
    # A subdomain followed by a public suffix spells a host of its own: "paypal.com.evil.net", "amazon.co-pz.icu".
    before_suffix: bool = False


@dataclass(frozen=True)
class Host:
    """A host name found in a text."""

    start: int  # span of the host in the original text
    end: int
    name: str  # as written, lower-cased, no trailing dot
    readable: str  # punycode labels decoded
    suffix: str
    registrable: str  # registrable domain (label + suffix), as written
    labels: tuple[Label, ...]  # registrable label first, then subdomains right to left, technical ones left out


@cache
def _extractor() -> tldextract.TLDExtract:
    import tldextract  # here: it imports requests and urllib3 (a fifth of a second), and titles need no host

    # suffix_list_urls=() and cache_dir=None: only the snapshot shipped inside the package is read.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True,
                                 fallback_to_snapshot=True)


def _decode(label: str) -> tuple[str, bool]:
    if label.startswith("xn--"):
        try:
            return label[4:].encode("ascii").decode("punycode"), True
        except (UnicodeError, ValueError):
            return label, False
    return label, False


def split_host(text: str) -> Host | None:
    """The host of ``text`` if the whole text is a host name or a URL, else None."""
    if not text or len(text) > MAX_HOST_TEXT or "." not in text:
        return None
    stripped = text.strip()
    offset = text.index(stripped[:1]) if stripped else 0
    found = _URL.fullmatch(stripped)
    if found is None:
        return None
    start, end = found.start("host") + offset, found.end("host") + offset
    written = text[start:end]
    name = written.lower().rstrip(".")
    raw_labels = name.split(".")
    if len(raw_labels) < 2 or not all(_LABEL.match(label) for label in raw_labels):
        return None
    try:
        ipaddress.ip_address(name)
        return None
    except ValueError:
        pass
    decoded = [_decode(label) for label in raw_labels]
    readable = ".".join(label for label, _ in decoded)
    parts = _extractor()(name)
    if not parts.suffix or not parts.domain:
        return None
    suffix_count = parts.suffix.count(".") + 1
    domain_index = len(raw_labels) - suffix_count - 1
    positions = []
    cursor = start
    for label in raw_labels:
        positions.append((cursor, cursor + len(label)))
        cursor += len(label) + 1
    labels = []
    for index in range(domain_index, -1, -1):
        label, punycode = decoded[index]
        if index != domain_index and (label in TECHNICAL_SUBDOMAINS or _WWW_N.match(label)):
            continue
        following = raw_labels[index + 1]
        before_suffix = index < domain_index and (_is_suffix(following) or _is_suffix(following.split("-")[0]))
        labels.append(Label(*positions[index], label, punycode, "domain" if index == domain_index else "subdomain",
                            before_suffix))
    return Host(start, end, name, readable, parts.suffix, ".".join(raw_labels[domain_index:]), tuple(labels))


@cache
def _is_suffix(label: str) -> bool:
    return _extractor()(f"x.{label}").suffix == label


def looks_like_host(text: str) -> bool:
    """Whether ``text`` is, as a whole, a host name or a URL (``shop.example.com``, ``https://x.shop/p?q=1``).

    A host name has no spaces, at least two labels and ends in a public suffix: "Socket.io" is one,
    "3.5mm", "v2.0" and "Node.js" are not.
    """
    if not text or " " in text.strip() or "." not in text:
        return False
    return split_host(text) is not None
