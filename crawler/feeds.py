"""Reading feeds and sitemaps as XML: one parser, one way to name a tag and read a child, one way to
list a feed's entries. The spider (crawler/spiders/news.py) and the site health check
(lexwatch/sitecheck.py) both read feeds through here, so the check judges a feed as the crawl reads it."""
from __future__ import annotations

from typing import Iterator

from lxml import etree

# Feeds and sitemaps are untrusted: no entities, no network, best-effort recovery of broken XML.
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


def local_name(tag) -> str:
    """A tag without its namespace ('{http://…}loc' -> 'loc'); comments and PIs have none."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def child_text(node, name: str) -> str | None:
    """The stripped text of the first descendant named `name` (any namespace) that has text."""
    for child in node.iter():
        if local_name(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def feed_entries(root) -> Iterator[tuple[str | None, str | None]]:
    """(link, date text) of every RSS 2.0 item and Atom entry, in document order; an Atom entry's
    link is its first `alternate` one."""
    for node in root.iter():
        name = local_name(node.tag)
        if name == "item":
            yield child_text(node, "link"), child_text(node, "pubDate")
        elif name == "entry":
            hrefs = [l.get("href") for l in node if local_name(l.tag) == "link" and l.get("rel", "alternate") == "alternate"]
            yield (hrefs[0] if hrefs else None), child_text(node, "published") or child_text(node, "updated")
