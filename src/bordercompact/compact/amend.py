"""Versions of a compact: an amendment (the analysis re-run on new hazard data, a party
joining) is a new version; the article-by-article difference names every changed article
and highlights the words and numbers that changed."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from bordercompact.compact.model import Compact
from bordercompact.compact.render import articles

#: A number as the locales write them: digits with group and decimal separators, signs,
#: currency symbols and percent signs around them are separate tokens.
NUMBER = re.compile(r"^[-−+]?\d[\d.,'\u00a0\u202f]*$")
_TOKENS = re.compile(r"\s+|[|;:()]|[^\s|;:()]+")


@dataclass(frozen=True)
class ArticleChange:
    number: int
    key: str
    title: str
    old: str  # the article's text before (Markdown)
    new: str  # and after
    numbers: list[tuple[str, str]] = field(default_factory=list)  # (before, after)

    def markdown(self) -> str:
        """The changed lines, each with the removed words struck out and the new ones
        highlighted; then the numbers that changed."""
        lines = [f"### {self.number}. {self.title}", ""]
        old_lines, new_lines = self.old.splitlines(), self.new.splitlines()
        matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            before, after = old_lines[i1:i2], new_lines[j1:j2]
            for k in range(max(len(before), len(after))):
                was = before[k] if k < len(before) else ""
                now = after[k] if k < len(after) else ""
                lines.append(f"- {inline_diff(was, now)}")
        if self.numbers:
            lines += ["", "| before | after |", "| ---: | ---: |"]
            lines += [f"| {a} | **{b}** |" for a, b in self.numbers]
        return "\n".join(lines) + "\n"


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def inline_diff(old: str, new: str) -> str:
    """``new`` with the words removed from ``old`` struck out (``~~…~~``) and the words
    added highlighted (``**…**``)."""
    a, b = _tokens(old), _tokens(new)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append("".join(a[i1:i2]))
            continue
        removed, added = "".join(a[i1:i2]).strip(), "".join(b[j1:j2]).strip()
        if removed:
            out.append(f"~~{removed}~~ ")
        if added:
            out.append(f"**{added}**")
    return "".join(out).strip()


def changed_numbers(old: str, new: str) -> list[tuple[str, str]]:
    """The numbers replaced between two texts, in order (before, after)."""
    a, b = _tokens(old), _tokens(new)
    found = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "replace":
            continue
        was = [t for t in a[i1:i2] if NUMBER.match(t)]
        now = [t for t in b[j1:j2] if NUMBER.match(t)]
        found += list(zip(was, now, strict=False))
    return found


def article_changes(old: Compact, new: Compact, language: str) -> list[ArticleChange]:
    """The articles whose text in ``language`` differs between two versions."""
    found = []
    for before, after in zip(articles(old, language), articles(new, language), strict=True):
        if before.body != after.body or before.title != after.title:
            found.append(
                ArticleChange(
                    after.number,
                    after.key,
                    after.title,
                    before.body,
                    after.body,
                    changed_numbers(before.body, after.body),
                )
            )
    return found


def same_terms(old: Compact, new: Compact) -> bool:
    """Whether two compacts say the same (their version and the run they were drawn
    from aside)."""
    ignore = {"version", "amends", "analysis"}
    return old.model_dump(exclude=ignore) == new.model_dump(exclude=ignore)


def as_amendment(old: Compact, new: Compact) -> Compact:
    """``new`` as the next version after ``old``."""
    return new.model_copy(update={"version": old.version + 1, "amends": old.version})


def amendment_markdown(old: Compact, new: Compact, language: str) -> str:
    """The amendment in ``language``: which articles change, and how."""
    changes = article_changes(old, new, language)
    head = [
        f"# {new.title.get(language) or next(iter(new.title.values()))}",
        "",
        f"Version {old.version} → {new.version}: "
        + (
            ", ".join(f"Article {c.number}" for c in changes) + " changed."
            if changes
            else "no article changed."
        ),
        "",
    ]
    return "\n".join(head) + "\n".join(c.markdown() for c in changes)
