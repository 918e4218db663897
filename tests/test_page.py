"""The search page at `/` in a real browser: Debian's Chromium driven by Playwright, against the
real server on the sample corpus. What the page shows is checked against the API's own JSON."""

from __future__ import annotations

import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow
sync_api = pytest.importorskip("playwright.sync_api", reason="the test extras install playwright")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = os.environ.get("NEWSFACET_SCREENSHOTS")  # a folder: the tests save what they saw there
PAGE_SIZE, FACET_SIZE = 10, 12  # as api/static/app.js asks


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is needed: apt-get install chromium (make test does it)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@contextmanager
def watched(browser, server, **options):
    """A fresh page that fails the test on any console error or uncaught exception."""
    context = browser.new_context(base_url=server.url, **options)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    yield page
    context.close()
    assert problems == []


@pytest.fixture
def page(browser, sample_server):
    with watched(browser, sample_server, viewport={"width": 1280, "height": 900}) as page:
        yield page


@pytest.fixture
def phone(browser, sample_server):
    with watched(browser, sample_server, viewport={"width": 390, "height": 844}, is_mobile=True) as page:
        yield page


def state(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def api_search(server, page) -> dict:
    """What the API answers for the state in the page's URL, asked as the page asks."""
    params = {k: v for k, v in state(page).items() if k not in ("doc", "removed")}
    params.setdefault("q", [""])
    return server.client.get("/search", params=params | {"size": PAGE_SIZE, "facet_size": FACET_SIZE}).json()


def wait_for_results(page) -> str:
    status = page.locator("#status")
    sync_api.expect(status).to_have_text(re.compile(r"^[\d,]+ articles?"))
    return status.inner_text()


def shown_facet(page, facet: str) -> dict[str, tuple[int, bool]]:
    """value -> (count shown, ticked) of a facet's checkboxes."""
    shown = {}
    for row in page.locator(f"#{facet}-values .facet-value").all():
        box = row.locator("input")
        shown[box.get_attribute("value")] = (int(row.locator(".count").inner_text().replace(",", "")), box.is_checked())
    return shown


def api_facet(body: dict, facet: str) -> dict[str, tuple[int, bool]]:
    return {v["value"]: (v["count"], v["selected"]) for v in body["facets"][facet]}


def check_against_api(page, server) -> dict:
    """The page shows what the API answers for its URL: total, hits, facets, histogram."""
    wait_for_results(page)
    body = api_search(server, page)
    assert page.locator("#status").inner_text().startswith(f"{body['total']:,} article")
    assert page.locator("#hits h2").all_inner_texts() == [h["title"] or h["id"] for h in body["hits"]]
    assert shown_facet(page, "lang") == api_facet(body, "lang")
    assert shown_facet(page, "actor") == api_facet(body, "actor")
    bars = {b.get_attribute("data-value"): b.get_attribute("aria-label") for b in page.locator("#histogram .bar").all()}
    dated = {v["value"]: v["count"] for v in body["facets"]["date"] if v["value"] != "undated"}
    assert {k: int(re.search(r": ([\d,]+)", label).group(1).replace(",", "")) for k, label in bars.items()} == dated
    return body


def screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=False)


def test_a_search_session_from_query_to_document_and_back(page, sample_server):
    page.goto("/")
    check_against_api(page, sample_server)

    # type a query
    page.locator("#q").fill("Iran")
    page.locator("#q").press("Enter")
    page.wait_for_url(re.compile(r"q=Iran"))
    body = check_against_api(page, sample_server)
    assert body["total"] > PAGE_SIZE
    assert page.locator("#hits mark").count() > 0

    # tick a language: multi-select, so the other languages keep their counts
    page.locator("#lang-values input[value=de]").check()
    page.wait_for_url(re.compile(r"lang=de"))
    body = check_against_api(page, sample_server)
    assert state(page)["lang"] == ["de"]
    assert api_facet(body, "lang")["da"][0] > 0  # Danish still offered with its count
    assert page.locator("#chips").get_by_role("button", name="Remove filter language: German").is_visible()

    # add an actor through the autocomplete
    actor = page.locator("#actor-input")
    actor.fill("Russ")
    option = page.locator("#actor-options [role=option]", has_text="Russia").first
    sync_api.expect(option).to_be_visible()
    for _ in range(page.locator("#actor-options [role=option]").count()):  # the keyboard picks it
        if page.locator("#actor-options [aria-selected=true] span").first.inner_text() == "Russia":
            break
        actor.press("ArrowDown")
    actor.press("Enter")
    page.wait_for_url(re.compile(r"actor=russia"))
    body = check_against_api(page, sample_server)
    assert state(page)["actor"] == ["russia"] and api_facet(body, "actor")["russia"] == (body["total"], True)
    screenshot(page, "results")

    # click a bar of the date histogram: that month, then seen by day
    bar = page.locator("#histogram .bar").first
    month = bar.get_attribute("data-value")
    bar.click()
    page.wait_for_url(re.compile(rf"from={month}"))
    assert state(page)["from"] == state(page)["to"] == [month] and state(page)["interval"] == ["day"]
    body = check_against_api(page, sample_server)
    assert body["hits"] and all(h["date"].startswith(month) for h in body["hits"])
    results_url = page.url

    # open a document and show what was stripped from it, and why
    first = body["hits"][0]
    page.locator("#hits h2 a").first.click()
    page.wait_for_url(re.compile(r"doc="))
    assert state(page)["doc"] == [first["id"]]
    doc = sample_server.client.get(f"/documents/{first['id']}", params={"include": "removed"}).json()
    sync_api.expect(page.locator("#doc-title")).to_have_text(doc["title"] or doc["id"])
    sync_api.expect(page.locator("#doc-title")).to_be_focused()
    assert page.locator("#doc-actors button").all_inner_texts() == [a["label"] for a in doc["actors"]]
    assert page.locator("#doc-actors .count").all_inner_texts() == [f"{a['mentions']} mention{'s' * (a['mentions'] != 1)}" for a in doc["actors"]]
    assert doc["removed"], "a sample article with nothing stripped would not show the toggle working"
    toggle = page.locator("#toggle-removed")
    assert toggle.get_attribute("aria-expanded") == "false" and page.locator("#doc-removed").is_hidden()
    toggle.click()
    sync_api.expect(toggle).to_have_attribute("aria-expanded", "true")
    page.wait_for_url(re.compile(r"removed=1"))
    reasons = page.locator("#removed-list .reason").all_inner_texts()
    texts = page.locator("#removed-list .removed-text").all_inner_texts()
    assert list(zip(reasons, texts)) == [(r["reason"].replace("_", " "), r["text"]) for r in doc["removed"]]
    screenshot(page, "document")

    # Back: the results as they were
    page.go_back()
    page.wait_for_url(results_url)
    assert page.locator("#document-view").is_hidden()
    check_against_api(page, sample_server)


def test_the_state_survives_a_reload_and_forward(page, sample_server):
    page.goto("/?q=droner&lang=da&sort=newest")
    before = check_against_api(page, sample_server)
    assert page.locator("#q").input_value() == "droner" and page.locator("#sort").input_value() == "newest"
    page.reload()
    assert check_against_api(page, sample_server)["total"] == before["total"]
    page.locator("#lang-values input[value=da]").uncheck()
    page.wait_for_url(lambda url: "lang=da" not in url)
    page.go_back()
    page.wait_for_url(re.compile("lang=da"))
    sync_api.expect(page.locator("#lang-values input[value=da]")).to_be_checked()
    page.go_forward()
    page.wait_for_url(lambda url: "lang=da" not in url)
    check_against_api(page, sample_server)


def test_chips_remove_filters_and_pages_follow_the_url(page, sample_server):
    page.goto("/?actor=russia&lang=da")
    check_against_api(page, sample_server)
    page.get_by_role("button", name="Remove filter actor: Russia").click()
    page.wait_for_url(lambda url: "actor=" not in url)
    body = check_against_api(page, sample_server)
    assert body["total"] > PAGE_SIZE
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile("page=2"))
    check_against_api(page, sample_server)
    sync_api.expect(page.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")


def test_did_you_mean_and_an_empty_state_that_helps(page, sample_server):
    page.goto("/?q=Pezeshkain")
    wait_for_results(page)
    suggestion = page.locator("#suggestion a")
    sync_api.expect(suggestion).to_have_text("Pezeshkian")
    suggestion.click()
    page.wait_for_url(re.compile("q=Pezeshkian"))
    assert check_against_api(page, sample_server)["total"] > 0

    page.goto("/?q=qqxqzzv&lang=de")
    sync_api.expect(page.locator("#status")).to_have_text(re.compile("^0 articles"))
    empty = page.locator("#empty")
    sync_api.expect(empty).to_be_visible()
    sync_api.expect(empty).to_contain_text("search without filters")
    empty.get_by_role("link", name="search without filters").click()
    page.wait_for_url(lambda url: "lang=" not in url and "q=qqxqzzv" in url)


def test_the_keyboard_reaches_everything(page, sample_server):
    page.goto("/?q=Iran")
    wait_for_results(page)
    page.locator("body").press("/")
    sync_api.expect(page.locator("#q")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    sync_api.expect(page.get_by_role("button", name="Query syntax help")).to_be_focused()
    page.keyboard.press("Enter")
    sync_api.expect(page.locator("#help")).to_be_visible()
    page.keyboard.press("Escape")
    sync_api.expect(page.locator("#help")).to_be_hidden()
    page.locator("#lang-values input[value=da]").focus()
    page.keyboard.press("Space")
    page.wait_for_url(re.compile("lang=da"))
    check_against_api(page, sample_server)
    sync_api.expect(page.locator("#lang-values input[value=da]")).to_be_focused()  # drawn again, still in place
    page.keyboard.press("Tab")  # on to the next language
    sync_api.expect(page.locator("#lang-values input[value=de]")).to_be_focused()
    first_bar = page.locator("#histogram .bar").first
    first_bar.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("from="))
    check_against_api(page, sample_server)


def test_a_phone_sees_the_whole_page(phone):
    page = phone
    page.goto("/?q=Iran")
    wait_for_results(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not page.locator("#filters").evaluate("d => d.open")  # the filters fold away on a phone
    page.locator("#filters summary").click()
    sync_api.expect(page.locator("#lang-values")).to_be_visible()
    screenshot(page, "phone")


def test_the_page_is_served_with_its_security_headers(sample_server):
    response = sample_server.client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert sample_server.client.get("/static/app.js").status_code == 200
    missing = sample_server.client.get("/static/nothing.js")
    assert missing.status_code == 404 and missing.json()["error"]["status"] == 404


def test_the_readme_shows_a_screenshot_of_the_page():
    assert (REPO / "docs" / "screenshot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "docs/screenshot.png" in (REPO / "README.md").read_text(encoding="utf-8")


def test_coverage_over_time_compares_languages_and_the_url_follows(page, sample_server):
    page.goto("/?lang=da&lang=de&actor=russia&actor=ukraine&interval=year")
    wait_for_results(page)
    page.locator("#trends-link").click()
    page.wait_for_url(re.compile(r"view=trends"))
    assert state(page)["split"] == ["actor"]  # two actors: a line each
    sync_api.expect(page.locator("#trend-legend .legend-item")).to_have_count(2)

    page.locator("input[name=split][value=lang]").check()
    page.wait_for_url(re.compile(r"split=lang"))
    asked = {k: v for k, v in state(page).items() if k in ("lang", "actor", "interval", "split")}
    trends = sample_server.client.get("/trends", params=asked).json()
    legend = page.locator("#trend-legend .legend-item")
    sync_api.expect(legend.first).to_have_text(re.compile(r"^\s*Danish"))  # drawn again, not the actors' lines
    sync_api.expect(legend).to_have_count(2)
    assert [t.split(" (")[0].strip() for t in legend.all_inner_texts()] == [s["label"] for s in trends["series"]] == ["Danish", "German"]
    sync_api.expect(page.locator("#trend-chart polyline")).to_have_count(2)

    # the share by default: each point says its count, of how many, and the share
    danish = trends["series"][0]
    drawn = [p for p in danish["points"] if re.fullmatch(r"\d{4}", p["period"])]
    tips = page.locator("#trend-chart circle title").all_text_contents()[: len(drawn)]
    assert tips == [f"Danish, {p['period']}: {p['count']:,} of {p['of']:,} articles ({p['share'] * 100:.1f} %)" for p in drawn]
    top = page.locator("#trend-chart text.tick").nth(4).text_content()
    assert top.endswith(" %") and float(top[:-2]) >= max(p["share"] for s in trends["series"] for p in s["points"]) * 100
    screenshot(page, "trends")

    # hide a line, then count articles instead of shares: the URL follows both
    page.locator("#legend-de").click()
    page.wait_for_url(re.compile(r"hide=de"))
    sync_api.expect(page.locator("#legend-de")).to_have_attribute("aria-pressed", "false")
    sync_api.expect(page.locator("#trend-chart polyline")).to_have_count(1)
    page.locator("input[name=measure][value=count]").check()
    page.wait_for_url(re.compile(r"measure=count"))
    sync_api.expect(page.locator("#trend-chart text.tick").nth(4)).to_have_text(re.compile(r"^[\d,]+$"))
    top = page.locator("#trend-chart text.tick").nth(4).text_content()
    assert page.locator("#trend-chart text.tick").first.text_content() == "0"
    assert top.isdigit() and max(p["count"] for p in drawn) <= int(top) < 2 * max(p["count"] for p in drawn) + 4

    # a reload draws the same; Back undoes one step at a time
    page.reload()
    sync_api.expect(page.locator("#trend-chart polyline")).to_have_count(1)
    assert page.locator("input[name=measure][value=count]").is_checked()
    page.go_back()
    page.wait_for_url(lambda url: "measure=count" not in url)
    sync_api.expect(page.locator("#trend-chart text.tick").nth(4)).to_have_text(re.compile(r" %$"))
    sync_api.expect(page.locator("#trend-chart polyline")).to_have_count(1)
    page.locator("#trends-back").click()
    page.wait_for_url(lambda url: "view=trends" not in url)
    wait_for_results(page)


def test_actors_named_with_an_actor_from_its_chip(page, sample_server):
    page.goto("/?q=Iran")
    wait_for_results(page)
    page.goto("/?q=Iran&actor=iran")
    wait_for_results(page)
    page.get_by_role("button", name="Actors named with Iran").click()
    page.wait_for_url(re.compile(r"with=iran"))
    expected = sample_server.client.get("/actors/iran/co-mentions", params={"q": "Iran", "actor": "iran", "size": 10}).json()
    rows = page.locator("#co-mentions-rows tr")
    sync_api.expect(rows).to_have_count(len(expected["co_mentions"]))
    assert rows.locator("th").all_inner_texts() == [c["label"] for c in expected["co_mentions"]]
    first = expected["co_mentions"][0]
    rows.first.locator("a").click()
    page.wait_for_url(re.compile(rf"actor={first['id']}"))
    assert state(page)["actor"] == ["iran", first["id"]] and "with" not in state(page)
    wait_for_results(page)


def test_the_results_link_their_exports_and_feed(page, sample_server):
    page.goto("/?q=Iran&lang=de&sort=newest")
    wait_for_results(page)
    csv_link = page.locator("#export-csv").get_attribute("href")
    assert parse_qs(urlsplit(csv_link).query) == {"q": ["Iran"], "lang": ["de"], "sort": ["newest"]}
    answer = sample_server.client.get("/" + csv_link)
    assert answer.status_code == 200 and answer.text.startswith("id,date,lang,title,url,source,actors")
    feed = page.locator("#feed").get_attribute("href")
    assert feed.startswith("search.atom?") and sample_server.client.get("/" + feed).headers["content-type"].startswith("application/atom+xml")


def test_the_readme_shows_the_trends_view():
    assert (REPO / "docs" / "trends.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "docs/trends.png" in (REPO / "README.md").read_text(encoding="utf-8")
