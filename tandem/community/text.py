"""What members write: a small set of HTML kept, everything else removed (nh3, the Rust
`ammonia` sanitiser), so that no stored script can ever run in another member's browser.

Text is cleaned when it is written (the stored body is already safe) and again when it is shown
(`templatetags/community.py`), so that a row written around the services (an import, a bulk
load, an old version's bug) cannot carry a script to a page either.
"""

import html
import re

import nh3

TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "blockquote", "code", "pre", "a"}
ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
BLOCKS = re.compile(r"<(p|br|ul|ol|li|blockquote|pre)\b", re.IGNORECASE)
# `@handle`: a member's handle in their community (letters, digits, dashes), not inside a word
# (an e-mail address is not a mention).
MENTION = re.compile(r"(?<![\w@.])@([a-z0-9][a-z0-9-]{0,59})", re.IGNORECASE)


def clean(value: str) -> str:
    """The HTML that may be stored and shown: allowed tags and attributes only, links with
    safe schemes and `rel="noopener noreferrer nofollow"`; scripts, styles, event handlers and
    `javascript:` URLs are gone."""
    return nh3.clean(
        value,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def to_html(written: str) -> str:
    """What a member typed, as the HTML to store: cleaned, and plain text (no block markup)
    given its paragraphs and line breaks."""
    cleaned = clean(written.replace("\r\n", "\n").strip())
    if BLOCKS.search(cleaned):
        return cleaned
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", cleaned) if p.strip()]
    return "".join("<p>" + p.replace("\n", "<br>") + "</p>" for p in paragraphs)


def to_text(body: str) -> str:
    """The stored HTML without markup: for search, digests and the text part of mail."""
    spaced = re.sub(r"<(br|/p|/li|/blockquote|/pre)\s*/?>", "\n", body, flags=re.IGNORECASE)
    return html.unescape(nh3.clean(spaced, tags=set())).strip()


def handles_in(text: str) -> list[str]:
    """The handles a text mentions, lower-case, once each, in order."""
    seen: dict[str, None] = {}
    for handle in MENTION.findall(text):
        seen.setdefault(handle.lower(), None)
    return list(seen)
