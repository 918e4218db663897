"""Fitting the line classifier on labelled pages, and measuring it honestly: leave-site-out
cross-validation, every page scored once by a model that never saw its site.

Labelled pages come in two formats:
- **JSON line labels** (the format of `../shared/eval/cleaning_real/`, of the project's pages in
  tests/eval/cleaning_lines and of a user's own pages):
  a folder with `pages/ID.txt` and `labels/ID.json`, `{"id", "site"?, "url"?, "lang"?, "article"?,
  "lines": [{"n", "label", "kind"?, "text"?, "drop"?}]}`; `n` is a 0-based line number of the page
  file, `label` one of keep, drop, soft (either way is fine), mixed (article text and boilerplate
  glued together: `drop` names the boilerplate part).
- **Snippet labels** (the project's first written pages, tests/eval/cleaning): TOML tables with `keep`
  and `drop` snippets per page; a line holding a keep snippet is article, one holding only a drop
  snippet is boilerplate.

Training needs scikit-learn (the `train` extra); applying a model needs only numpy and LightGBM.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.clean import CODE_REASONS, rule_stages
from index.clean import model as line_model
from index.clean.features import BITS, PageFeatures, extract
from index.clean.model import lightgbm
from index.clean.rules import Rules, load_rules
from index.clean.sites import compact, host
from index.clean.text import line_keys
from index.documents import RawDocument
from index.repeated import LineCounter, LineHashes, RepeatedLines
from index.sources import read_file

REPO = Path(__file__).resolve().parent.parent.parent
REAL_SET = REPO.parent / "shared" / "eval" / "cleaning_real"
PROJECT_PAGES = REPO / "tests" / "eval" / "cleaning"
LINE_PAGES = REPO / "tests" / "eval" / "cleaning_lines"  # written pages with a label on every line
LINE_HOLDOUT = REPO / "tests" / "eval" / "cleaning_lines_holdout"  # the same, never fitted on
SAMPLE_PAGES, SAMPLE_LABELS = REPO / "data" / "sample", REPO / "tests" / "labels"
LABELS = {"keep", "drop", "soft", "mixed"}
# Kinds of boilerplate as the real pages' labels name them, grouped into the reasons a removal by the
# model is reported with (enough examples each to learn from).
KIND_GROUPS = {
    "consent": "consent",
    "paywall": "paywall", "login": "paywall", "epaper": "paywall",
    "policy": "comment_policy", "disclaimer": "comment_policy",
    "comments": "comments",
    "related": "related", "teaser": "related", "index": "related", "mostread": "related", "tags": "related",
    "nav": "navigation", "section": "navigation", "skiplink": "navigation", "header": "navigation", "footer": "navigation",
    "masthead": "navigation", "pagination": "navigation",
    "player": "player", "widget": "player", "gallery": "player", "toggle": "player", "weather": "player",
    "ad": "promotion", "promo": "promotion", "newsletter": "promotion", "app": "promotion", "tips": "promotion",
    "notice": "notice", "error": "notice",
    "html": "markup", "tracking": "markup", "scrambled": "markup",
    "share": "share", "reactions": "share",
    "copyright": "copyright",
}
_HEADER = re.compile(r"^\s*date \d{4}-\d{2}(?:-\d{2})?\b\s*")


class LabelError(ValueError):
    """A label file that cannot be used: the message names the file and the entry."""


@dataclass(frozen=True)
class Config:
    """How a model is fitted. `signals`: the layout stages' findings the model weighs instead of
    obeying; the rest of the rules remove what they find."""

    seed: int = 0
    inner_folds: int = 4
    text_c: float = 4.0
    rounds: int = 100
    leaves: int = 15
    learning_rate: float = 0.1
    min_leaf: int = 10
    threshold: float = 0.9
    paragraph_threshold: float = 0.98
    kind_features: int = 300
    signals: tuple[str, ...] = ("page_header", "page_footer")

    def params(self) -> dict:
        return {
            "objective": "binary", "learning_rate": self.learning_rate, "num_leaves": self.leaves, "min_data_in_leaf": self.min_leaf,
            "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0, "verbose": -1,
            "seed": self.seed, "deterministic": True, "force_row_wise": True, "num_threads": 1,
        }


@dataclass
class LabelledPage:
    """A page and its line labels, by line number of the page's text as the cleaner reads it."""

    raw: RawDocument
    corpus: Path  # the folder it was read from: its corpus, for the lines repeated across pages
    site: str
    lang: str
    article: bool
    labels: dict[int, tuple[str, str | None]]  # line number -> (label, kind)
    mixed: dict[int, str] = field(default_factory=dict)  # line number -> the glued boilerplate
    origin: str = ""  # which labelled set it belongs to

    @property
    def id(self) -> str:
        return self.raw.id


# -- reading labels ---------------------------------------------------------------------------
def read_json_set(folder: Path, origin: str | None = None) -> list[LabelledPage]:
    """The pages of a folder in the JSON line-label format (pages/ and labels/). Raises LabelError
    naming the file and entry of the first mistake."""
    pages_dir, labels_dir = folder / "pages", folder / "labels"
    if not pages_dir.is_dir() or not labels_dir.is_dir():
        raise LabelError(f"{folder}: a labelled set needs the folders pages/ and labels/")
    found = []
    for path in sorted(labels_dir.glob("*.json")):
        found.append(_read_json_label(path, pages_dir, origin or folder.name))
    if not found:
        raise LabelError(f"{labels_dir}: no label files (*.json)")
    return found


def _read_json_label(path: Path, pages_dir: Path, origin: str) -> LabelledPage:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LabelError(f"{path}: not a JSON label file: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not isinstance(data.get("lines"), list):
        raise LabelError(f"{path}: needs an `id` (string) and `lines` (a list)")
    page_path = pages_dir / f"{data['id']}.txt"
    if not page_path.is_file():
        raise LabelError(f"{path}: its page {page_path} does not exist")
    raw = next(iter(read_file(pages_dir, page_path)), None)
    if not isinstance(raw, RawDocument):
        raise LabelError(f"{path}: its page {page_path} could not be read ({getattr(raw, 'detail', '')})")
    file_lines = page_path.read_text(encoding="utf-8-sig", errors="replace").split("\n")
    numbers = _line_numbers(file_lines, raw.text.split("\n"))
    labels, mixed = {}, {}
    for k, entry in enumerate(data["lines"]):
        where = f"{path}: lines[{k}]"
        if not isinstance(entry, dict):
            raise LabelError(f"{where}: must be an object with `n` and `label`")
        n, label = entry.get("n"), entry.get("label")
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise LabelError(f"{where}: `n` must be a line number (0 or more), not {n!r}")
        if n >= len(file_lines):
            raise LabelError(f"{where}: line {n} is past the end of {page_path.name} ({len(file_lines)} lines)")
        if label not in LABELS:
            raise LabelError(f"{where}: unknown label {label!r} (known: {', '.join(sorted(LABELS))})")
        text = entry.get("text")
        if isinstance(text, str) and text.strip() and not _same_start(text, file_lines[n], first=(k == 0)):
            raise LabelError(f"{where}: line {n} of {page_path.name} does not start with the label's text {text[:40]!r}")
        if label == "mixed" and not isinstance(entry.get("drop"), str):
            raise LabelError(f"{where}: a `mixed` line needs `drop`, the boilerplate part")
        at = numbers.get(n)
        if at is None:
            continue  # a line the reader dropped (front matter): nothing of it reaches the cleaner
        labels[at] = (label, entry.get("kind"))
        if label == "mixed":
            mixed[at] = entry["drop"]
    site = data.get("site") or host(data.get("url")) or raw.source or origin
    return LabelledPage(raw, pages_dir, str(site), str(data.get("lang") or raw.lang or ""), bool(data.get("article", True)), labels, mixed, origin)


def _same_start(text: str, line: str, first: bool) -> bool:
    want, have = " ".join(text.split()), " ".join(line.split())
    return have.startswith(want) or (first and " ".join(_HEADER.sub("", line).split()).startswith(want))


def _line_numbers(file_lines: list[str], text_lines: list[str]) -> dict[int, int]:
    """File line number -> line number in the text the reader made of it (it drops front matter and
    a date header's first words), by aligning the two."""
    if len(file_lines) == len(text_lines):
        return {n: n for n in range(len(file_lines))}
    matcher = difflib.SequenceMatcher(None, [x.strip() for x in file_lines], [x.strip() for x in text_lines], autojunk=False)
    numbers = {}
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and a1 - a0 == b1 - b0):
            numbers.update({a0 + i: b0 + i for i in range(a1 - a0)})
    return numbers


def read_snippet_set(pages_dir: Path, label_files: list[Path], origin: str) -> list[LabelledPage]:
    """The project's written pages with keep/drop snippets: each line labelled by the snippets in it."""
    labels: dict[str, dict] = {}
    for path in label_files:
        labels.update(tomllib.loads(path.read_text(encoding="utf-8")))
    found = []
    for path in sorted(pages_dir.rglob("*.txt")):
        for raw in read_file(pages_dir, path):
            if isinstance(raw, RawDocument) and raw.id in labels:
                found.append(_snippet_page(raw, labels.pop(raw.id), pages_dir, origin))
    if labels:
        raise LabelError(f"labels without a page in {pages_dir}: {', '.join(sorted(labels))}")
    return found


def spaced(text: str) -> str:
    """Whitespace runs as one space: how snippets and the lines they label (or are found in) compare."""
    return " ".join(text.split())


def _snippet_page(raw: RawDocument, label: dict, corpus: Path, origin: str) -> LabelledPage:
    keep = [spaced(s) for s in label.get("keep", []) if s.strip()]
    drop = [spaced(s) for s in label.get("drop", []) if s.strip()]
    article = not label.get("skip", False)
    labels: dict[int, tuple[str, str | None]] = {}
    for n, line in enumerate(raw.text.split("\n")):
        text = spaced(line)
        if not text:
            continue
        kept = any(s in text for s in keep)
        dropped = any(s in text or (text in s and 2 * len(text) >= len(s)) for s in drop)
        if kept and dropped:
            labels[n] = ("mixed", None)
        elif kept:
            labels[n] = ("keep", None)
        elif dropped or not article:
            labels[n] = ("drop", None)
    site = label.get("site") or (raw.id.split("/")[1] if raw.id.count("/") >= 2 else raw.id.split("/")[0])
    return LabelledPage(raw, corpus, str(site), label.get("lang", ""), article, labels, {}, origin)


def project_pages() -> list[LabelledPage]:
    """The project's own written pages: the evaluation pages (tests/eval/cleaning, those developed
    against and the holdout), the pages labelled line by line (tests/eval/cleaning_lines: written
    for the kinds of page, boilerplate and language the others lacked) and the bundled sample corpus
    (data/sample, tests/labels)."""
    labels = sorted((PROJECT_PAGES / "labels").glob("*.toml"))
    pages = read_snippet_set(PROJECT_PAGES / "pages", labels, "project")
    pages += read_json_set(LINE_PAGES, "lines")
    return pages + read_snippet_set(SAMPLE_PAGES, sorted(SAMPLE_LABELS.glob("sample_*.toml")), "sample")


def training_pages(extra: list[Path] = ()) -> list[LabelledPage]:
    """What the shipped model is fitted on: the real pages (when ../shared is beside the checkout),
    the project's written pages, and any further folders in the JSON format."""
    pages = read_json_set(REAL_SET, "real") if REAL_SET.is_dir() else []
    pages += project_pages()
    for folder in extra:
        pages += read_json_set(folder)
    return pages


# -- examples -----------------------------------------------------------------------------------
@dataclass
class Example:
    """A labelled page run through the rule stages, with its features and per-line targets."""

    page: LabelledPage
    features: PageFeatures
    y: np.ndarray  # per line: 1 boilerplate, 0 article, -1 not a target (soft, mixed, unlabelled, a copy)
    kinds: list[str | None]  # per line: the kind group of a labelled boilerplate line
    group: str  # the site group: pages of one site (or of sites named alike) share a fold


def repeated_lines(raws: list[RawDocument], rules: Rules) -> RepeatedLines:
    """The lines these pages repeat across articles, counted as a build counts its corpus."""
    counter = LineCounter()
    for raw in raws:
        counter.add(LineHashes.of(line_keys(raw.text, rules)))
    return counter.result()


def corpus_lines(pages: list[LabelledPage], rules: Rules) -> dict[Path, RepeatedLines]:
    """Per corpus folder, the lines its pages repeat across articles."""
    corpora: dict[Path, list[RawDocument]] = {}
    for page in pages:
        corpora.setdefault(page.corpus, []).append(page.raw)
    return {corpus: repeated_lines(raws, rules) for corpus, raws in corpora.items()}


def prepare(pages: list[LabelledPage], rules: Rules, reasons: tuple[str, ...], signals: tuple[str, ...]) -> list[Example]:
    repeated = corpus_lines(pages, rules)
    groups = site_groups(pages)
    examples = []
    for page, group in zip(pages, groups):
        cleaned = rule_stages(page.raw, rules, repeated[page.corpus], signals)
        features = extract(cleaned, reasons, signals, repeated[page.corpus])
        y = np.full(len(cleaned.lines), -1, dtype=np.int8)
        kinds: list[str | None] = [None] * len(cleaned.lines)
        for i, line in enumerate(cleaned.lines):
            label, kind = page.labels.get(line.n, (None, None))
            if label == "keep":
                y[i] = 0
            elif label == "drop" and (page.article or KIND_GROUPS.get(kind or "") != "related"):
                # other articles' headlines and leads on a page without an article of its own read as
                # article text: the page verdict's, not a line's, to judge
                y[i] = 1
                kinds[i] = KIND_GROUPS.get(kind or "")
        examples.append(Example(page, features, y, kinds, group))
    return examples


def site_groups(pages: list[LabelledPage]) -> list[str]:
    """A group per site, pages of sites with alike names in one group (the project's page modelled
    on `Spiegel` goes with spiegel.de), so that no fold is tested on a site its model saw."""
    keys = [_site_keys(page.site) for page in pages]
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for names in keys:
        for name in names[1:]:
            parent[find(name)] = find(names[0])
    every = sorted({k for names in keys for k in names})
    for i, a in enumerate(every):
        for b in every[i + 1 :]:
            if min(len(a), len(b)) >= 4 and (a in b or b in a):
                parent[find(a)] = find(b)
    return [find(names[0]) for names in keys]


def _site_keys(site: str) -> list[str]:
    folded = site.casefold()
    for a, b in (("ü", "ue"), ("ö", "oe"), ("ä", "ae"), ("ø", "o"), ("æ", "ae"), ("å", "aa"), ("ß", "ss")):
        folded = folded.replace(a, b)
    labels = folded.split(".")
    if len(labels) >= 2 and labels[-1].isalpha() and 2 <= len(labels[-1]) <= 3:
        return [compact(labels[-2]), compact(".".join(labels[:-1]))]
    return [compact(folded) or folded]


def folds(groups: list[str], k: int, seed: int) -> np.ndarray:
    """A fold number per example: whole site groups, shuffled, dealt round the folds."""
    names = sorted(set(groups))
    order = np.random.RandomState(seed).permutation(len(names))
    fold_of = {names[i]: n % k for n, i in enumerate(order)}
    return np.array([fold_of[g] for g in groups])


# -- fitting ------------------------------------------------------------------------------------
def _text_matrix(examples: list[Example]):
    from scipy import sparse

    rows, cols, values, offset = [], [], [], 0
    for example in examples:
        f = example.features
        rows.append(f.rows + offset)
        cols.append(f.buckets)
        values.append(f.norm[f.rows])
        offset += len(f.norm)
    return sparse.csr_matrix((np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), shape=(offset, 1 << BITS))


def _fit_text(examples: list[Example], config: Config) -> tuple[np.ndarray, float]:
    """The linear text model, on the labelled lines."""
    from sklearn.linear_model import LogisticRegression

    x, y = _text_matrix(examples), np.concatenate([e.y for e in examples])
    target = y >= 0
    fitted = LogisticRegression(C=config.text_c, solver="liblinear", max_iter=2000, random_state=config.seed)
    fitted.fit(x[target], y[target])
    weights = fitted.coef_[0].astype(np.float32)
    weights[np.abs(weights) < 1e-5] = 0.0
    return np.round(weights, 5), round(float(fitted.intercept_[0]), 6)


def _booster(x: np.ndarray, y: np.ndarray, config: Config) -> lightgbm.Booster:
    target = y >= 0
    data = lightgbm.Dataset(x[target], y[target], free_raw_data=True)
    return lightgbm.Booster(model_str=lightgbm.train(config.params(), data, num_boost_round=config.rounds).model_to_string())


def fit(examples: list[Example], config: Config, reasons: tuple[str, ...]) -> line_model.LineModel:
    """A model fitted on `examples`. The trees see text scores and first-pass probabilities of lines
    the text model and the first pass were not fitted on (inner folds by site), as they will on
    new pages."""
    inner = folds([e.group for e in examples], config.inner_folds, config.seed)
    scores: list[np.ndarray] = [np.zeros(0)] * len(examples)
    for k in range(config.inner_folds):
        train = [e for e, f in zip(examples, inner) if f != k]
        weights, bias = _fit_text(train, config)
        for i in np.flatnonzero(inner == k):
            scores[i] = line_model.text_scores(weights, bias, examples[i].features)
    x1 = [line_model.first_inputs(e.features.dense, s) for e, s in zip(examples, scores)]
    open_ = [line_model.open_lines(e.features.dense) for e in examples]
    y = [np.where(o, e.y, -1) for e, o in zip(examples, open_)]  # the trees learn the lines the rules left open
    p1: list[np.ndarray] = [np.zeros(0)] * len(examples)
    for k in range(config.inner_folds):
        train = np.flatnonzero(inner != k)
        booster = _booster(np.vstack([x1[i] for i in train]), np.concatenate([y[i] for i in train]), config)
        for i in np.flatnonzero(inner == k):
            p1[i] = line_model.predict(booster, x1[i], open_[i])
    x2 = [line_model.second_inputs(a, p, e.features) for a, p, e in zip(x1, p1, examples)]
    weights, bias = _fit_text(examples, config)
    first = _booster(np.vstack(x1), np.concatenate(y), config)
    second = _booster(np.vstack(x2), np.concatenate(y), config)
    kinds = _fit_kinds(examples, config)
    return line_model.LineModel(
        text_weights=weights, text_bias=bias, pass1=first, pass2=second, threshold=config.threshold,
        paragraph_threshold=config.paragraph_threshold,
        reasons=reasons, signals=config.signals, kinds=kinds,
        meta={"config": {k: list(v) if isinstance(v, tuple) else v for k, v in config.__dict__.items()},
              "pages": len(examples), "lines": int(sum((e.y >= 0).sum() for e in examples)),
              "sets": dict(sorted(Counter(e.page.origin for e in examples).items()))},
    )


def _fit_kinds(examples: list[Example], config: Config) -> line_model.KindModel:
    """Per kind group, the centroid of its lines' text features, kept on the buckets that set it
    apart most from the other groups."""
    sums: dict[str, Counter] = {}
    for example in examples:
        f = example.features
        for i in (i for i, kind in enumerate(example.kinds) if kind):
            mask = f.rows == i
            counter = sums.setdefault(example.kinds[i], Counter())
            for b in f.buckets[mask].tolist():
                counter[b] += float(f.norm[i])
    kinds = tuple(sorted(sums))
    if not kinds:
        return line_model.KindModel((), np.zeros(0, np.int64), np.zeros((0, 0), np.float32))
    totals = {k: sum(1 for e in examples for kind in e.kinds if kind == k) for k in kinds}
    chosen: set[int] = set()
    for kind in kinds:
        others = Counter()
        for other in kinds:
            if other != kind:
                for b, v in sums[other].items():
                    others[b] += v / totals[other]
        gain = {b: v / totals[kind] - others[b] / (len(kinds) - 1 or 1) for b, v in sums[kind].items()}
        chosen |= {b for b, _ in sorted(gain.items(), key=lambda item: (-item[1], item[0]))[: config.kind_features]}
    buckets = np.array(sorted(chosen), dtype=np.int64)
    centroids = np.array([[sums[k][b] / totals[k] for b in buckets.tolist()] for k in kinds], dtype=np.float32)
    centroids -= centroids.mean(axis=0, keepdims=True)  # what sets each kind apart from the others
    return line_model.KindModel(kinds, buckets, np.round(centroids, 4))


def cross_validate(examples: list[Example], config: Config, reasons: tuple[str, ...], k: int = 10) -> tuple[np.ndarray, list[line_model.LineModel]]:
    """Leave-site-out: a fold number per example and a model per fold, fitted on the other folds."""
    assignment = folds([e.group for e in examples], k, config.seed)
    models = []
    for fold in range(k):
        train = [e for e, f in zip(examples, assignment) if f != fold]
        models.append(fit(train, config, reasons))
    return assignment, models


def model_reasons(config: Config, rules: Rules | None = None) -> tuple[str, ...]:
    """The removal reasons a model's features name: every rule kind and the cleaner's own reasons,
    but the signals."""
    return tuple(sorted((CODE_REASONS | {k.name for k in (rules or load_rules()).kinds}) - set(config.signals)))


def train(extra: list[Path] = (), config: Config | None = None) -> line_model.LineModel:
    """The model fitted on every training page (training_pages): what scripts/train_cleaner.py ships."""
    config = config or Config()
    rules = load_rules()
    reasons = model_reasons(config, rules)
    return fit(prepare(training_pages(list(extra)), rules, reasons, config.signals), config, reasons)
