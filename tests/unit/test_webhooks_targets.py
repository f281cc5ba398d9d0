"""SSRF-safe outbound targets. Only IP literals, ``localhost`` (from the hosts file) and names
answered by a fake resolver are used: no DNS query leaves the machine and nothing is called."""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence

import pytest

from webhooks import TargetRefused, TargetUnresolved, check_target, resolve_target


def resolver_of(answers: dict[str, list[str]]) -> Callable[[str, int], Sequence[str]]:
    """A fake DNS: known names answer, any other name fails like a real lookup would."""

    def resolve(host: str, port: int) -> Sequence[str]:
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return answers[host]

    return resolve


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/hook",
        "http://172.16.5.4/hook",
        "http://192.168.1.1/hook",
        "http://127.0.0.1:8080/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/hook",
        "http://localhost/hook",
        "http://0.0.0.0/hook",
        "http://[::]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[::ffff:169.254.169.254]/hook",
        "http://224.0.0.1/hook",
        "http://[ff02::1]/hook",
        "http://240.0.0.1/hook",
        "http://100.64.0.1/hook",
        "http://100.100.100.200/latest/meta-data",
        "http://[fc00::1]/hook",
        "http://[fd00:ec2::254]/hook",
        "http://[2002:a00:1::]/hook",
        "http://[64:ff9b::a00:1]/hook",
        "http://2130706433/hook",
        "http://127.1/hook",
    ],
)
def test_internal_addresses_are_refused(url: str) -> None:
    with pytest.raises(TargetRefused) as caught:
        check_target(url)

    assert caught.value.message_zh and "may not be called" in caught.value.message_en


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://8.8.8.8/pub",
        "gopher://8.8.8.8:70/_",
        "javascript:alert(1)",
        "http:///no-host",
        "http://user:secret@8.8.8.8/hook",
        "http://8.8.8.8:0/hook",
        "http://8.8.8.8:99999/hook",
        "http://8.8.8.8/ho ok",
        "http://8.8.8.8/hook\r\nX-Injected: 1",
    ],
)
def test_urls_that_are_not_plain_http_targets_are_refused(url: str) -> None:
    with pytest.raises(TargetRefused):
        check_target(url)


@pytest.mark.parametrize("url", ["http://8.8.8.8/hook", "https://[2606:4700:4700::1111]/hook"])
def test_public_ip_literals_pass_without_any_lookup(url: str) -> None:
    check_target(url, resolver=resolver_of({}))


def test_a_resolved_target_pins_the_addresses_that_were_checked() -> None:
    resolve = resolver_of({"hooks.partner.test": ["93.184.216.34", "2606:2800:220:1::248"]})

    target = resolve_target("https://Hooks.Partner.test/in/sanxiang?token=a%20b#frag", resolver=resolve)

    assert target.scheme == "https"
    assert target.host == "hooks.partner.test"
    assert target.port == 443
    assert target.path == "/in/sanxiang?token=a%20b"
    assert target.addresses == ("93.184.216.34", "2606:2800:220:1::248")


def test_a_name_that_resolves_to_a_private_address_is_refused() -> None:
    resolve = resolver_of({"rebound.partner.test": ["10.0.0.5"]})

    with pytest.raises(TargetRefused):
        check_target("http://rebound.partner.test/hook", resolver=resolve)


def test_one_private_address_among_public_ones_refuses_the_whole_name() -> None:
    resolve = resolver_of({"mixed.partner.test": ["93.184.216.34", "127.0.0.1"]})

    with pytest.raises(TargetRefused):
        check_target("http://mixed.partner.test/hook", resolver=resolve)


def test_a_name_that_does_not_resolve_is_refused_as_unresolved() -> None:
    with pytest.raises(TargetUnresolved) as caught:
        check_target("http://gone.partner.test/hook", resolver=resolver_of({}))

    assert isinstance(caught.value, TargetRefused)
    assert "gone.partner.test" in caught.value.message_en


def test_allowing_the_loopback_network_lets_loopback_pass() -> None:
    target = resolve_target("http://127.0.0.1:8080/hook", allow=["127.0.0.0/8"])

    assert target.addresses == ("127.0.0.1",)
    check_target("http://127.9.9.9/hook", allow=["127.0.0.0/8"])
    check_target("http://[::ffff:127.0.0.1]/hook", allow=["127.0.0.0/8"])


def test_an_allowed_network_does_not_open_other_internal_addresses() -> None:
    with pytest.raises(TargetRefused):
        check_target("http://10.0.0.1/hook", allow=["127.0.0.0/8"])
    with pytest.raises(TargetRefused):
        check_target("http://[::1]/hook", allow=["127.0.0.0/8"])


def test_single_addresses_and_ipv6_networks_can_be_allowed() -> None:
    check_target("http://10.1.2.3/hook", allow=["10.1.2.3"])
    check_target("http://[::1]:9000/hook", allow=["::1/128"])
    with pytest.raises(TargetRefused):
        check_target("http://10.1.2.4/hook", allow=["10.1.2.3"])


def test_an_allowed_host_name_passes_whatever_it_resolves_to() -> None:
    resolve = resolver_of({"receiver.internal": ["10.20.30.40"]})

    target = resolve_target("http://receiver.internal/hook", allow=["Receiver.Internal."], resolver=resolve)

    assert target.addresses == ("10.20.30.40",)
    check_target("http://localhost:8000/hook", allow=["localhost"])


def test_the_allow_list_does_not_bypass_the_scheme_check() -> None:
    with pytest.raises(TargetRefused):
        check_target("file:///etc/passwd", allow=["127.0.0.0/8", "localhost"])


def test_a_malformed_allow_list_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        check_target("http://8.8.8.8/", allow="127.0.0.0/8")
    with pytest.raises(ValueError):
        check_target("http://8.8.8.8/", allow=["10.0.0.0/33"])


def test_international_host_names_are_sent_in_their_ascii_form() -> None:
    resolve = resolver_of({"xn--fiqs8s.test": ["93.184.216.34"]})

    target = resolve_target("http://中国.test/回调", resolver=resolve)

    assert target.host == "xn--fiqs8s.test"
    assert target.path == "/%E5%9B%9E%E8%B0%83"
