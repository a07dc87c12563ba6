"""Reading a page as a browser would, for HTTP-client tests: its forms, what submitting one
sends (every field of the form, repeated names included), and ids that appear twice."""

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    attrs: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)  # what a submission sends
    radios: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)  # value, checked
    text: str = ""  # the form's visible text (labels, buttons)

    def data(self, **changes: str) -> dict[str, list[str]]:
        """The submission, as lists of values per name, with `changes` replacing fields."""
        sent: dict[str, list[str]] = {}
        for name, value in self.fields:
            sent.setdefault(name, []).append(value)
        for name, value in changes.items():
            sent[name] = [value]
        return sent


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.ids: list[str] = []
        self._form: Form | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._textarea: list[str] | None = None
        self._textarea_name = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "form":
            self._form = Form(attrs=a)
            self.forms.append(self._form)
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                form.radios.setdefault(name, []).append((a.get("value", "on"), "checked" in a))
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "reset", "image", "file"):
                form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            self._select[1].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._textarea_name = [], name

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options = self._select
            chosen = [v for v, selected in options if selected] or [v for v, _ in options[:1]]
            self._form.fields.extend((name, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea_name, "".join(self._textarea).lstrip("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.append(data)
        if self._form is not None:
            self._form.text += data


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def form_with(html: str, text: str) -> Form:
    """The one form of the page whose text contains `text` (a button's label, say)."""
    found = [form for form in parse(html).forms if text in form.text]
    assert len(found) == 1, f"{len(found)} forms contain {text!r}"
    return found[0]


def duplicate_ids(html: str) -> list[str]:
    return [id_ for id_, n in Counter(parse(html).ids).items() if n > 1]
