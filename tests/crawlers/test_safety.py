from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawlers.safety import PrivateAddressBlocked, PrivateAddressMiddleware, blocked_reason
from shared_db.settings import InsecureSettingsError, Settings, get_settings, reset_settings

DEMO = ["127.0.0.1:8800", "localhost:8800"]


@pytest.mark.parametrize("url", [
    "http://10.0.0.1/product/1", "http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8800/",
    "http://localhost/", "http://[::1]/", "http://0.0.0.0/", "http://192.168.1.1/", "http://[::ffff:10.0.0.1]/",
    "http://[fe80::1]/", "http://100.64.0.1/", "file:///etc/passwd", "ftp://example.com/",
])
def test_non_public_targets_are_refused(url: str) -> None:
    assert blocked_reason(url, []) is not None


def test_public_addresses_pass_and_allow_list_opens_one_port_of_a_private_host() -> None:
    assert blocked_reason("http://93.184.216.34/p", []) is None
    assert blocked_reason("http://127.0.0.1:8800/", DEMO) is None
    assert blocked_reason("http://localhost:8800/product/1", DEMO) is None
    assert blocked_reason("http://10.0.0.1/", DEMO) is not None


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9200/_cluster/health",  # Elasticsearch beside the demo
    "http://localhost:8000/admin/users",  # the review UI itself
    "http://127.0.0.1/", "http://127.0.0.1:80/", "http://localhost:9300/", "https://localhost/",
    "http://127.1:8800/", "http://[::1]:8800/",  # other spellings of an allow-listed host are not it
])
def test_other_ports_of_an_allow_listed_host_are_refused(url: str) -> None:
    assert blocked_reason(url, DEMO + ["http://127.0.0.1:8800"]) is not None


def test_an_origin_entry_binds_scheme_host_and_port() -> None:
    allowed = ["http://127.0.0.1:8800", "https://demo.local", "[::1]:8801"]
    assert blocked_reason("http://127.0.0.1:8800/product/1", allowed) is None
    assert blocked_reason("http://[::1]:8801/x", allowed) is None
    assert blocked_reason("https://127.0.0.1:8800/", allowed) is not None
    assert blocked_reason("http://[::1]:8802/", allowed) is not None


@pytest.mark.parametrize("entry", ["127.0.0.1", "localhost", "::1", "[::1]", "http://127.0.0.1/x",
                                   "127.0.0.1:", "127.0.0.1:99999", "http://127.0.0.1:8800/admin", "ftp://x:21",
                                   ":8800", "127.0.0.1:8800:1", "h:0"])
def test_entries_without_exactly_one_port_are_refused_when_settings_load(entry: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARKWATCH_ALLOWED_PRIVATE_HOSTS", f'["{entry}"]')
    reset_settings()
    with pytest.raises(InsecureSettingsError, match="is not host:port or an origin"):
        get_settings()
    reset_settings()


def test_host_port_and_origin_entries_load() -> None:
    settings = Settings(allowed_private_hosts=["127.0.0.1:8800", "http://localhost:8800", "[::1]:8801",
                                               "https://demo.local"])
    assert settings.allowed_private_hosts[0] == "127.0.0.1:8800"


def test_middleware_refuses_and_counts() -> None:
    crawler = get_crawler(settings_dict={"MARKWATCH_ALLOWED_PRIVATE_HOSTS": DEMO})
    middleware = PrivateAddressMiddleware.from_crawler(crawler)
    assert middleware.process_request(Request("http://127.0.0.1:8800/product/1")) is None
    with pytest.raises(PrivateAddressBlocked, match="MARKWATCH_ALLOWED_PRIVATE_HOSTS"):
        middleware.process_request(Request("http://169.254.169.254/latest/meta-data/"))
    with pytest.raises(PrivateAddressBlocked):
        middleware.process_request(Request("http://127.0.0.1:9200/_cluster/health"))
    assert crawler.stats.get_value("markwatch/blocked/private_address") == 2


def test_connection_resolver_refuses_private_answers() -> None:
    from twisted.internet import reactor
    from twisted.internet.error import DNSLookupError

    from crawlers.safety import PublicOnlyResolver

    crawler = get_crawler(settings_dict={"MARKWATCH_ALLOWED_PRIVATE_HOSTS": ["127.0.0.1:8800", "demo.local:80"]})
    resolver = PublicOnlyResolver.from_crawler(crawler, reactor)
    assert resolver.check("127.0.0.1", "127.0.0.1") == "127.0.0.1"
    assert resolver.check("10.1.2.3", "demo.local") == "10.1.2.3"
    assert resolver.check("93.184.216.34", "example.com") == "93.184.216.34"
    with pytest.raises(DNSLookupError):
        resolver.check("169.254.169.254", "rebinding.example.com")
    with pytest.raises(DNSLookupError):  # not listed itself: that it points at a listed address does not count
        resolver.check("127.0.0.1", "localtest.example")
