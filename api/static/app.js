// The newsfacet search page: every state lives in the URL; the API does the work.
const PAGE_SIZE = 10;
const FACET_SIZE = 12;
const MAX_RESULT_WINDOW = 10000; // the API refuses deeper pages
const DRILL = { year: "month", month: "day", day: "day" }; // a bar's period, seen one step finer

const $ = (id) => document.getElementById(id);
const labels = { lang: new Map(), actor: new Map() }; // value -> label, as the API last named them
let pending = null; // the request in flight, aborted by the next

// -- state and URL ------------------------------------------------------------------------------

function readState() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get("q") ?? "",
    lang: p.getAll("lang"),
    actor: p.getAll("actor"),
    from: p.get("from") ?? "",
    to: p.get("to") ?? "",
    sort: p.get("sort") ?? "",
    interval: p.get("interval") ?? "",
    page: Math.max(1, parseInt(p.get("page") ?? "1", 10) || 1),
    doc: p.get("doc") ?? "",
    removed: p.get("removed") === "1",
    view: p.get("view") === "trends" ? "trends" : "",
    split: p.get("split") ?? "",
    measure: p.get("measure") === "count" ? "count" : "share",
    hide: p.getAll("hide"),
    with: p.get("with") ?? "",
  };
}

function urlOf(state) {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  state.lang.forEach((v) => p.append("lang", v));
  state.actor.forEach((v) => p.append("actor", v));
  for (const key of ["from", "to", "sort", "interval"]) if (state[key]) p.set(key, state[key]);
  if (state.page > 1) p.set("page", String(state.page));
  if (state.doc) p.set("doc", state.doc);
  if (state.doc && state.removed) p.set("removed", "1");
  if (state.view) {
    p.set("view", state.view);
    if (state.split) p.set("split", state.split);
    if (state.measure === "count") p.set("measure", "count");
    state.hide.forEach((v) => p.append("hide", v));
  } else if (state.with && !state.doc) p.set("with", state.with);
  const query = p.toString();
  return query ? `./?${query}` : "./"; // relative: the page may be served under a sub-path
}

/** The state with `changes`: a new search (page 1, the results) unless they say otherwise. */
function target(changes) {
  return { ...readState(), page: 1, doc: "", removed: false, ...changes };
}

function go(changes) {
  const state = target(changes);
  history.pushState(null, "", urlOf(state));
  render(state);
}

/** A link to the state with `changes`: followed in the page, or in a new tab as any link. */
function navLink(changes, content, attrs = {}) {
  return el("a", {
    ...attrs,
    href: urlOf(target(changes)),
    onclick: (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      go(changes);
    },
  }, content);
}

/** The search's filters (and sort), as /search.csv, /trends and co-mentions take them. */
function filterParams(state, keys = ["from", "to"]) {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  state.lang.forEach((v) => p.append("lang", v));
  state.actor.forEach((v) => p.append("actor", v));
  for (const key of keys) if (state[key]) p.set(key, state[key]);
  return p;
}

function searchParams(state) {
  const p = new URLSearchParams({ q: state.q, page: String(state.page), size: String(PAGE_SIZE), facet_size: String(FACET_SIZE) });
  state.lang.forEach((v) => p.append("lang", v));
  state.actor.forEach((v) => p.append("actor", v));
  for (const key of ["from", "to", "sort", "interval"]) if (state[key]) p.set(key, state[key]);
  return p;
}

// -- talking to the API -------------------------------------------------------------------------

async function api(path) {
  const signal = pending?.signal;
  const response = await fetch(path, { signal, headers: { Accept: "application/json" } });
  const body = await response.json().catch((error) => {
    if (signal?.aborted) throw error; // a newer render took over
    return null;
  });
  if (signal?.aborted) throw new DOMException("superseded", "AbortError");
  if (!response.ok || body === null) {
    const message = body?.error?.message ?? `the server answered ${response.status}`;
    throw Object.assign(new Error(message), { status: response.status });
  }
  return body;
}

function docPath(id) {
  const segments = id.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) throw Object.assign(new Error("no such article"), { status: 404 });
  return "documents/" + segments.map(encodeURIComponent).join("/");
}

// -- small DOM helpers --------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** The API's snippet is escaped text with <mark> as its only markup; anything else stays text. */
function snippetHtml(snippet) {
  return snippet.replace(/<(?!\/?mark>)/g, "&lt;");
}

const number = new Intl.NumberFormat("en");

function langBadge(code) {
  return el("span", { class: "badge", title: labels.lang.get(code) ?? code, text: code });
}

function docLink(hit, state) {
  return navLink({ ...state, doc: hit.id, removed: false }, hit.title || hit.id);
}

// -- the results --------------------------------------------------------------------------------

async function renderResults(state) {
  $("q").value = state.q;
  $("document-view").hidden = true;
  $("trends-view").hidden = true;
  $("results-view").hidden = false;
  renderTakeAway(state);
  document.title = state.q ? `${state.q} – newsfacet` : "newsfacet";
  $("status").textContent = "Searching…";
  const data = await api(`search?${searchParams(state)}`);
  renderFacets(data, state);
  renderSummary(data, state);
  renderHits(data.hits, state);
  renderEmpty(data, state);
  renderPages(data, state);
  await renderCoMentions(state);
}

function renderFacets(data, state) {
  for (const facet of ["lang", "actor"]) data.facets[facet].forEach((f) => labels[facet].set(f.value, f.label));
  renderCheckboxes("lang", data.facets.lang, state);
  renderCheckboxes("actor", data.facets.actor, state);
  renderDateFacet(data.facets.date, state);
  renderChips(state);
}

/** Links to this search over time, as CSV, JSON Lines and a feed. */
function renderTakeAway(state) {
  const trends = $("trends-link");
  const toTrends = { view: "trends", split: state.actor.length > 1 ? "actor" : "lang", with: "" };
  trends.href = urlOf(target(toTrends));
  trends.onclick = (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    go(toTrends);
  };
  const exported = filterParams(state, ["from", "to", "sort"]);
  $("export-csv").href = `search.csv?${exported}`;
  $("export-jsonl").href = `search.jsonl?${exported}`;
  $("feed").href = `search.atom?${filterParams(state)}`;
}

/** The actors most often named with the actor `state.with`, under this search. */
async function renderCoMentions(state) {
  const section = $("co-mentions");
  section.hidden = !state.with;
  if (!state.with) return;
  const p = filterParams(state);
  p.set("size", "10");
  const data = await api(`actors/${encodeURIComponent(state.with)}/co-mentions?${p}`);
  labels.actor.set(data.actor.id, data.actor.label);
  $("co-mentions-heading").textContent = `Named with ${data.actor.label} (${number.format(data.with_actor)} ${data.with_actor === 1 ? "article" : "articles"})`;
  $("co-mentions-rows").replaceChildren(...data.co_mentions.map((c) => {
    labels.actor.set(c.id, c.label);
    return el("tr", {},
      el("th", { scope: "row" }, navLink({ actor: [...new Set([...state.actor, data.actor.id, c.id])], with: "" }, c.label, { "aria-label": `Articles naming ${data.actor.label} and ${c.label}` })),
      el("td", { text: number.format(c.count) }),
      el("td", { text: c.lift.toFixed(1) }));
  }));
  if (!data.co_mentions.length) $("co-mentions-rows").append(el("tr", {}, el("td", { colspan: "3", class: "muted", text: "No actor is named with it twice" })));
  $("co-mentions-close").onclick = () => go({ with: "", page: state.page });
}

function renderSummary(data, state) {
  const listed = data.total - data.collapsed;
  let text = `${number.format(data.total)} ${data.total === 1 ? "article" : "articles"}`;
  if (data.collapsed) text += `, ${number.format(data.collapsed)} near-duplicates folded into ${number.format(listed)}`;
  $("status").textContent = `${text} (${data.took_ms.toFixed(0)} ms)`;
  $("sort").value = data.query.sort;
  const suggestion = $("suggestion");
  suggestion.replaceChildren();
  suggestion.hidden = !data.suggestion;
  if (data.suggestion) {
    suggestion.append("Did you mean ", navLink({ q: data.suggestion.q }, el("strong", { text: data.suggestion.q })), ` (${number.format(data.suggestion.total)} ${data.suggestion.total === 1 ? "article" : "articles"})?`);
  }
}

function renderHits(hits, state) {
  $("hits").replaceChildren(...hits.map((hit) => {
    const meta = el("p", { class: "meta" }, langBadge(hit.lang));
    if (hit.date) meta.append(el("time", { datetime: hit.date, text: hit.date }));
    else meta.append(el("span", { class: "muted", text: "undated" }));
    if (hit.source) meta.append(el("span", { class: "source", text: hit.source }));
    const snippet = el("p", { class: "snippet" });
    snippet.innerHTML = snippetHtml(hit.snippet);
    const actors = el("ul", { class: "actor-chips", "aria-label": "Actors in this article" }, ...hit.actors.map((a) => el("li", {},
      el("button", {
        type: "button",
        class: "chip",
        "aria-pressed": String(state.actor.includes(a.id)),
        "aria-label": `Filter by ${a.label}`,
        onclick: () => { if (!state.actor.includes(a.id)) go({ actor: [...state.actor, a.id] }); },
      }, a.label))));
    hit.actors.forEach((a) => labels.actor.set(a.id, a.label));
    const copies = hit.duplicates
      ? el("p", { class: "muted", text: `+ ${hit.duplicates} ${hit.duplicates === 1 ? "copy" : "copies"} of this story elsewhere` })
      : null;
    return el("li", {}, el("article", { class: "hit", "aria-label": hit.title || hit.id },
      el("h2", {}, docLink(hit, state)), meta, snippet, hit.actors.length ? actors : null, copies));
  }));
}

function renderEmpty(data, state) {
  const empty = $("empty");
  empty.hidden = data.total > 0;
  if (data.total > 0) return;
  const filtered = state.lang.length || state.actor.length || state.from || state.to;
  const tips = [];
  if (filtered) tips.push(el("li", {}, "Remove a filter above, or ", navLink({ lang: [], actor: [], from: "", to: "" }, "search without filters"), "."));
  if (state.q) {
    tips.push(el("li", { text: "Check the spelling, or use fewer words: every word must occur." }));
    tips.push(el("li", {}, "Widen with ", el("code", { text: "OR" }), ": ", el("code", { text: "Iran OR Irak" }), "."));
  }
  const examples = ["droner", "Rusland sanktioner", "Selenskyj", "\"Nord Stream\"", "Atomprogramm Iran"];
  tips.push(el("li", {}, "Try ", ...examples.flatMap((q, i) => [i ? ", " : "", navLink({ q }, q)]), "."));
  empty.replaceChildren(
    el("h2", { text: state.q ? `No articles match “${state.q}”${filtered ? " with these filters" : ""}.` : "No articles match these filters." }),
    el("ul", {}, ...tips),
  );
}

function renderPages(data, state) {
  const listed = data.total - data.collapsed;
  const last = Math.max(1, Math.min(Math.ceil(listed / PAGE_SIZE), Math.floor(MAX_RESULT_WINDOW / PAGE_SIZE)));
  const nav = $("pages");
  nav.replaceChildren();
  if (last <= 1) return;
  const link = (page, text, label) => {
    if (page < 1 || page > last) return el("span", { class: "disabled", "aria-hidden": "true", text });
    return navLink({ page }, text, { "aria-label": label, "aria-current": page === state.page ? "page" : null });
  };
  const shown = new Set([1, last, state.page - 1, state.page, state.page + 1].filter((p) => p >= 1 && p <= last));
  const items = [link(state.page - 1, "‹ Previous", "Previous page")];
  let previous = 0;
  for (const page of [...shown].sort((a, b) => a - b)) {
    if (page > previous + 1) items.push(el("span", { class: "gap", "aria-hidden": "true", text: "…" }));
    items.push(link(page, String(page), `Page ${page}`));
    previous = page;
  }
  items.push(link(state.page + 1, "Next ›", "Next page"));
  nav.append(...items);
}

// -- facets and filters -------------------------------------------------------------------------

function checkbox(name, facet, onchange) {
  const id = `${name}-${facet.value}`;
  return el("div", { class: "facet-value" },
    el("input", { type: "checkbox", id, value: facet.value, checked: facet.selected, onchange }),
    el("label", { for: id }, el("span", { class: "facet-label", text: facet.label }), el("span", { class: "count", text: number.format(facet.count) })));
}

/** The checkboxes of the `lang` or `actor` facet: ticking one adds its value to the filter. */
function renderCheckboxes(name, values, state) {
  $(`${name}-values`).replaceChildren(...values.map((facet) => checkbox(name, facet, (event) => {
    const selected = event.target.checked ? [...state[name], facet.value] : state[name].filter((v) => v !== facet.value);
    go({ [name]: selected });
  })));
}

function renderDateFacet(values, state) {
  const interval = state.interval || "month";
  document.querySelectorAll("input[name=interval]").forEach((radio) => { radio.checked = radio.value === interval; });
  const bars = values.filter((v) => v.value !== "undated").sort((a, b) => a.value.localeCompare(b.value));
  const undated = values.find((v) => v.value === "undated");
  const most = Math.max(1, ...bars.map((b) => b.count));
  const counted = new Set(bars.map((b) => b.value));
  const exact = bars.filter((b) => SHAPES[interval].test(b.value)); // a date known only to the year stays a bar of its own
  const gaps = exact.length ? periodsBetween(exact[0].value, exact.at(-1).value, interval).filter((p) => !counted.has(p)) : [];
  const slots = [...bars, ...gaps.map((value) => ({ value, gap: true }))].sort((a, b) => a.value.localeCompare(b.value));
  $("histogram").replaceChildren(...slots.map((bar) => bar.gap ? el("span", { class: "gap", title: `${bar.value}: none` }) : el("button", {
    type: "button",
    id: `bar-${bar.value}`,
    class: "bar",
    title: `${bar.label}: ${number.format(bar.count)}`,
    "aria-label": `${bar.label}: ${number.format(bar.count)} ${bar.count === 1 ? "article" : "articles"}`,
    "aria-pressed": String(bar.selected),
    "data-value": bar.value,
    style: `--share: ${(bar.count / most).toFixed(3)}`,
    onclick: () => go({ from: bar.value, to: bar.value, interval: DRILL[interval] }),
  })));
  $("hist-first").textContent = bars[0]?.label ?? "";
  $("hist-last").textContent = bars.length > 1 ? bars.at(-1).label : "";
  $("undated").textContent = undated?.count ? `${number.format(undated.count)} undated` : "";
  $("from").value = state.from;
  $("to").value = state.to;
}

/** Every period from `first` to `last` (as the API names them), so that time without articles shows
 * as a gap; [] for more than MAX_DAYS days. */
const MAX_DAYS = 120;
const SHAPES = { year: /^\d{4}$/, month: /^\d{4}-\d{2}$/, day: /^\d{4}-\d{2}-\d{2}$/ };
function periodsBetween(first, last, interval) {
  const out = [];
  if (!SHAPES[interval].test(first) || !SHAPES[interval].test(last)) return out;
  if (interval === "year") {
    for (let y = +first; y <= +last; y++) out.push(String(y));
  } else if (interval === "month") {
    let [y, m] = first.split("-").map(Number);
    const [ly, lm] = last.split("-").map(Number);
    while (y < ly || (y === ly && m <= lm)) {
      out.push(`${y}-${String(m).padStart(2, "0")}`);
      [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
    }
  } else {
    const day = 86400000;
    const start = Date.parse(`${first}T00:00:00Z`);
    const end = Date.parse(`${last}T00:00:00Z`);
    if ((end - start) / day > MAX_DAYS) return [];
    for (let t = start; t <= end; t += day) out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

function renderChips(state) {
  const chip = (kind, text, changes) => el("button", {
    type: "button",
    class: "chip removable",
    "aria-label": `Remove filter ${kind}: ${text}`,
    onclick: () => go(changes),
  }, el("span", { "aria-hidden": "true", text: "×" }), ` ${text}`);
  const named = (v) => el("button", {
    type: "button",
    class: "link",
    "aria-pressed": String(state.with === v),
    "aria-label": `Actors named with ${labels.actor.get(v) ?? v}`,
    onclick: () => go({ with: state.with === v ? "" : v, page: state.page }),
  }, "named with…");
  const chips = [
    ...state.lang.map((v) => chip("language", labels.lang.get(v) ?? v, { lang: state.lang.filter((x) => x !== v) })),
    ...state.actor.map((v) => el("span", { class: "chip-pair" }, chip("actor", labels.actor.get(v) ?? v, { actor: state.actor.filter((x) => x !== v), with: "" }), named(v))),
  ];
  if (state.from || state.to) {
    const text = state.from === state.to ? state.from : `${state.from || "…"} – ${state.to || "…"}`;
    chips.push(chip("date", text, { from: "", to: "" }));
  }
  if (chips.length > 1) chips.push(el("button", { type: "button", class: "link", onclick: () => go({ lang: [], actor: [], from: "", to: "" }) }, "Clear all filters"));
  $("chips").replaceChildren(...chips);
  $("chips").hidden = chips.length === 0;
}

// -- actor autocomplete -------------------------------------------------------------------------

function setUpAutocomplete() {
  const input = $("actor-input");
  const list = $("actor-options");
  let options = [];
  let active = -1;
  let timer = null;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    active = index;
    [...list.children].forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) input.setAttribute("aria-activedescendant", list.children[index].id);
    else input.removeAttribute("aria-activedescendant");
  };
  const choose = (actor) => {
    labels.actor.set(actor.id, actor.label);
    input.value = "";
    close();
    const state = readState();
    if (!state.actor.includes(actor.id)) go({ actor: [...state.actor, actor.id] });
  };
  const suggest = async () => {
    const text = input.value.trim();
    if (!text) { close(); return; }
    try {
      const response = await fetch(`actors?${new URLSearchParams({ q: text, limit: "8" })}`);
      const found = response.ok ? (await response.json()).actors : null;
      if (!Array.isArray(found) || input.value.trim() !== text || document.activeElement !== input) return; // a later keystroke asks again
      options = found;
    } catch {
      return; // the list stays as it was; the next keystroke asks again
    }
    list.replaceChildren(...options.map((actor, i) => el("li", {
      id: `actor-option-${i}`,
      role: "option",
      "aria-selected": "false",
      "data-id": actor.id,
      onmousedown: (event) => event.preventDefault(), // keep the focus in the field
      onclick: () => choose(actor),
    }, el("span", { text: actor.label }), el("span", { class: "count", text: number.format(actor.count) }))));
    if (!options.length) list.append(el("li", { class: "muted", role: "presentation", text: "No actor of that name" }));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(options.length ? 0 : -1);
  };

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 120); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) { suggest(); return; }
      if (!options.length) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + options.length) % options.length);
    } else if (event.key === "Enter") {
      if (!list.hidden && active >= 0) { event.preventDefault(); choose(options[active]); }
    } else if (event.key === "Escape") {
      if (!list.hidden) { event.preventDefault(); close(); }
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}

// -- a document ---------------------------------------------------------------------------------

async function renderDocument(state) {
  $("results-view").hidden = true;
  const view = $("document-view");
  view.hidden = true;
  const doc = await api(`${docPath(state.doc)}?include=removed`);
  view.hidden = false;
  document.title = `${doc.title || doc.id} – newsfacet`;
  $("back").href = urlOf({ ...state, doc: "", removed: false });
  $("back").onclick = (event) => { event.preventDefault(); go({ ...state, doc: "", removed: false }); };
  $("doc-title").textContent = doc.title || doc.id;
  const meta = $("doc-meta");
  meta.replaceChildren(langBadge(doc.lang));
  if (doc.date) meta.append(el("time", { datetime: doc.date, text: doc.date }));
  if (doc.source) meta.append(el("span", { class: "source", text: doc.source }));
  if (/^https?:\/\//i.test(doc.url ?? "")) meta.append(el("a", { href: doc.url, rel: "noopener noreferrer", target: "_blank", text: "original page" }));
  meta.append(el("span", { class: "muted", text: doc.id }));

  $("doc-actors").replaceChildren(...doc.actors.map((actor) => el("li", {},
    el("button", {
      type: "button",
      class: "chip",
      "aria-label": `Search articles that mention ${actor.label}`,
      onclick: () => { labels.actor.set(actor.id, actor.label); go({ q: "", lang: [], from: "", to: "", actor: [actor.id] }); },
    }, actor.label),
    el("span", { class: "count", text: `${actor.mentions} ${actor.mentions === 1 ? "mention" : "mentions"}` }))));
  if (!doc.actors.length) $("doc-actors").append(el("li", { class: "muted", text: "No actor found" }));

  $("doc-text").replaceChildren(...doc.text.split(/\n+/).filter((p) => p.trim()).map((p) => el("p", { text: p })));

  const removed = doc.removed ?? [];
  const toggle = $("toggle-removed");
  toggle.textContent = `Removed boilerplate (${removed.length})`;
  const show = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    $("doc-removed").hidden = !open;
  };
  show(state.removed);
  toggle.disabled = removed.length === 0;
  toggle.onclick = () => {
    const open = $("doc-removed").hidden;
    history.replaceState(null, "", urlOf({ ...readState(), removed: open }));
    shown = location.search;
    show(open);
  };
  $("removed-list").replaceChildren(...removed.map((r) => el("li", {},
    el("span", { class: "reason", text: r.reason.replaceAll("_", " ") }),
    el("span", { class: "removed-text", text: r.text }))));

  $("doc-duplicates-section").hidden = !doc.duplicates.length;
  $("doc-duplicates").replaceChildren(...doc.duplicates.map((d) => el("li", {}, docLink(d, state), " ", langBadge(d.lang), d.date ? ` ${d.date}` : "", d.source ? ` · ${d.source}` : "")));

  $("related").replaceChildren(el("li", { class: "muted", text: "Looking for related articles…" }));
  api(`${docPath(doc.id)}/related?size=5`).then((data) => {
    $("related").replaceChildren(...data.related.map((hit) => el("li", {}, docLink(hit, state), " ", langBadge(hit.lang), hit.date ? ` ${hit.date}` : "")));
    if (!data.related.length) $("related").replaceChildren(el("li", { class: "muted", text: "None found" }));
  }).catch((error) => {
    if (error.name !== "AbortError") $("related").replaceChildren(el("li", { class: "muted", text: "Related articles could not be loaded" }));
  });
}

// -- coverage over time --------------------------------------------------------------------------

const COLOURS = ["#1b6ca8", "#c2452d", "#2e8b57", "#8a4baf", "#b8860b", "#008b8b", "#d2691e", "#555"];
const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

async function renderTrends(state) {
  $("q").value = state.q;
  $("results-view").hidden = true;
  $("document-view").hidden = true;
  $("trends-view").hidden = false;
  const interval = state.interval || "month";
  document.title = `Coverage over time${state.q ? `: ${state.q}` : ""} – newsfacet`;
  document.querySelectorAll("input[name=split]").forEach((radio) => {
    radio.checked = radio.value === state.split;
    radio.onchange = () => go({ split: radio.value, hide: [] });
  });
  const byActor = document.querySelector("input[name=split][value=actor]");
  byActor.disabled = !state.actor.length;
  byActor.parentElement.title = state.actor.length ? "" : "Add actors to the search first: each is a line";
  document.querySelectorAll("input[name=measure]").forEach((radio) => {
    radio.checked = radio.value === state.measure;
    radio.onchange = () => go({ measure: radio.value });
  });
  document.querySelectorAll("input[name=trend-interval]").forEach((radio) => {
    radio.checked = radio.value === interval;
    radio.onchange = () => go({ interval: radio.value });
  });
  $("trends-back").href = urlOf(target({ view: "" }));
  $("trends-back").onclick = (event) => { event.preventDefault(); go({ view: "" }); };

  const p = filterParams(state);
  p.set("interval", interval);
  if (state.split) p.set("split", state.split);
  const [data, found] = await Promise.all([api(`trends?${p}`), api(`search?${searchParams({ ...state, page: 1 })}`)]);
  renderFacets(found, state); // the filters beside the chart, counted as for the results
  const filters = [state.q && `“${state.q}”`, state.split !== "lang" && state.lang.join(", "), state.split !== "actor" && state.actor.map((a) => labels.actor.get(a) ?? a).join(" and "), (state.from || state.to) && `${state.from || "…"} – ${state.to || "…"}`].filter(Boolean);
  $("trends-query").textContent = filters.length ? `Articles matching ${filters.join("; ")}` : "Every article";

  $("trend-legend").replaceChildren(...data.series.map((series, i) => el("button", {
    type: "button",
    id: `legend-${series.value}`,
    class: "legend-item",
    "aria-pressed": String(!state.hide.includes(series.value)),
    "data-value": series.value,
    onclick: () => go({ hide: state.hide.includes(series.value) ? state.hide.filter((v) => v !== series.value) : [...state.hide, series.value] }),
  }, el("span", { class: "swatch", style: `background: ${COLOURS[i % COLOURS.length]}` }), ` ${series.label} (${number.format(series.total)})`)));
  drawChart(data, state, interval);
}

/** A round step (1, 2, 2.5 or 5 times a power of ten; whole for counts) of which four reach `most`. */
function tickStep(most, whole) {
  const least = Math.max(most / 4, whole ? 1 : 0.0025);
  const power = 10 ** Math.floor(Math.log10(least));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= least - 1e-12);
  return whole ? Math.ceil(step) : step;
}

function drawChart(data, state, interval) {
  const chart = $("trend-chart");
  const width = 760, height = 320, left = 56, right = 16, top = 12, bottom = 40;
  chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const exact = data.periods.map((p, i) => [p, i]).filter(([p]) => SHAPES[interval].test(p)); // coarser dates are told apart below
  const shown = data.series.map((s, i) => [s, i]).filter(([s]) => !state.hide.includes(s.value));
  const counting = state.measure === "count";
  const value = (point) => counting ? point.count : (point.share ?? 0);
  const step = tickStep(Math.max(0, ...shown.flatMap(([s]) => exact.map(([, i]) => value(s.points[i])))), counting);
  const most = step * 4;
  const x = (k) => left + (exact.length > 1 ? (k * (width - left - right)) / (exact.length - 1) : (width - left - right) / 2);
  const y = (v) => top + (height - top - bottom) * (1 - v / most);
  const digits = counting ? 0 : Math.max(0, -Math.floor(Math.log10(step * 100) + 1e-9));
  const format = (v) => counting ? number.format(v) : `${(v * 100).toFixed(digits)} %`;
  const nodes = [];
  for (let t = 0; t <= 4; t++) {
    const v = step * t;
    nodes.push(svg("line", { x1: left, x2: width - right, y1: y(v), y2: y(v), class: "grid" }));
    nodes.push(svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", class: "tick" }, format(v)));
  }
  const every = Math.max(1, Math.ceil(exact.length / 8));
  exact.forEach(([period], k) => {
    if (k % every === 0 || k === exact.length - 1) nodes.push(svg("text", { x: x(k), y: height - bottom + 18, "text-anchor": "middle", class: "tick" }, period));
  });
  for (const [series, i] of shown) {
    const colour = COLOURS[i % COLOURS.length];
    const points = exact.map(([period, index], k) => [k, series.points[index], period]);
    nodes.push(svg("polyline", { points: points.map(([k, point]) => `${x(k)},${y(value(point))}`).join(" "), fill: "none", stroke: colour, "stroke-width": 2, class: "line", "data-value": series.value }));
    for (const [k, point, period] of points) {
      nodes.push(svg("circle", { cx: x(k), cy: y(value(point)), r: 3, fill: colour },
        svg("title", {}, `${series.label}, ${period}: ${number.format(point.count)} of ${number.format(point.of)} articles (${point.share === null ? "–" : `${(point.share * 100).toFixed(1)} %`})`)));
    }
  }
  chart.replaceChildren(...nodes);
  const coarse = data.periods.filter((p) => !SHAPES[interval].test(p));
  const notes = [state.measure === "share" ? "Share: of every article in the line's languages in that period." : "Articles per period."];
  const undated = data.series.reduce((n, s) => n + s.undated, 0);
  if (undated) notes.push(`${number.format(undated)} undated not drawn.`);
  if (coarse.length) notes.push(`Dated only to ${coarse.join(", ")}: ${data.series.map((s) => `${s.label} ${coarse.map((c) => number.format(s.points[data.periods.indexOf(c)].count)).join("/")}`).join(", ")} (not drawn).`);
  $("trend-caption").textContent = notes.join(" ");
}

// -- putting it together ------------------------------------------------------------------------

let shown = null; // the query string on screen

async function render(state) {
  pending?.abort();
  pending = new AbortController();
  shown = location.search;
  const focused = document.activeElement; // controls are drawn again: keep the keyboard's place
  $("error").hidden = true;
  try {
    if (state.doc) {
      await renderDocument(state);
      $("doc-title").focus();
    } else if (state.view === "trends") {
      await renderTrends(state);
      const again = focused?.id && $(focused.id);
      if (again) again.focus();
    } else {
      await renderResults(state);
      const again = focused?.id && $(focused.id);
      if (again) again.focus();
      else if (document.activeElement === document.body && focused !== document.body) $("main").focus(); // its control is gone
    }
  } catch (error) {
    if (error.name === "AbortError") return;
    $("error").textContent = error.status === 404 && state.doc ? `No article with the id “${state.doc}”.` : `Sorry: ${error.message}`;
    $("error").hidden = false;
    $("status").textContent = "";
    for (const id of ["hits", "pages", "empty", "trend-chart", "trend-legend"]) $(id).replaceChildren();
  }
}

function setUp() {
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    go({ q: $("q").value.trim() });
  });
  $("sort").addEventListener("change", (event) => go({ sort: event.target.value }));
  document.querySelectorAll("input[name=interval]").forEach((radio) => radio.addEventListener("change", () => go({ interval: radio.value })));
  $("range").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!$("range").reportValidity()) return;
    go({ from: $("from").value.trim(), to: $("to").value.trim() });
  });
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, select, textarea, [contenteditable]");
    if (event.key === "/" && !typing) { event.preventDefault(); $("q").focus(); $("q").select(); }
  });
  if (matchMedia("(max-width: 48rem)").matches) $("filters").open = false;
  setUpAutocomplete();
  window.addEventListener("popstate", () => { if (location.search !== shown) render(readState()); }); // not for #main
  render(readState());
}

setUp();
