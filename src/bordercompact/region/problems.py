"""Problems found in a region's inputs, collected so that all of them are reported at once.

A problem names its culprit: the file, the layer, the features, the field, what was found
and what was expected. Validation gathers problems instead of stopping at the first one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

#: How many feature ids a problem lists before it only counts the rest.
MAX_LISTED_FEATURES = 10


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One finding about the inputs.

    ``code`` is a stable, kebab-case name of the kind of fault (``unmapped-category``) that
    scripts can match; ``found`` and ``expected`` say what is wrong in plain words.
    ``features`` lists up to :data:`MAX_LISTED_FEATURES` feature ids (or row numbers) and
    ``count`` how many features are affected in all.
    """

    severity: Severity
    code: str
    file: str
    found: str
    expected: str
    layer: str | None = None
    dataset: str | None = None
    field: str | None = None
    features: tuple[str, ...] = ()
    count: int = 0

    @property
    def location(self) -> str:
        parts = [self.file]
        if self.layer:
            parts.append(f"layer {self.layer}")
        if self.features:
            listed = ", ".join(self.features)
            more = self.count - len(self.features)
            parts.append(f"feature {listed}" + (f" (+{more} more)" if more > 0 else ""))
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)

    @property
    def message(self) -> str:
        return f"{self.location}: found {self.found}; expected {self.expected}"

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["severity"] = str(self.severity)
        record["features"] = list(self.features)
        record["message"] = self.message
        return record


@dataclass
class ProblemLog:
    """Collects problems while a region is checked; says whether any is an error."""

    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        severity: Severity,
        code: str,
        file: str,
        found: str,
        expected: str,
        *,
        layer: str | None = None,
        dataset: str | None = None,
        field: str | None = None,
        features: Sequence[object] = (),
        count: int | None = None,
    ) -> None:
        listed = tuple(str(f) for f in list(features)[:MAX_LISTED_FEATURES])
        self.problems.append(
            Problem(
                severity=severity,
                code=code,
                file=file,
                found=found,
                expected=expected,
                layer=layer,
                dataset=dataset,
                field=field,
                features=listed,
                count=len(features) if count is None else count,
            )
        )

    def error(self, code: str, file: str, found: str, expected: str, **where: Any) -> None:
        self.add(Severity.ERROR, code, file, found, expected, **where)

    def warning(self, code: str, file: str, found: str, expected: str, **where: Any) -> None:
        self.add(Severity.WARNING, code, file, found, expected, **where)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)

    def to_list(self) -> list[dict[str, Any]]:
        return [p.to_dict() for p in self.problems]

    def report(self) -> dict[str, Any]:
        """The JSON document of ``validate --json`` (and of a failed ``harmonize --json``)."""
        return {
            "ok": not self.has_errors,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": self.to_list(),
        }


class InvalidRegionError(Exception):
    """Raised when a region has errors; carries every problem found."""

    def __init__(self, problems: ProblemLog) -> None:
        self.problems = problems
        errors = problems.errors
        first = errors[0].message if errors else "no details"
        more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
        super().__init__(f"{first}{more}")
