// The hpo dashboard: hash routes over the aggregator's JSON API, refreshed by its server-sent events.
// Every value from the API reaches the page through text nodes (el() below), never as markup.
"use strict";

const TERMINAL = new Set(["COMPLETED", "DIVERGED", "FAILED", "PRUNED"]);
// rows per page of the searches list and of a search's leaderboard (whose trials' curves the search page draws)
const SEARCHES_PER_PAGE = 50;
const TRIALS_PER_PAGE = 100;
// the best-ranked trials the hyperparameter, Pareto and size plots place
const PLOTTED_TRIALS = 500;
// points per training curve on the search page: about a chart's width in pixels
const CURVE_POINTS = 300;
const app = document.getElementById("app");
let page = null;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function api(path) {
  return (await apiPage(path)).items;
}

/** A list endpoint's page: its items and the list's full length (X-Total-Count). */
async function apiPage(path) {
  const r = await fetch(path, {cache: "no-store"});
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return {items: body, total: Number(r.headers.get("X-Total-Count"))};
}

/** "rows a–b of n" with previous/next buttons that move the offset by a page. */
function pager(id, offset, shown, total, perPage, go) {
  return el("div", {class: "pager", id},
    el("button", {class: "prev", disabled: offset === 0, onclick: () => go(Math.max(0, offset - perPage))}, "‹ prev"),
    el("span", {}, total === 0 ? "none" : `${num(offset + 1)}–${num(offset + shown)} of ${num(total)}`),
    el("button", {class: "next", disabled: offset + shown >= total, onclick: () => go(offset + perPage)}, "next ›"));
}

/** A trial's colour, the same on every page and refresh: a hash of its id picks from the palette. */
function colorOf(id) {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return Charts.color(Math.abs(h));
}

const enc = encodeURIComponent;
const loss = v => v === null || v === undefined ? "–" : v.toFixed(4);
const num = v => v === null || v === undefined ? "–" : Number(v).toLocaleString("en-US");
const param = v => typeof v === "number" ? (Number.isInteger(v) ? String(v) : +v.toPrecision(4) + "") : String(v);
const time = t => t ? new Date(t).toLocaleString() : "–";
const status = s => el("span", {class: "status " + s}, s);
// a trial flagged by the aggregator's overfitting rule; the reason shows on hover
const overfitBadge = t => t.overfitting ? el("span", {class: "badge overfitting", title: t.overfitting}, "OVERFITTING") : null;
const sig = v => v === null || v === undefined ? "–" : Number(v).toPrecision(3);
// the cost measures of the Pareto chart: the API's ?cost= keys
const COSTS = [["energy_kwh", "energy (kWh)"], ["executor_hours", "executor-hours"], ["flops", "FLOPs"],
  ["tokens", "tokens"], ["co2_kg", "CO2 (kg)"], ["cost", "money"]];
/** log N / (2 log D): 1 where the model's parameters N equal the square of its training tokens D. */
const sizeToData = t => t.parameters > 1 && t.trainingTokens > 1
  ? Math.log(t.parameters) / (2 * Math.log(t.trainingTokens)) : null;

function crumbs(...parts) {
  const nav = document.getElementById("crumbs");
  nav.replaceChildren(...parts.flatMap((p, i) => [i ? " / " : "", p]));
}

/** Highlights one trial everywhere on the page (curves, dots, leaderboard row), or none. */
function highlight(id) {
  for (const e of document.querySelectorAll("[data-trial]")) {
    const mine = e.getAttribute("data-trial") === id;
    e.classList.toggle("hl", id !== null && mine);
    if (e.namespaceURI === "http://www.w3.org/2000/svg") e.classList.toggle("dim", id !== null && !mine);
  }
}

/** Re-runs a page's refresh at most once at a time; a request during a run queues exactly one more. */
function serialized(fn) {
  let running = null, again = false;
  const run = async () => {
    if (running) { again = true; return running; }
    running = (async () => {
      do { again = false; await fn(); } while (again);
    })().finally(() => { running = null; });
    return running;
  };
  return run;
}

/** The checkbox that draws a reference line at 1 nat on loss charts (see README: memorisation and the loss floor). */
function oneNatToggle(checked, onChange) {
  return el("label", {title: "cross-entropy near which a model memorising a small data set tends to settle"},
    el("input", {type: "checkbox", class: "one-nat", checked, onchange: e => onChange(e.target.checked)}),
    " 1 nat line");
}

// ---------------------------------------------------------------- searches

function searchesPage() {
  crumbs("searches");
  let offset = 0;
  const refresh = serialized(async () => {
    const {items: searches, total} = await apiPage(`/api/searches?limit=${SEARCHES_PER_PAGE}&offset=${offset}`);
    const rows = searches.map(s => el("tr", {"data-search": s.searchId},
      el("td", {}, el("a", {href: "#/search/" + enc(s.searchId)}, s.searchId)),
      el("td", {}, s.name || "–"),
      el("td", {}, status(s.status)),
      el("td", {}, s.outcome || "–"),
      el("td", {}, time(s.startedAt)),
      el("td", {class: "num"}, s.trials),
      el("td", {class: "num"}, s.trialCounts.RUNNING),
      el("td", {class: "num"}, s.trialCounts.COMPLETED),
      el("td", {class: "num"}, s.trialCounts.DIVERGED + s.trialCounts.FAILED),
      el("td", {class: "num"}, loss(s.bestValLoss)),
      el("td", {}, s.bestTrialId || "–")));
    app.replaceChildren(el("h1", {}, "Searches"), el("div", {class: "panel table-wrap"},
      rows.length === 0 ? el("div", {class: "empty"}, "No searches yet: submit one with ./hpo submit SPEC.yaml")
        : el("table", {id: "searches"},
          el("thead", {}, el("tr", {}, ["search", "name", "status", "outcome", "started", "trials", "running",
            "completed", "diverged/failed", "best val loss", "best trial"].map((h, i) =>
            el("th", {class: i >= 5 && i <= 9 ? "num" : ""}, h)))),
          el("tbody", {}, rows)),
        pager("searches-pager", offset, rows.length, total, SEARCHES_PER_PAGE, o => { offset = o; refresh(); })));
  });
  return {refresh, onUpdate: () => refresh()};
}

// ---------------------------------------------------------------- one search

/** Whether positive values spread over more than a factor 20, so that a log axis shows them better. */
function logWorthy(values) {
  const range = Charts.extent(values, true);
  return values.length > 1 && values.every(v => v > 0) && range !== null && range[1] / range[0] > 20;
}

/** Hyperparameters whose values differ between trials: the ones the search explored. */
function varyingKeys(trials) {
  const keys = [...new Set(trials.flatMap(t => Object.keys(t.config)))];
  return keys.filter(k => new Set(trials.map(t => JSON.stringify(t.config[k]))).size > 1);
}

/** Mean training loss over workers per step, and the evaluations, as [step, loss] pairs (a trial's exact curve). */
function curvePoints(curve) {
  const byStep = new Map();
  for (const s of curve.steps) {
    if (s.loss === null) continue;
    const a = byStep.get(s.step) || [0, 0];
    byStep.set(s.step, [a[0] + s.loss, a[1] + 1]);
  }
  const train = [...byStep.entries()].sort((a, b) => a[0] - b[0]).map(([step, [sum, n]]) => [step, sum / n]);
  const val = curve.evaluations.filter(e => e.valLoss !== null).map(e => [e.step, e.valLoss]);
  return {train, val};
}

function searchPage(searchId) {
  // rows: the leaderboard page shown (sorted and paged by the API); plotted: the best-ranked trials the plots place
  const state = {search: null, rows: [], total: 0, offset: 0, plotted: [], curves: new Map(), loadedAt: new Map(),
    sort: {key: "rank", dir: 1}, log: false, oneNat: false, cost: COSTS[0][0], pareto: null,
    importance: null, scaling: null, endedOf: null, lineage: [],
    // every trial as columns (the parallel coordinates and contour); the brushes filter the leaderboard
    points: null, brushes: new Map(), contourAxes: null};
  crumbs(el("a", {href: "#/"}, "searches"), searchId);
  const base = "/api/searches/" + enc(searchId);

  const refresh = serialized(async () => {
    const order = `sort=${enc(state.sort.key)}&dir=${state.sort.dir > 0 ? "asc" : "desc"}`
      + SpaceViews.whereTerms(state.brushes).map(w => "&where=" + enc(w)).join("");
    // a first look in rank order needs no trial ids to ask for the page's curves: read them alongside the rest
    const firstInRankOrder = state.curves.size === 0 && state.sort.key === "rank" && state.sort.dir > 0
      && state.brushes.size === 0;
    // a finished search's trials no longer change: its points are read once (and the contour drawn once)
    const pointsFinal = state.points !== null && state.search.status === "FINISHED";
    const [search, page, plotted, pareto, points, first, lineage] = await Promise.all([api(base),
      apiPage(`${base}/trials?limit=${TRIALS_PER_PAGE}&offset=${state.offset}&${order}`),
      api(`${base}/trials?limit=${PLOTTED_TRIALS}`),
      api(`${base}/pareto?cost=${enc(state.cost)}&limit=${PLOTTED_TRIALS}`),
      pointsFinal ? null : api(`${base}/points`),
      firstInRankOrder ? api(`${base}/curves?points=${CURVE_POINTS}&limit=${TRIALS_PER_PAGE}&offset=${state.offset}`)
        : null,
      api(`${base}/lineage`)]);
    const keep = lines => lines.curves.forEach(l => state.curves.set(l.trialId, {train: l.train, val: l.validation}));
    const progress = t => t.finalStep + "/" + t.status;
    if (first) {
      keep(first);
      page.items.forEach(t => state.loadedAt.set(t.trialId, progress(t)));
    }
    // then in one request the curves of the page's trials that can have changed: still going, or moved since read
    const stale = page.items.filter(t => !TERMINAL.has(t.status) || state.loadedAt.get(t.trialId) !== progress(t));
    if (stale.length) {
      keep(await api(`${base}/curves?points=${CURVE_POINTS}&` + stale.map(t => "trial=" + enc(t.trialId)).join("&")));
      stale.forEach(t => state.loadedAt.set(t.trialId, progress(t)));
    }
    state.search = search;
    state.rows = page.items;
    state.total = page.total;
    state.plotted = plotted;
    state.pareto = pareto;
    state.lineage = lineage.exploits;
    if (points) state.points = SpaceViews.decode(points, logWorthy);
    render();
    refreshEndedAnalyses(search);
  });

  const goTo = offset => { state.offset = offset; refresh(); };

  // importance and the scaling fit read the ended trials, so they are asked for again only once more trials have
  // ended (a live search's steps do not make the server refit thousands of trials); the page draws without waiting
  function refreshEndedAnalyses(search) {
    const c = search.trialCounts;
    const ended = c.COMPLETED + c.PRUNED + c.DIVERGED;
    if (ended === state.endedOf) return;
    state.endedOf = ended;
    const analyses = [["importance", ["importance", "contour"]], ["scaling", ["scaling"]]];
    for (const [key, panels] of analyses) {
      // too few trials yet (409) or the store unreachable: the panel says so
      api(`${base}/${key}`).catch(e => ({error: e.message})).then(result => {
        if (page !== self || state.endedOf !== ended) return;
        state[key] = result;
        for (const id of panels) {
          const shown = document.getElementById(id);
          if (shown) shown.replaceWith(PANELS[id]());
        }
      });
    }
  }

  /** Above the leaderboard while brushes filter it: how many trials are in them, and a way out. */
  function brushNote() {
    if (state.brushes.size === 0) return null;
    return el("div", {class: "controls", id: "brush-note"},
      el("span", {id: "brush-count"}, `${num(state.total)} of ${num(state.points.ids.length)} trials in the brushes`),
      // the exact ranges asked for in data-where (the API's terms), rounded ones to read
      el("span", {class: "legend", "data-where": JSON.stringify(SpaceViews.whereTerms(state.brushes))},
        SpaceViews.describe(state.brushes)),
      el("button", {onclick: () => brushesChanged(new Map())}, "clear brushes"));
  }

  function leaderboard(varying) {
    const cols = [["rank", "rank", true], ["trialId", "trial", false], ["status", "status", false],
      ["bestValLoss", "best val loss", true], ["bestStep", "best step", true], ["finalStep", "steps", true],
      ["tokensSeen", "tokens", true], ["parameters", "params", true], ["executorSeconds", "executor s", true],
      ["energyKwh", "kWh", true], ...varying.map(k => [k, k, true])];
    const head = el("tr", {}, cols.map(([key, label, numeric]) => el("th", {
      class: "sortable" + (numeric ? " num" : ""), "data-sort": key,
      onclick: () => {
        state.sort = {key, dir: state.sort.key === key ? -state.sort.dir : 1};
        goTo(0);
      }}, label, state.sort.key === key ? el("span", {class: "arrow"}, state.sort.dir > 0 ? " ▲" : " ▼") : null)));
    const rows = state.rows.map(t => el("tr", {"data-trial": t.trialId,
        onmouseenter: () => highlight(t.trialId), onmouseleave: () => highlight(null)},
      el("td", {class: "num", "data-col": "rank"}, t.rank),
      el("td", {"data-col": "trialId"}, el("span", {class: "swatch", style: "background:" + colorOf(t.trialId)}),
        el("a", {href: "#/search/" + enc(searchId) + "/trial/" + enc(t.trialId)}, t.trialId)),
      el("td", {"data-col": "status"}, status(t.status), overfitBadge(t)),
      el("td", {class: "num", "data-col": "bestValLoss"}, loss(t.bestValLoss)),
      el("td", {class: "num", "data-col": "bestStep"}, num(t.bestStep)),
      el("td", {class: "num", "data-col": "finalStep"}, num(t.finalStep)),
      el("td", {class: "num", "data-col": "tokensSeen"}, num(t.tokensSeen)),
      el("td", {class: "num", "data-col": "parameters"}, num(t.parameters)),
      el("td", {class: "num", "data-col": "executorSeconds"}, t.spend ? num(Math.round(t.spend.executorSeconds)) : "–"),
      el("td", {class: "num", "data-col": "energyKwh"}, t.spend ? sig(t.spend.energyKwh) : "–"),
      varying.map(k => el("td", {class: "num"}, param(t.config[k])))));
    return [el("table", {id: "leaderboard"}, el("thead", {}, head), el("tbody", {}, rows)),
      pager("leaderboard-pager", state.offset, rows.length, state.total, TRIALS_PER_PAGE, goTo)];
  }

  // training loss per step and validation loss are on different scales (the step loss is DL4J's score of a
  // minibatch), so each gets its own chart and axis, over the same steps
  function curvesPanel() {
    const series = state.rows.map(t => ({id: t.trialId, color: colorOf(t.trialId),
      ...(state.curves.get(t.trialId) || {train: [], val: []})}));
    return el("div", {class: "panel", id: "curves"}, el("h2", {}, "Loss curves"),
      el("div", {class: "controls"}, el("label", {}, el("input", {type: "checkbox", checked: state.log,
        onchange: e => { state.log = e.target.checked; render(); }}), " log scale"),
        oneNatToggle(state.oneNat, on => { state.oneNat = on; render(); }),
        el("span", {class: "legend"}, `the ${num(series.length)} trials of the leaderboard page below;`
          + " hover a curve, dot or row to highlight its trial")),
      el("h3", {}, "Validation loss (evaluations)"),
      Charts.lossChart(series, {log: state.log, showTrain: false, height: 240, onHover: highlight,
        reference: state.oneNat ? 1 : null}),
      el("h3", {}, "Training loss per step (mean over workers)"),
      Charts.lossChart(series, {log: state.log, showVal: false, height: 240, yLabel: "step loss", onHover: highlight,
        reference: state.oneNat ? 1 : null}));
  }

  // best validation loss against a cost measure; the non-dominated trials ringed and joined
  function paretoPanel() {
    const p = state.pareto;
    const unit = p ? p.unit : "";
    const points = p ? p.trials.map(t => ({id: t.trialId, color: colorOf(t.trialId), x: t.cost, y: t.bestValLoss,
      ring: t.onFront, tip: `${t.trialId}${t.onFront ? " (front)" : ""}\nbest val loss ${loss(t.bestValLoss)}\n`
        + `${p.cost} ${sig(t.cost)} ${unit}`})) : [];
    return el("div", {class: "panel", id: "pareto"}, el("h2", {}, "Loss vs cost"),
      el("div", {class: "controls"}, el("label", {}, "cost ", el("select", {id: "cost-measure",
        onchange: e => { state.cost = e.target.value; refresh(); }},
        COSTS.map(([key, label]) => el("option", {value: key, selected: key === state.cost}, label)))),
        el("span", {class: "legend"}, p ? `front: ${p.front.length} of ${p.total} trials`
          + (p.total > p.trials.length ? ` (the ${num(p.trials.length)} best ranked drawn)` : "") : "")),
      Charts.xyChart(points, {xLabel: `${p ? p.cost : ""} (${unit})`, yLabel: "best val loss", cls: "pareto",
        width: 860, height: 320,
        logX: logWorthy(points.map(q => q.x)), joinRinged: true, onHover: highlight,
        empty: "no finished trial with a cost yet"}),
      el("p", {class: "note"}, "Ringed: the Pareto front, trials no other trial beats on both loss and cost."));
  }

  // where each trial's model size N sits against the search's training tokens D: log N / (2 log D) is 1 at N = D²
  function sizePanel() {
    const sized = state.plotted.filter(t => sizeToData(t) !== null);
    const d = sized.length ? sized[0].trainingTokens : null;
    const points = sized.map(t => ({id: t.trialId, color: colorOf(t.trialId), x: t.parameters, y: sizeToData(t),
      ring: !!t.overfitting, tip: `${t.trialId}\nN = ${num(t.parameters)} parameters\nD = ${num(t.trainingTokens)}`
        + ` tokens\nlog N / (2 log D) = ${sizeToData(t).toFixed(3)}${t.overfitting ? "\n" + t.overfitting : ""}`}));
    return el("div", {class: "panel", id: "size-vs-data"}, el("h2", {}, "Model size vs data (N vs D²)"),
      Charts.xyChart(points, {xLabel: "parameters N", yLabel: "log N / (2 log D)", logX: true, reference: 1,
        referenceLabel: "N = D²", cls: "size", onHover: highlight, empty: "no finished trial with its size yet"}),
      el("p", {class: "note"}, d === null ? "" : `D = ${num(d)} training tokens, so N = D² would be `
        + `${Number(d * d).toPrecision(2)} parameters. Ringed: flagged OVERFITTING.`));
  }

  function paramsPanel(varying) {
    const charts = varying.map(k => el("div", {}, el("h3", {}, k), Charts.scatter(state.plotted.map(t => ({
      id: t.trialId, color: colorOf(t.trialId), x: t.config[k], y: t.bestValLoss === null ? NaN : t.bestValLoss})),
    {xLabel: k, onHover: highlight})));
    return el("div", {class: "panel", id: "params"}, el("h2", {}, "Hyperparameters vs best validation loss"),
      charts.length ? el("div", {class: "scatters"}, charts)
        : el("div", {class: "empty"}, "every trial has the same hyperparameters so far"));
  }

  // the loss each model size N reaches per data size D, the fitted law through them, 1 nat and N = D² marked
  function scalingPanel() {
    const sc = state.scaling;
    const head = el("h2", {}, "Scaling: loss against model size");
    if (sc === null || sc.error) {
      return el("div", {class: "panel", id: "scaling"}, head,
        el("div", {class: "empty"}, sc === null ? "computing…" : sc.error));
    }
    const sizes = [...new Set(sc.points.map(p => p.tokens))].sort((a, b) => a - b);
    const colorOfSize = d => Charts.color(sizes.indexOf(d));
    const points = sc.points.map(p => ({id: p.trialId, color: colorOfSize(p.tokens), x: p.parameters, y: p.loss,
      ring: !!p.overfitting, tip: `${p.trialId}\nN = ${num(p.parameters)}, D = ${num(p.tokens)}\nloss ${loss(p.loss)},`
        + ` fit ${loss(p.predicted)}${p.trainLoss === null ? "" : `, final train ${loss(p.trainLoss)}`}`
        + `\nN / D² = ${sig(p.parametersPerTokenSquared)}${p.overfitting ? "\n" + p.overfitting : ""}`}));
    const ns = sc.points.map(p => p.parameters);
    const lo = ns.reduce((a, b) => Math.min(a, b)), hi = ns.reduce((a, b) => Math.max(a, b));
    const law = sc.law;
    const predict = (n, d) => law.e + (law.a > 0 ? law.a / Math.pow(n, law.alpha) : 0)
      + (law.b > 0 ? law.b / Math.pow(d, law.beta) : 0);
    const grid = Array.from({length: 40}, (_, i) => lo * Math.pow(hi / lo, i / 39));
    const lines = sizes.map(d => ({color: colorOfSize(d), points: grid.map(n => ({x: n, y: predict(n, d)}))}));
    const within = sizes.filter(d => d * d >= lo && d * d <= hi);
    const interval = i => i ? ` [${sig(i.low)}, ${sig(i.high)}]` : "";
    const fit = `E = ${sig(law.e)}${interval(sc.intervals.e)} nats`
      + (sc.modelTerm ? `, alpha = ${sig(law.alpha)}${interval(sc.intervals.alpha)}` : "")
      + (sc.dataTerm ? `, beta = ${sig(law.beta)}${interval(sc.intervals.beta)}` : "");
    return el("div", {class: "panel", id: "scaling"}, head,
      el("div", {class: "controls"}, el("span", {class: "legend"},
        `${fit}; held-out error ${(100 * sc.heldOut.crossValidated).toFixed(1)}%`
        + (sc.heldOut.extrapolated === null ? "" : `, the largest size from the smaller ones `
          + `${(100 * sc.heldOut.extrapolated).toFixed(1)}%`))),
      Charts.xyChart(points, {xLabel: "parameters N", yLabel: "best val loss", logX: true, reference: 1,
        referenceLabel: "1 nat", lines, verticals: within.map(d => ({x: d * d, label: "N = D² for D = " + num(d)})),
        cls: "scaling", width: 860, height: 320, onHover: highlight}),
      el("p", {class: "note"}, `Dots: completed trials coloured by data size D (${sizes.map(num).join(", ")} tokens);`
        + " lines: the law fitted to them (./hpo scaling ID --budget FLOPS gives the intervals and a budget's run). Ringed: flagged"
        + " OVERFITTING. " + (within.length ? "" : `N = D² lies at ${sizes.map(d => Number(d * d).toPrecision(2))
          .join(", ")} parameters, beyond the trials' sizes. `) + `${sc.regime.atLeastDSquared} of ${sc.used} trials`
        + ` reach N ≥ D² (the memorising regime of arXiv 2405.08707; largest N / D² ${sig(sc.regime.largestRatio)});`
        + ` ${sc.regime.overfitting} flagged overfitting, ${sc.regime.memorising} of them memorising.`),
      sc.warnings.map(w => el("p", {class: "note warning"}, "Warning: " + w)),
      // issue #24's memorisation view: where each trial's final training loss sits below (or above) its validation loss
      Charts.xyChart(points.map((p, i) => ({...p, x: sc.points[i].parametersPerTokenSquared})), {xLabel: "N / D²",
        yLabel: "loss", logX: true, reference: 1, referenceLabel: "1 nat", cls: "scaling-regime", width: 860,
        height: 260, onHover: highlight, verticals: [{x: 1, label: "N = D²"}],
        lines: sc.points.filter(p => p.trainLoss !== null).map(p => ({color: colorOfSize(p.tokens), points: [
          {x: p.parametersPerTokenSquared, y: p.loss}, {x: p.parametersPerTokenSquared, y: p.trainLoss}]}))}),
      el("p", {class: "note"}, "The same trials against N / D²: dots their best validation loss, each line's other end"
        + " their final training loss (mean of the last 20 steps). A long line down is a model that learned its"
        + " data better than the language."));
  }

  // PED-ANOVA: which hyperparameters set the best trials apart from all the others
  function importancePanel() {
    const imp = state.importance;
    const body = imp === null ? el("div", {class: "empty"}, "computing…")
      : imp.error ? el("div", {class: "empty"}, imp.error)
      : imp.hyperparameters.length === 0 ? el("div", {class: "empty"}, "no searched hyperparameter varies")
      : [Charts.barChart(imp.hyperparameters.map(h => ({label: h.name, value: h.importance,
        tip: `${h.name} (${h.scale.toLowerCase()} scale)\nimportance ${h.importance.toFixed(3)}\n`
          + `Pearson divergence ${sig(h.raw)}`})), {width: 860, cls: "importance", format: v => v.toFixed(3)}),
      el("p", {class: "note"}, `${imp.method}: how differently each hyperparameter is spread among the best `
        + `${num(imp.topTrials)} completed trials than among all ${num(imp.trials)} ended ones (pruned and diverged `
        + "ones included); the shares sum to 1.")];
    return el("div", {class: "panel", id: "importance"}, el("h2", {}, "Hyperparameter importance"), body);
  }

  // ---- every trial at once: parallel coordinates (brushing filters the leaderboard) and the loss contour

  function brushesChanged(brushes) {
    state.brushes = brushes;
    goTo(0);
  }

  function parcoordsPanel() {
    const data = state.points;
    const n = state.brushes.size;
    return el("div", {class: "panel", id: "parcoords"}, el("h2", {}, "Parallel coordinates"),
      el("div", {class: "controls"},
        el("span", {class: "legend"}, `all ${num(data.ids.length)} trials, one line each; drag along an axis to`
          + " brush it (several axes: all must hold), click an axis to clear its brush, double-click to clear all"),
        el("button", {id: "clear-brushes", disabled: n === 0, onclick: () => brushesChanged(new Map())},
          "clear brushes")),
      SpaceViews.parallelCoordinates(data, {brushes: state.brushes, onBrush: brushesChanged}),
      SpaceViews.legend(SpaceViews.lossRange(data)));
  }

  /** Hyperparameter names, most important first; none until the importance panel's answer (or with too few trials). */
  function importanceOrder() {
    const imp = state.importance;
    return imp && imp.hyperparameters ? imp.hyperparameters.map(h => h.name) : [];
  }

  /** The two hyperparameters the contour shows: chosen in its selects, else the two most important numeric ones. */
  function contourAxes(numeric) {
    const chosen = state.contourAxes;
    if (chosen && numeric.includes(chosen[0]) && numeric.includes(chosen[1])) return chosen;
    const ranked = importanceOrder().filter(k => numeric.includes(k));
    const order = [...ranked, ...numeric.filter(k => !ranked.includes(k))];
    return [order[0], order[1]];
  }

  function contourPanel() {
    const data = state.points;
    const numeric = data.columns.filter(c => c.scale !== "categorical").map(c => c.name);
    const head = el("h2", {}, "Loss contour");
    if (numeric.length < 2) {
      return el("div", {class: "panel", id: "contour"}, head,
        el("div", {class: "empty"}, "needs two numeric hyperparameters that vary"));
    }
    const [x, y] = contourAxes(numeric);
    const select = (id, value, other) => el("select", {id, onchange: e => {
      state.contourAxes = id === "contour-x" ? [e.target.value, other] : [other, e.target.value];
      render();
    }}, numeric.map(k => el("option", {value: k, selected: k === value}, k)));
    return el("div", {class: "panel", id: "contour"}, head,
      el("div", {class: "controls"}, el("label", {}, "x ", select("contour-x", x, y)),
        el("label", {}, "y ", select("contour-y", y, x)),
        el("span", {class: "legend"}, importanceOrder().length ? "default: the two most important"
          : "default: the first two varying")),
      SpaceViews.contour(data, x, y),
      el("p", {class: "note"}, "Best validation loss interpolated between the trials on a 48 × 32 grid (the"
        + " trials pooled per cell, then inverse-distance weighted), coloured as in the parallel coordinates; dots"
        + " are trials, hollow ones have no evaluation."));
  }

  /** Population-based training's exploits, by step: who took over whose state, and what changed; none otherwise. */
  function lineagePanel() {
    // an empty fragment: nothing is drawn for searches of other strategies
    if (!state.lineage.length) return document.createDocumentFragment();
    const trialLink = id => el("a", {href: "#/search/" + enc(searchId) + "/trial/" + enc(id)}, id);
    const changes = x => Object.keys(x.changes).length === 0 ? "the donor's configuration as it was"
      : Object.entries(x.changes).map(([k, how]) => `${k} ${how} → ${param(x.config[k])}`).join(", ");
    return el("div", {class: "panel table-wrap", id: "lineage"}, el("h2", {}, "Lineage (population-based training)"),
      el("table", {}, el("tr", {}, el("th", {}, "step"), el("th", {}, "trial"), el("th", {}, "took over"),
        el("th", {}, "then explored")),
        state.lineage.map(x => el("tr", {}, el("td", {}, x.step), el("td", {}, trialLink(x.trialId)),
          el("td", {}, trialLink(x.donor)), el("td", {class: "mono"}, changes(x))))));
  }

  const PANELS = {importance: importancePanel, contour: contourPanel, scaling: scalingPanel};

  function render() {
    const s = state.search;
    const varying = varyingKeys(state.plotted);
    const c = s.trialCounts;
    const scrollY = window.scrollY;
    app.replaceChildren(
      el("h1", {}, s.name ? `${s.name} · ${s.searchId}` : s.searchId),
      el("div", {class: "panel summary", id: "summary"},
        el("div", {}, el("span", {class: "k"}, "status"), el("span", {class: "v"}, status(s.status), " ", s.outcome || "")),
        el("div", {}, el("span", {class: "k"}, "trials"), el("span", {class: "v"}, s.trials)),
        el("div", {}, el("span", {class: "k"}, "running"), el("span", {class: "v"}, c.RUNNING)),
        el("div", {}, el("span", {class: "k"}, "completed"), el("span", {class: "v"}, c.COMPLETED)),
        el("div", {}, el("span", {class: "k"}, "diverged / failed"), el("span", {class: "v"}, c.DIVERGED + " / " + c.FAILED)),
        el("div", {}, el("span", {class: "k"}, "best val loss"), el("span", {class: "v"}, loss(s.bestValLoss),
          s.bestTrialId ? " (" + s.bestTrialId + ")" : "")),
        el("div", {}, el("span", {class: "k"}, "started"), el("span", {class: "v"}, time(s.startedAt)))),
      parcoordsPanel(),
      el("div", {class: "grid"}, curvesPanel(), paramsPanel(varying)),
      el("div", {class: "grid"}, paretoPanel(), sizePanel()),
      importancePanel(),
      scalingPanel(),
      contourPanel(),
      el("div", {class: "panel table-wrap"}, el("h2", {}, "Leaderboard"), brushNote(), leaderboard(varying)),
      lineagePanel());
    window.scrollTo(0, scrollY);
    document.body.setAttribute("data-rendered", "search");
  }

  const self = {refresh, onUpdate: ids => { if (ids.includes(searchId)) refresh(); }};
  return self;
}

// ---------------------------------------------------------------- one trial

function trialPage(searchId, trialId) {
  crumbs(el("a", {href: "#/"}, "searches"), el("a", {href: "#/search/" + enc(searchId)}, searchId), trialId);
  let log = false;
  let oneNat = false;
  let last = null;
  const refresh = serialized(async () => {
    // the trial alone, and its exact curve (every step): one trial is small enough
    const [trial, curve] = await Promise.all([api("/api/searches/" + enc(searchId) + "/trials/" + enc(trialId)),
      api("/api/searches/" + enc(searchId) + "/trials/" + enc(trialId) + "/curve")]);
    last = {trial, points: curvePoints(curve), curve};
    render();
  });

  function render() {
    const {trial: t, points} = last;
    const row = (k, v) => el("tr", {}, el("th", {}, k), el("td", {}, v));
    const lrs = new Map(last.curve.steps.filter(s => s.worker === 0).map(s => [s.step, s.learningRate]));
    app.replaceChildren(...[
      el("h1", {}, t.trialId, " ", status(t.status), overfitBadge(t)),
      t.overfitting ? el("div", {class: "panel"}, el("h2", {}, "Overfitting"),
        el("div", {class: "reason", id: "overfitting"}, t.overfitting)) : null,
      t.reason ? el("div", {class: "panel"}, el("h2", {}, t.status === "COMPLETED" ? "Note" : "Failure reason"),
        el("div", {class: "reason", id: "reason"}, t.reason)) : null,
      el("div", {class: "grid"},
        el("div", {class: "panel"}, el("h2", {}, "Loss curves"),
          el("div", {class: "controls"}, el("label", {}, el("input", {type: "checkbox", checked: log,
            onchange: e => { log = e.target.checked; render(); }}), " log scale"),
            oneNatToggle(oneNat, on => { oneNat = on; render(); })),
          el("h3", {}, "Validation loss (evaluations)"),
          Charts.lossChart([{id: t.trialId, color: Charts.color(0), ...points}], {log, showTrain: false, height: 220,
            reference: oneNat ? 1 : null}),
          el("h3", {}, "Training loss per step (mean over workers)"),
          Charts.lossChart([{id: t.trialId, color: Charts.color(0), ...points}], {log, showVal: false, height: 220,
            yLabel: "step loss", reference: oneNat ? 1 : null}),
          el("h2", {}, "Learning rate"),
          Charts.lossChart([{id: t.trialId, color: "#6c757d", train: [...lrs.entries()], val: []}],
            {height: 160, log: false, yLabel: "learning rate"})),
        el("div", {}, el("div", {class: "panel"}, el("h2", {}, "Result"), el("table", {id: "result"},
            row("rank", t.rank), row("best val loss", loss(t.bestValLoss)), row("best step", num(t.bestStep)),
            row("tokens at best", num(t.tokensAtBest)), row("steps", num(t.finalStep)),
            row("tokens", num(t.tokensSeen)), row("created", time(t.createdAt)), row("started", time(t.startedAt)),
            row("ended", time(t.endedAt)))),
          el("div", {class: "panel"}, el("h2", {}, "Cost (estimates)"), t.spend ? el("table", {id: "cost"},
            row("parameters N", num(t.parameters)), row("training tokens D", num(t.trainingTokens)),
            row("log N / (2 log D)", sizeToData(t) === null ? "–" : sizeToData(t).toFixed(3)),
            row("executor-seconds", sig(t.spend.executorSeconds)), row("tokens processed", num(t.spend.tokens)),
            row("FLOPs (6·N·tokens)", sig(t.spend.flops)), row("energy (kWh)", sig(t.spend.energyKwh)),
            row("CO2 (kg)", sig(t.spend.co2Kg)), row("money", sig(t.spend.cost)))
            : el("div", {class: "empty"}, "recorded when the trial ends")),
          el("div", {class: "panel"}, el("h2", {}, "Configuration"), el("table", {id: "config", class: "mono"},
            Object.entries(t.config).map(([k, v]) => row(k, param(v)))))))].filter(c => c !== null));
    document.body.setAttribute("data-rendered", "trial");
  }

  return {refresh, onUpdate: ids => { if (ids.includes(searchId)) refresh(); }};
}

// ---------------------------------------------------------------- routing and live updates

function route() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(p => p).map(decodeURIComponent);
  Charts.hideTip();
  if (parts[0] === "search" && parts.length === 2) page = searchPage(parts[1]);
  else if (parts[0] === "search" && parts.length === 4 && parts[2] === "trial") page = trialPage(parts[1], parts[3]);
  else page = searchesPage();
  const current = page;
  app.replaceChildren(el("div", {class: "empty"}, "loading…"));
  current.refresh().catch(e => {
    if (page === current) app.replaceChildren(el("div", {class: "panel error"}, String(e.message || e)));
  });
}

function connectLive() {
  const badge = document.getElementById("live");
  const source = new EventSource("/api/events");
  let reconnect = false;
  source.onopen = () => {
    badge.textContent = "live";
    badge.className = "live on";
    // whatever happened while disconnected is picked up by one full refresh; the first open comes as the page's own
    // first load runs, and a second full load of a 10,000-trial page right after it held the browser for a second
    if (reconnect && page) page.refresh().catch(() => {});
    reconnect = true;
  };
  source.onerror = () => {
    badge.textContent = "reconnecting";
    badge.className = "live off";
  };
  source.addEventListener("update", ev => {
    const ids = JSON.parse(ev.data);
    if (page) Promise.resolve(page.onUpdate(ids)).catch(() => {});
  });
}

window.addEventListener("hashchange", route);
route();
// ?live=0 shows a still snapshot: no update stream (headless browsers wait for open streams before they print)
if (new URLSearchParams(location.search).get("live") === "0") {
  document.getElementById("live").textContent = "paused (?live=0)";
} else {
  connectLive();
}
