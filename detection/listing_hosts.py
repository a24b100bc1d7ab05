"""Where host names meet the title matcher and batch detection.

- :func:`with_host_matches`: a text that is, as a whole, a host name or URL is matched by the
  :class:`~detection.domains.DomainMatcher` over the same marks (built once per
  :class:`~detection.matcher.Matcher`, when the first host comes), and its results replace the
  title matcher's.
- :func:`add_field_matches`: the host names of a listing's ``seller_url`` and of its own ``url``
  (a shop's domain) are matched too. The listing's URL counts only when it is the shop's own
  site, not a marketplace's: a listing whose seller page lies on the same site, or whose host's
  label is the marketplace's name (``amazon`` on ``amazon.com``), is on a marketplace. A mark
  already found in the title keeps its title match, with the host's reason added.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from detection.domains import DomainMatcher
from detection.hosts import looks_like_host, split_host
from detection.matcher import Match
from detection.normalise import normalise
from shared_db.messages import detection as M

if TYPE_CHECKING:
    from detection.matcher import Matcher

HOST_FIELDS = ("seller_url", "url")  # listing fields whose host names are matched, in this order

_domain_matchers: WeakKeyDictionary[Matcher, DomainMatcher] = WeakKeyDictionary()


@dataclass(frozen=True)
class FieldMatch(Match):
    """A match in a listing field other than the title: its span is in ``field``'s text, not the title's."""

    field: str = ""


def domain_matcher(matcher: Matcher) -> DomainMatcher:
    """The DomainMatcher over ``matcher``'s marks, built on first use."""
    found = _domain_matchers.get(matcher)
    if found is None:
        found = _domain_matchers[matcher] = DomainMatcher(matcher.marks)
    return found


def with_host_matches(matcher: Matcher, texts: Sequence[str], results: list[list[Match]], *,
                      score_cutoff: float) -> list[list[Match]]:
    """``results`` with the entry of every text that is a host name or URL replaced by its domain matches."""
    for number, text in enumerate(texts):
        if text and looks_like_host(text):
            results[number] = domain_matcher(matcher).match(text, score_cutoff=score_cutoff)
    return results


def listing_hosts(listing: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (field, URL) pairs of ``listing`` whose host names are matched (see the module docstring)."""
    out: list[tuple[str, str]] = []
    url_host = split_host(str(listing.get("url") or ""))
    seller_host = split_host(str(listing.get("seller_url") or ""))
    if seller_host is not None and (url_host is None or seller_host.registrable != url_host.registrable):
        out.append(("seller_url", str(listing["seller_url"])))
    marketplace = normalise(str(listing.get("marketplace") or "")).replace(" ", "")
    on_marketplace = url_host is not None and (
        (seller_host is not None and seller_host.registrable == url_host.registrable)
        or normalise(url_host.labels[0].text).replace(" ", "") == marketplace)
    if url_host is not None and not on_marketplace:
        out.append(("url", str(listing["url"])))
    return out


def add_field_matches(matcher: Matcher, listings: Sequence[Mapping[str, Any]], results: list[list[Match]], *,
                      score_cutoff: float) -> list[list[Match]]:
    """``results`` (title matches per listing) with the marks found in the listings' host names added."""
    for number, listing in enumerate(listings):
        by_mark = {match.mark_id: i for i, match in enumerate(results[number])}
        for field, url in listing_hosts(listing):
            for match in domain_matcher(matcher).match(url, score_cutoff=score_cutoff):
                reasons = [M.IN_FIELD(field=field, reason=reason) for reason in match.reasons]
                if match.mark_id in by_mark:
                    position = by_mark[match.mark_id]
                    title_match = results[number][position]
                    results[number][position] = replace(title_match, reasons=[*title_match.reasons, *reasons[:1]])
                    continue
                by_mark[match.mark_id] = len(results[number])
                results[number].append(FieldMatch(mark_id=match.mark_id, score=match.score, span=match.span,
                                                  matched_text=match.matched_text, kind=match.kind,
                                                  reasons=reasons, field=field))
    return results
