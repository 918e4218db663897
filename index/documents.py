"""The hand-off types between pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.dates import PartialDate


@dataclass(frozen=True)
class RawDocument:
    """One article as read from the corpus, before cleaning."""

    id: str
    text: str
    source_path: str
    title: str | None = None
    date: PartialDate | None = None
    url: str | None = None
    source: str | None = None
    lang: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A corpus file or record that was not indexed, and why."""

    source: str
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Removal:
    """A span stripped by cleaning, with the reason it was stripped."""

    text: str
    reason: str


@dataclass(frozen=True)
class ActorMention:
    """An actor found in a document and how often it is mentioned."""

    id: str
    count: int


@dataclass
class CleanDocument:
    """An article after cleaning and understanding: what gets indexed."""

    id: str
    title: str | None  # explicit, or the first line when it is a headline; None otherwise
    paragraphs: list[str]
    removed: list[Removal]
    source_path: str
    lang: str = "und"
    date: PartialDate | None = None
    actors: list[ActorMention] = field(default_factory=list)
    url: str | None = None
    source: str | None = None
    no_article: str | None = None  # set when the page holds no article text: what it is instead

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def content(self) -> list[str]:
        """The title (when there is one) and the paragraphs."""
        return [self.title, *self.paragraphs] if self.title else self.paragraphs
