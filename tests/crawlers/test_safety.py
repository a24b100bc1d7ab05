from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawlers.safety import PrivateAddressBlocked, PrivateAddressMiddleware, blocked_reason


@pytest.mark.parametrize("url", [
    "http://10.0.0.1/product/1", "http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8800/",
    "http://localhost/", "http://[::1]/", "http://0.0.0.0/", "http://192.168.1.1/", "http://[::ffff:10.0.0.1]/",
    "http://[fe80::1]/", "http://100.64.0.1/", "file:///etc/passwd", "ftp://example.com/",
])
def test_non_public_targets_are_refused(url: str) -> None:
    assert blocked_reason(url, []) is not None


def test_public_addresses_pass_and_allow_list_opens_a_private_host() -> None:
    assert blocked_reason("http://93.184.216.34/p", []) is None
    assert blocked_reason("http://127.0.0.1:8800/", ["127.0.0.1"]) is None
    assert blocked_reason("http://localhost:8800/", ["127.0.0.1"]) is None  # resolved, then allow-listed
    assert blocked_reason("http://10.0.0.1/", ["127.0.0.1"]) is not None


def test_middleware_refuses_and_counts() -> None:
    crawler = get_crawler(settings_dict={"MARKWATCH_ALLOWED_PRIVATE_HOSTS": ["127.0.0.1"]})
    middleware = PrivateAddressMiddleware.from_crawler(crawler)
    assert middleware.process_request(Request("http://127.0.0.1:8800/product/1")) is None
    with pytest.raises(PrivateAddressBlocked, match="MARKWATCH_ALLOWED_PRIVATE_HOSTS"):
        middleware.process_request(Request("http://169.254.169.254/latest/meta-data/"))
    assert crawler.stats.get_value("markwatch/blocked/private_address") == 1



def test_connection_resolver_refuses_private_answers() -> None:
    from twisted.internet import reactor
    from twisted.internet.error import DNSLookupError

    from crawlers.safety import PublicOnlyResolver

    crawler = get_crawler(settings_dict={"MARKWATCH_ALLOWED_PRIVATE_HOSTS": ["127.0.0.1", "demo.local"]})
    resolver = PublicOnlyResolver.from_crawler(crawler, reactor)
    assert resolver.check("127.0.0.1", "localhost") == "127.0.0.1"
    assert resolver.check("10.1.2.3", "demo.local") == "10.1.2.3"
    assert resolver.check("93.184.216.34", "example.com") == "93.184.216.34"
    with pytest.raises(DNSLookupError):
        resolver.check("169.254.169.254", "rebinding.example.com")
