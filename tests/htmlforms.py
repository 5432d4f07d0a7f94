"""Read a page's form the way a browser would submit it (for tests that post back what a page shows)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class FormField:
    name: str
    tag: str  # input | textarea | select
    type: str  # the input type ("text", "hidden", ...); "textarea"; "select"
    classes: set[str] = field(default_factory=set)


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = form_id is None
        self.depth = 0
        self.data: dict[str, list[str]] = {}
        self.fields: dict[str, FormField] = {}
        self._textarea = None
        self._select = None
        self._option = None

    def _add(self, name, value, form_field):
        self.data.setdefault(name, []).append(value)
        self.fields.setdefault(name, form_field)

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form" and self.form_id is not None and attrs.get("id") == self.form_id:
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        classes = set(attrs.get("class", "").split())
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                self.fields.setdefault(name, FormField(name, tag, kind, classes))
                return
            self._add(
                name,
                attrs.get("value", "on" if kind == "checkbox" else ""),
                FormField(name, tag, kind, classes),
            )
        elif tag == "textarea" and name:
            self._textarea = [name, "", classes]
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "chosen": [], "first": None}
            self.fields.setdefault(name, FormField(name, tag, "select", classes))
        elif tag == "option" and self._select is not None:
            self._option = attrs.get("value")
            if self._select["first"] is None:
                self._select["first"] = self._option
            if "selected" in attrs:
                self._select["chosen"].append(self._option)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.form_id is not None and self.in_form:
            self.in_form = False
        if tag == "textarea" and self._textarea is not None:
            name, text, classes = self._textarea
            # Browsers drop the one line break that follows <textarea>.
            self._add(
                name, text[1:] if text.startswith("\n") else text, FormField(name, tag, "textarea", classes)
            )
            self._textarea = None
        if tag == "select" and self._select is not None:
            select = self._select
            chosen = select["chosen"] or (
                [] if select["multiple"] or select["first"] is None else [select["first"]]
            )
            self.data[select["name"]] = chosen
            self._select = None


def read_form(html: str, form_id: str | None = None) -> tuple[dict[str, list[str]], dict[str, FormField]]:
    """The values a browser would send from the form (the page's first form fields when form_id is None),
    and what kind of field each name is. csrfmiddlewaretoken is left out (the test client skips CSRF)."""
    parser = _FormParser(form_id)
    parser.feed(html)
    parser.data.pop("csrfmiddlewaretoken", None)
    parser.fields.pop("csrfmiddlewaretoken", None)
    return parser.data, parser.fields
