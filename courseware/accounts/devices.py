"""How a sign-in is described to its owner: the device (browser and system) and an approximate place.

Both are deliberately coarse. The user agent is reduced to a browser and a system from a short list
("Firefox on Windows"), and only that summary is stored. The place is the network the address belongs
to: the /24 for IPv4 and the /48 for IPv6, the block an organisation or a provider's customer usually
holds, never the address itself. There is no GeoIP database here and no external service is asked; an
operator who wants a city or a country can add a lookup on this network in `approximate_place`.
"""
from __future__ import annotations

import ipaddress

# Checked in order: several browsers name the engines they are built on ("Edg/... Chrome/... Safari/...").
BROWSERS = (("Edg/", "Edge"), ("EdgA/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
            ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chromium/", "Chromium"),
            ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (("Windows", "Windows"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Android", "Android"),
           ("CrOS", "ChromeOS"), ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("Linux", "Linux"))
MAX_LENGTH = 60


def describe_device(user_agent: str | None) -> str:
    """A short, fixed-vocabulary summary of a user agent: "Firefox on Windows", "Unknown browser"."""
    agent = (user_agent or "")[:512]
    browser = next((name for token, name in BROWSERS if token in agent), None)
    system = next((name for token, name in SYSTEMS if token in agent), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return f"{browser or 'Unknown browser'}{' on ' + system if system else ''}"
    return "Unknown browser"


def network_of(address: str | None) -> str:
    """The network an address belongs to (/24 for IPv4, /48 for IPv6), or "unknown network"."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "unknown network"
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def approximate_place(network: str) -> str:
    """How the place of a sign-in is shown. Here: the network itself. An operator with a GeoIP database
    may return a city or country for the network instead (no external service is asked here)."""
    return f"network {network}" if network != "unknown network" else network
