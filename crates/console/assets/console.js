// The Judicial Channels console: four pages over the suite's JSON API
// (/v1/...), same origin, no framework, no build step, no network beyond
// the server. Every failure is shown with the server's own message.
"use strict";

const MATTERS = [
  ["MATTER_CIVIL_COMMERCIAL", "Civil and commercial"],
  ["MATTER_CRIMINAL", "Criminal"],
];
const ASSISTANCES = [
  ["ASSISTANCE_SERVICE_OF_DOCUMENTS", "Service of documents"],
  ["ASSISTANCE_TAKING_OF_EVIDENCE", "Taking of evidence"],
  ["ASSISTANCE_RECOGNITION_AND_ENFORCEMENT", "Recognition and enforcement of judgments"],
  ["ASSISTANCE_RECOGNITION_OF_ARBITRAL_AWARDS", "Recognition of arbitral awards"],
  ["ASSISTANCE_INTERIM_MEASURES", "Interim measures"],
  ["ASSISTANCE_ASSET_RECOVERY", "Asset recovery"],
  ["ASSISTANCE_LEGAL_INFORMATION", "Legal information"],
  ["ASSISTANCE_EXTRADITION", "Extradition"],
  ["ASSISTANCE_TRANSFER_OF_SENTENCED_PERSONS", "Transfer of sentenced persons"],
];
const KINDS = {
  CHANNEL_KIND_BILATERAL_TREATY: ["treaty", "Bilateral treaty"],
  CHANNEL_KIND_MULTILATERAL_CONVENTION: ["convention", "Convention"],
  CHANNEL_KIND_ARRANGEMENT: ["arrangement", "Arrangement"],
  CHANNEL_KIND_RECIPROCITY: ["reciprocity", "Reciprocity"],
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === "") continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function showDate(date) {
  if (!date || !date.year) return "";
  const p = (n) => String(n).padStart(2, "0");
  return [date.year, date.month ? p(date.month) : null, date.day ? p(date.day) : null]
    .filter(Boolean).join("-");
}

// ---- errors: the server's message, never a blank page ---------------------

class ApiError extends Error {
  constructor(http, status) {
    super((status && status.message) || `HTTP ${http}`);
    this.http = http;
    this.status = status || {};
  }
}

function showError(error) {
  const box = $("error");
  box.replaceChildren();
  if (!error) { box.hidden = true; return; }
  const lines = [error.http ? `HTTP ${error.http}: ${error.message}` : String(error.message || error)];
  for (const detail of (error.status && error.status.details) || []) {
    for (const v of detail.fieldViolations || []) lines.push(`• ${v.field}: ${v.description}`);
    if (detail.reason) lines.push(`reason: ${detail.reason}`);
  }
  box.textContent = lines.join("\n");
  box.hidden = false;
}

async function api(path) {
  let response;
  try {
    response = await fetch(path, { headers: { accept: "application/json" } });
  } catch (e) {
    throw new ApiError(0, { message: `cannot reach the server: ${e.message}` });
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : {}; } catch (_) { body = { message: text.slice(0, 500) }; }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  return q.toString();
}

function fillSelect(select, options, value) {
  select.replaceChildren(...options.map(([v, label]) => el("option", { value: v }, label)));
  if (value) select.value = value;
}

// ---- jurisdictions, for search by name or code -----------------------------

let jurisdictions = [];
const names = new Map();

async function loadJurisdictions() {
  try {
    let token = "";
    const all = [];
    do {
      const page = await api(`/v1/jurisdictions?${query({ page_size: 1000, page_token: token })}`);
      all.push(...(page.jurisdictions || []));
      token = page.nextPageToken || "";
    } while (token);
    jurisdictions = all;
  } catch (_) {
    jurisdictions = []; // a router alone has no registry API: codes still work
  }
  for (const j of jurisdictions) names.set(j.code, j.displayName || j.code);
  $("jurisdictions").replaceChildren(
    ...jurisdictions.map((j) => el("option", { value: j.code }, `${j.displayName || ""} (${j.code})`)));
}

/// "FR", "fr", "France", "france (FR)" → "FR".
function resolveJurisdiction(text) {
  const t = text.trim();
  const code = t.match(/\(([A-Za-z-]{2,6})\)\s*$/);
  if (code) return code[1].toUpperCase();
  const exact = jurisdictions.find((j) => j.code.toLowerCase() === t.toLowerCase());
  if (exact) return exact.code;
  const byName = jurisdictions.filter((j) => (j.displayName || "").toLowerCase() === t.toLowerCase());
  if (byName.length === 1) return byName[0].code;
  const partial = jurisdictions.filter((j) => (j.displayName || "").toLowerCase().includes(t.toLowerCase()));
  if (partial.length === 1) return partial[0].code;
  return t.toUpperCase();
}

// ---- pages ----------------------------------------------------------------

function kindLabel(kind) { return (KINDS[kind] || ["", kind || "unknown"])[1]; }

function instrumentLink(name, text) {
  if (!name) return text || "";
  return el("a", { href: `#instrument/${encodeURIComponent(name.replace(/^instruments\//, ""))}` }, text || name);
}

function renderRoute(answer) {
  const out = $("route-answer");
  const channels = answer.channels || [];
  const header = el("p", { class: "muted" },
    `Channels with ${answer.counterpart} on ${showDate(answer.onDate)} · registry revision ${answer.revision || 0}`,
    answer.stale ? " · STALE (router lost the registry)" : "");
  const list = el("ol", { class: "channels", id: "channels" }, channels.map((c, i) => {
    const facts = el("dl", { class: "facts" });
    const fact = (label, value) => {
      if (!value || (Array.isArray(value) && !value.length)) return;
      facts.append(el("dt", {}, label),
        el("dd", {}, Array.isArray(value) ? el("ul", {}, value.map((v) => el("li", {}, v))) : value));
    };
    fact("instrument", c.instrument ? instrumentLink(c.instrument) : "");
    fact("articles", c.articles);
    fact("home authority", c.homeAuthority);
    fact("foreign authority", c.foreignAuthority || "not recorded");
    fact("transmission", c.transmission);
    fact("conditions", c.conditions || []);
    fact("why", c.explanation);
    fact("uncertain", c.uncertain ? (c.uncertainty || "the known dates cannot prove it in force") : "");
    return el("li", { class: `channel ${c.kind}${c.uncertain ? " uncertain" : ""}`, "data-kind": c.kind, "data-instrument": c.instrument || "" },
      el("h3", {}, el("span", { class: "badge" }, `${i + 1}. ${kindLabel(c.kind)}`),
        c.uncertain ? el("span", { class: "badge uncertain" }, "uncertain") : "",
        c.title),
      facts);
  }));
  const na = answer.notApplicable || [];
  const naSection = na.length ? [
    el("h3", {}, `Not applicable (${na.length}${answer.notApplicableOmitted ? ` of ${na.length + answer.notApplicableOmitted}` : ""})`),
    el("table", { id: "not-applicable" },
      el("thead", {}, el("tr", {}, el("th", {}, "Instrument"), el("th", {}, "Title"), el("th", {}, "Why not"))),
      el("tbody", {}, na.map((n) => el("tr", {},
        el("td", {}, instrumentLink(n.instrument, n.instrument.replace(/^instruments\//, ""))),
        el("td", {}, n.title), el("td", {}, n.reason))))),
  ] : [];
  out.replaceChildren(header, list, ...naSection);
}

async function submitRoute(event) {
  if (event) event.preventDefault();
  const counterpart = resolveJurisdiction($("route-counterpart").value);
  const params = {
    counterpart,
    matter: $("route-matter").value,
    assistance: $("route-assistance").value,
    on_date: $("route-date").value,
    offence: $("route-offence").value.trim(),
    direction: $("route-direction").value,
    explain: "false",
  };
  const hash = `#route?${query(params)}`;
  if (location.hash !== hash) history.replaceState(null, "", hash);
  $("route-answer").replaceChildren(el("p", { class: "muted" }, "Asking the router…"));
  try {
    renderRoute(await api(`/v1/route?${query(params)}`));
    showError(null);
  } catch (e) {
    $("route-answer").replaceChildren();
    showError(e);
  }
}

async function showInstrument(id) {
  const view = $("instrument-view");
  view.replaceChildren(el("p", { class: "muted" }, "Loading…"));
  try {
    const i = await api(`/v1/instruments/${encodeURIComponent(id)}`);
    const parties = el("table", { id: "parties" },
      el("thead", {}, el("tr", {}, ["Party", "Signed", "Ratified", "In force", "Terminated", "Notes"].map((h) => el("th", {}, h)))),
      el("tbody", {}, (i.parties || []).map((p) => el("tr", {},
        el("td", {}, `${names.get(p.jurisdiction) || ""} (${p.jurisdiction})`),
        el("td", {}, showDate(p.signed)), el("td", {}, showDate(p.ratified)),
        el("td", {}, showDate(p.entryIntoForce) || (p.inForceAsOf ? `by ${showDate(p.inForceAsOf)}` : "")),
        el("td", {}, showDate(p.terminationEffective)), el("td", {}, p.notes || "")))));
    const sources = el("ul", {}, (i.sources || []).map((s) =>
      el("li", {}, /^https?:\/\//.test(s) ? el("a", { href: s, rel: "noreferrer" }, s) : s)));
    view.replaceChildren(
      el("h2", { id: "instrument-title" }, i.title),
      el("dl", { class: "facts" },
        el("dt", {}, "name"), el("dd", {}, i.name),
        el("dt", {}, "kind"), el("dd", {}, i.kind || ""),
        el("dt", {}, "treaty type"), el("dd", {}, i.treatyType || "—"),
        el("dt", {}, "coverage"), el("dd", {}, (i.coverage || []).map((c) => `${c.matter} ${c.assistance}`).join("; ")),
        el("dt", {}, "notes"), el("dd", {}, i.notes || "—")),
      el("h3", {}, "Parties"), parties,
      el("h3", {}, "Sources"), sources);
    showError(null);
  } catch (e) {
    view.replaceChildren();
    showError(e);
  }
}

// ---- the map ---------------------------------------------------------------

let mapLoaded = null;
let selected = null;
let coverage = new Map();

async function loadMap() {
  if (mapLoaded) return mapLoaded;
  mapLoaded = (async () => {
    const response = await fetch("world.svg");
    if (!response.ok) throw new ApiError(response.status, { message: "the world map is missing" });
    const holder = $("map-svg");
    holder.innerHTML = await response.text();
    const svg = holder.querySelector("svg");
    svg.setAttribute("id", "world");
    const ns = "http://www.w3.org/2000/svg";
    const defs = document.createElementNS(ns, "defs");
    for (const kind of ["treaty", "convention", "arrangement", "reciprocity"]) {
      const color = getComputedStyle(document.documentElement).getPropertyValue(`--${kind}`).trim();
      defs.insertAdjacentHTML("beforeend",
        `<pattern id="hatch-${kind}" patternUnits="userSpaceOnUse" width="4" height="4" patternTransform="rotate(45)">` +
        `<rect width="4" height="4" fill="#fff"/><rect width="2" height="4" fill="${color}"/></pattern>`);
    }
    svg.prepend(defs);
    // Hong Kong and Macao are too small to pick at this scale: a circle on each.
    for (const code of ["hk", "mo"]) {
      const path = svg.getElementById ? svg.getElementById(code) : svg.querySelector(`#${code}`);
      if (!path) continue;
      const box = path.getBBox();
      const circle = document.createElementNS(ns, "circle");
      circle.setAttribute("cx", box.x + box.width / 2 + (code === "hk" ? 2.5 : -2.5));
      circle.setAttribute("cy", box.y + box.height / 2 + 2);
      circle.setAttribute("r", "3.2");
      circle.setAttribute("class", "marker");
      circle.setAttribute("id", `${code}-marker`);
      circle.dataset.code = code.toUpperCase();
      circle.setAttribute("aria-label", path.getAttribute("aria-label"));
      svg.append(circle);
    }
    for (const shape of svg.querySelectorAll("path[id], circle.marker")) {
      const code = shape.dataset.code || shape.id.toUpperCase();
      shape.dataset.code = code;
      shape.setAttribute("tabindex", "0");
      shape.setAttribute("role", "button");
      const title = document.createElementNS(ns, "title");
      title.textContent = shape.getAttribute("aria-label") || code;
      shape.append(title);
    }
    svg.addEventListener("click", (e) => {
      const shape = e.target.closest("[data-code]");
      if (shape) selectJurisdiction(shape.dataset.code);
    });
    svg.addEventListener("keydown", (e) => {
      if (e.key !== "Enter" && e.key !== " ") return;
      const shape = e.target.closest("[data-code]");
      if (shape) { e.preventDefault(); selectJurisdiction(shape.dataset.code); }
    });
  })();
  return mapLoaded;
}

function mapDate() {
  const year = Number($("map-year").value);
  return year >= new Date().getFullYear() ? today() : `${year}-12-31`;
}

async function drawMap() {
  const date = mapDate();
  $("map-date").textContent = date;
  try {
    await loadMap();
    const answer = await api(`/v1/coverage?${query({
      matter: $("map-matter").value, assistance: $("map-assistance").value, on_date: date })}`);
    coverage = new Map((answer.entries || []).map((e) => [e.jurisdiction, e]));
    const counts = { treaty: 0, convention: 0, arrangement: 0, reciprocity: 0, uncertain: 0 };
    for (const e of coverage.values()) {
      counts[(KINDS[e.primaryKind] || ["reciprocity"])[0]] += 1;
      if (e.uncertain) counts.uncertain += 1;
    }
    const home = [...document.querySelectorAll("#world [data-code]")]
      .map((s) => s.dataset.code).filter((c) => !coverage.has(c) && names.has(c));
    for (const shape of document.querySelectorAll("#world [data-code]")) {
      const entry = coverage.get(shape.dataset.code);
      const kind = entry ? (KINDS[entry.primaryKind] || ["reciprocity"])[0] : (home.includes(shape.dataset.code) && home.length === 1 ? "home" : "");
      shape.setAttribute("class", [shape.classList.contains("marker") ? "marker" : "",
        kind ? `k-${kind}` : "", entry && entry.uncertain ? "uncertain" : "",
        selected === shape.dataset.code ? "selected" : ""].filter(Boolean).join(" "));
      shape.dataset.kind = kind;
    }
    $("map-legend").replaceChildren(
      ...["treaty", "convention", "arrangement", "reciprocity"].map((k) =>
        el("span", { "data-legend": k }, el("span", { class: `swatch ${k}` }), `${k[0].toUpperCase()}${k.slice(1)}: ${counts[k]}`)),
      el("span", { "data-legend": "uncertain" }, el("span", { class: "swatch uncertain" }), `uncertain: ${counts.uncertain}`),
      el("span", {}, el("span", { class: "swatch home" }), "home state"),
      el("span", { class: "muted" }, `on ${showDate(answer.onDate)}, revision ${answer.revision || 0}`));
    if (selected) selectJurisdiction(selected);
    showError(null);
    $("map-svg").dataset.drawn = date;
  } catch (e) {
    showError(e);
  }
}

function selectJurisdiction(code) {
  selected = code;
  for (const s of document.querySelectorAll("#world .selected")) s.classList.remove("selected");
  for (const s of document.querySelectorAll(`#world [data-code="${code}"]`)) s.classList.add("selected");
  const entry = coverage.get(code);
  const detail = $("map-detail");
  const name = names.get(code) || code;
  if (!entry) {
    detail.replaceChildren(el("h3", {}, `${name} (${code})`), el("p", {}, "No coverage entry (home state or not a jurisdiction of the registry)."));
    return;
  }
  detail.replaceChildren(
    el("h3", { id: "map-detail-title" }, `${name} (${code})`),
    el("p", { id: "map-detail-kind", "data-kind": entry.primaryKind }, kindLabel(entry.primaryKind), entry.uncertain ? " (uncertain)" : ""),
    entry.instrument ? el("p", {}, instrumentLink(entry.instrument, entry.title)) : el("p", {}, entry.title || "Diplomatic channels on reciprocity"),
    el("p", {}, el("a", { href: `#route?${query({ counterpart: code, matter: $("map-matter").value, assistance: $("map-assistance").value, on_date: mapDate() })}` }, "All channels…")));
}

// ---- stats -----------------------------------------------------------------

function lineChart(title, years, series) {
  const ns = "http://www.w3.org/2000/svg";
  const W = 760, H = 260, L = 40, B = 24, T = 24;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i) => L + (i * (W - L - 10)) / Math.max(1, years.length - 1);
  const y = (v) => H - B - (v * (H - B - T)) / max;
  const colors = ["#1b7837", "#2166ac", "#b35806", "#762a83", "#d6604d", "#4393c3", "#8c510a", "#01665e", "#c51b7d", "#555"];
  let svg = `<svg xmlns="${ns}" class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${title}"><text x="${L}" y="14" font-weight="bold">${title}</text>`;
  for (let v = 0; v <= max; v += Math.max(1, Math.ceil(max / 5))) {
    svg += `<line x1="${L}" x2="${W - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`;
  }
  years.forEach((yr, i) => { if (yr % 5 === 0) svg += `<text x="${x(i)}" y="${H - 8}" text-anchor="middle">${yr}</text>`; });
  series.forEach((s, k) => {
    const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    svg += `<polyline fill="none" stroke="${colors[k % colors.length]}" stroke-width="2" points="${pts}"><title>${s.name}</title></polyline>`;
    svg += `<text x="${W - 180}" y="${T + 12 + k * 13}" fill="${colors[k % colors.length]}">— ${s.name}</text>`;
  });
  return svg + "</svg>";
}

async function showStats() {
  const view = $("stats-view");
  view.replaceChildren(el("p", { class: "muted" }, "Asking the registry for each year…"));
  try {
    const last = new Date().getFullYear();
    const years = [];
    for (let y = 1980; y <= last; y++) years.push(y);
    const stats = await Promise.all(years.map((y) => api(`/v1/stats?as_of=${y === last ? today() : `${y}-12-31`}`)));
    const types = (key) => [...new Set(stats.flatMap((s) => Object.keys(s[key] || {})))].sort();
    const series = (key) => types(key).map((t) => ({ name: t.toLowerCase().replace(/_/g, " "), values: stats.map((s) => (s[key] || {})[t] || 0) }));
    const inForce = series("instrumentsByTreatyType");
    inForce.push({ name: "all in force", values: stats.map((s) => s.inForce || 0) });
    const concluded = series("concludedByTreatyType");
    const holder = el("div", { id: "stats-charts" });
    holder.innerHTML = lineChart("Bilateral treaties in force, by type", years, inForce) +
      lineChart("Bilateral treaties concluded, by type", years, concluded);
    const table = el("table", { id: "stats-table" },
      el("thead", {}, el("tr", {}, ["Year", "In force", "Concluded", "Counterpart states", "Conventions"].map((h) => el("th", {}, h)))),
      el("tbody", {}, stats.map((s, i) => el("tr", {}, el("td", {}, years[i]), el("td", {}, s.inForce || 0),
        el("td", {}, s.concluded || 0), el("td", {}, s.counterpartStates || 0), el("td", {}, s.multilateralConventions || 0)))));
    view.replaceChildren(holder, el("details", {}, el("summary", {}, "The figures as a table"), table));
    showError(null);
  } catch (e) {
    view.replaceChildren();
    showError(e);
  }
}

// ---- changes ---------------------------------------------------------------

let changes = [];

async function showChanges() {
  const view = $("changes-view");
  view.replaceChildren(el("p", { class: "muted" }, "Reading the audit trail…"));
  try {
    const all = [];
    let token = "";
    do {
      const page = await api(`/v1/changes?${query({ page_size: 1000, page_token: token })}`);
      all.push(...(page.changes || []));
      token = page.nextPageToken || "";
    } while (token && all.length < 20000);
    changes = all.reverse();
    renderChanges();
    showError(null);
  } catch (e) {
    view.replaceChildren();
    showError(e);
  }
}

function renderChanges() {
  const filter = $("changes-filter").value.trim().toLowerCase();
  const shown = changes.filter((c) => !filter ||
    [c.name, c.actor, c.reason, c.type, String(c.revision)].some((f) => (f || "").toLowerCase().includes(filter)));
  $("changes-view").replaceChildren(
    el("p", { class: "muted" }, `${shown.length} of ${changes.length} changes`),
    el("table", { id: "changes-table" },
      el("thead", {}, el("tr", {}, ["Revision", "Time", "Change", "Resource", "Actor", "Reason"].map((h) => el("th", {}, h)))),
      el("tbody", {}, shown.slice(0, 1000).map((c) => el("tr", {},
        el("td", {}, c.revision), el("td", {}, c.time || ""), el("td", {}, (c.type || "").replace("CHANGE_TYPE_", "").toLowerCase()),
        el("td", {}, c.name.startsWith("instruments/") ? instrumentLink(c.name) : c.name),
        el("td", {}, c.actor || ""), el("td", {}, c.reason || ""))))));
}

// ---- navigation --------------------------------------------------------------

async function navigate() {
  const hash = location.hash.replace(/^#/, "") || "route";
  const [page, rest] = hash.split(/[?/](.*)/s);
  const name = ["route", "map", "stats", "changes", "instrument"].includes(page) ? page : "route";
  for (const section of document.querySelectorAll("main > section")) section.hidden = section.dataset.page !== name;
  for (const link of document.querySelectorAll("nav a")) {
    if (link.dataset.page === name) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
  showError(null);
  document.body.dataset.page = name;
  if (name === "route" && rest && hash.includes("?")) {
    const params = new URLSearchParams(rest);
    $("route-counterpart").value = params.get("counterpart") || "";
    if (params.get("matter")) $("route-matter").value = params.get("matter");
    if (params.get("assistance")) $("route-assistance").value = params.get("assistance");
    $("route-date").value = params.get("on_date") || today();
    $("route-offence").value = params.get("offence") || "";
    $("route-direction").value = params.get("direction") || "";
    await submitRoute();
  } else if (name === "instrument") {
    await showInstrument(decodeURIComponent(rest || ""));
  } else if (name === "map") {
    await drawMap();
  } else if (name === "stats") {
    await showStats();
  } else if (name === "changes") {
    await showChanges();
  }
  document.body.dataset.ready = name;
}

async function main() {
  fillSelect($("route-matter"), MATTERS);
  fillSelect($("route-assistance"), ASSISTANCES);
  fillSelect($("map-matter"), MATTERS);
  fillSelect($("map-assistance"), ASSISTANCES);
  $("route-date").value = today();
  const year = $("map-year");
  year.max = String(new Date().getFullYear());
  year.value = year.max;
  $("route-form").addEventListener("submit", submitRoute);
  $("map-form").addEventListener("submit", (e) => e.preventDefault());
  for (const id of ["map-matter", "map-assistance"]) $(id).addEventListener("change", drawMap);
  year.addEventListener("input", () => { $("map-date").textContent = mapDate(); });
  year.addEventListener("change", drawMap);
  $("map-select").addEventListener("change", () => selectJurisdiction(resolveJurisdiction($("map-select").value)));
  $("changes-filter").addEventListener("input", renderChanges);
  window.addEventListener("hashchange", navigate);
  await loadJurisdictions();
  await navigate();
}

window.addEventListener("error", (e) => showError(new Error(`console error: ${e.message}`)));
window.addEventListener("unhandledrejection", (e) => showError(e.reason instanceof Error ? e.reason : new Error(String(e.reason))));
main().catch(showError);
