"""Pydantic response models: the HTTP contract of DESIGN.md §5."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ActorRef(BaseModel):
    id: str = Field(examples=["russia"])
    label: str = Field(examples=["Russia"])


class Hit(BaseModel):
    id: str
    title: str | None = Field(description="the explicit title or headline; null when the page has none")
    lang: str
    date: str | None = Field(description="as precise as known: YYYY, YYYY-MM or YYYY-MM-DD")
    actors: list[ActorRef]
    snippet: str = Field(description="HTML-escaped text; only <mark>…</mark> is markup")
    score: float | None = Field(description="relevance score; null when sorted by date")
    url: str | None
    source: str | None
    duplicates: int = Field(0, description="near-duplicates of this article among the matches (another site's copy of the story, an update)")


class FacetValue(BaseModel):
    value: str
    label: str
    count: int
    selected: bool


class Facets(BaseModel):
    lang: list[FacetValue] = Field(description="multi-select: counts apply every filter but lang")
    actor: list[FacetValue] = Field(description="drill-down: counts apply every filter")
    date: list[FacetValue] = Field(description="multi-select: counts apply every filter but from/to")


class FiltersEcho(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    q: str
    lang: list[str]
    actor: list[str]
    from_: str | None = Field(alias="from")
    to: str | None


class QueryEcho(FiltersEcho):
    sort: str
    page: int
    size: int
    collapse: bool


class Suggestion(BaseModel):
    q: str
    total: int


class SearchResponse(BaseModel):
    query: QueryEcho
    total: int = Field(description="matching documents, near-duplicates included (the facets count the same)")
    collapsed: int = Field(description="matching documents not listed because a near-duplicate of theirs is (collapse=true)")
    took_ms: float
    hits: list[Hit]
    facets: Facets
    suggestion: Suggestion | None


class TrendsEcho(FiltersEcho):
    interval: str
    split: str | None


class TrendPoint(BaseModel):
    period: str = Field(description="as the date facet's values: a date less precise than the interval is its own, coarser period")
    count: int = Field(description="the series' matching articles dated in the period")
    of: int = Field(description="every article of the series' languages dated in the period, whatever it says")
    share: float | None = Field(description="count / of; null when `of` is 0")


class TrendSeries(BaseModel):
    value: str = Field(description="`all`, a language code or an actor id", examples=["de"])
    label: str
    total: int = Field(description="the series' matching articles, dated or not")
    undated: int = Field(description="of them, undated: in no period")
    points: list[TrendPoint] = Field(description="one per period of `periods`, in order")


class TrendsResponse(BaseModel):
    query: TrendsEcho
    periods: list[str] = Field(description="every period any series' languages have articles in, oldest first")
    series: list[TrendSeries]
    took_ms: float


class CoMention(ActorRef):
    count: int = Field(description="matching articles naming both actors")
    articles: int = Field(description="matching articles naming this actor")
    share: float = Field(description="count / with_actor: how many of the actor's articles name this one too")
    lift: float = Field(description="share / (articles / the response's `articles`): above 1, named together more than chance")


class CoMentionsResponse(BaseModel):
    actor: ActorRef
    query: FiltersEcho
    articles: int = Field(description="articles the search matches")
    with_actor: int = Field(description="of them, naming the actor")
    co_mentions: list[CoMention]


class DocumentActor(ActorRef):
    mentions: int


class Removal(BaseModel):
    text: str
    reason: str


class DocumentRef(BaseModel):
    id: str
    title: str | None
    lang: str
    date: str | None
    url: str | None
    source: str | None


class DocumentResponse(BaseModel):
    id: str
    title: str | None
    lang: str
    date: str | None
    actors: list[DocumentActor]
    text: str
    url: str | None
    source: str | None
    duplicates: list[DocumentRef] = Field(description="its near-duplicates: the same story elsewhere, an earlier or later version")
    removed: list[Removal] | None = Field(None, description="only with ?include=removed")


class RelatedResponse(BaseModel):
    related: list[Hit] = Field(description="the most similar other articles, best first; near-duplicates left out")


class ActorLabels(BaseModel):
    en: str
    da: str
    de: str


class ActorInfo(BaseModel):
    id: str
    label: str
    labels: ActorLabels
    type: str
    count: int = Field(description="documents that mention the actor")


class ActorsResponse(BaseModel):
    actors: list[ActorInfo]


class LanguageCount(BaseModel):
    label: str
    documents: int


class SkippedFile(BaseModel):
    source: str
    reason: str
    detail: str


class ActorCount(ActorRef):
    count: int


class StatsResponse(BaseModel):
    documents: int
    languages: dict[str, LanguageCount]
    dated: int
    generation: str
    built_at: str
    build_seconds: float
    corpus: str
    files: int
    skipped: list[SkippedFile]
    removed: dict[str, int] = Field(description="boilerplate spans removed, by reason")
    top_actors: list[ActorCount]


class RefusedGeneration(BaseModel):
    generation: str
    reason: str


class ClusterState(BaseModel):
    status: str = Field(description="the OpenSearch cluster's health: `yellow` or `red`")
    reason: str


class HealthResponse(BaseModel):
    status: str = Field(
        description="`ok`; or `degraded` while an older generation is served because the live one is damaged (Whoosh), or while the cluster is not green (OpenSearch)"
    )
    documents: int
    generation: str = Field(description="the generation served")
    refused: RefusedGeneration | None = Field(None, description="the live generation refused as damaged, and why")
    cluster: ClusterState | None = Field(None, description="why the OpenSearch cluster is not green")


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    field: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class ReindexRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # `"full": 0` is no boolean

    full: bool = Field(False, description="read every file again, not only new and changed ones")


class ReindexJob(BaseModel):
    job: str
    status: str = Field(description="running, succeeded or failed")
    full: bool
    started_at: str
    finished_at: str | None
    message: str | None
    report: dict | None = Field(description="the build report (as `newsfacet-index --json`) once it succeeded")
