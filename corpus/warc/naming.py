"""Names web documents carry: the host of a URL and its top-level domain, and the source a WARC
file belongs to."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

CC_DUMP = re.compile(r"CC-MAIN-\d{4}-\d{2}")


def source_name(warc_file: str, configured: str | None) -> str:
    """The configured source, else the Common Crawl dump named in the path, else `web`."""
    if configured:
        return configured
    dump = CC_DUMP.search(warc_file)
    return dump.group(0) if dump else "web"


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def top_level_domain(host: str) -> str:
    """The last label of a host name, lower case (`news.livedoor.com.` -> `com`); "" for a
    host that has none: one without a dot (`localhost`), an IP address, or no host."""
    name = host.rstrip(".").lower()
    if "." not in name:
        return ""
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return name.rsplit(".", 1)[1]
    return ""
