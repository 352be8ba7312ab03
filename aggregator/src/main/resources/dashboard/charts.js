// Hand-written SVG charts: no library, nothing fetched at run time. Every label goes in through textContent.
"use strict";

const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const PALETTE = ["#2f6fde", "#e4572e", "#29a36a", "#9b59b6", "#f0a202", "#17a2b8", "#d6336c", "#6c757d",
    "#8d6e63", "#20c997", "#6610f2", "#fd7e14"];

  function color(i) {
    return PALETTE[i % PALETTE.length];
  }

  function svgEl(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function niceStep(span, count) {
    const raw = span / Math.max(1, count);
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const norm = raw / mag;
    return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  }

  function linearTicks(min, max, count) {
    if (!(max > min)) return [min];
    const step = niceStep(max - min, count);
    const out = [];
    for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(+v.toPrecision(12));
    return out;
  }

  function logTicks(min, max) {
    const out = [];
    for (let p = Math.floor(Math.log10(min)); p <= Math.ceil(Math.log10(max)); p++) {
      for (const m of [1, 2, 5]) {
        const v = m * Math.pow(10, p);
        if (v >= min * 0.999 && v <= max * 1.001) out.push(v);
      }
    }
    return out.length >= 2 ? out : linearTicks(min, max, 4);
  }

  function fmt(v) {
    if (v === 0) return "0";
    const a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toFixed(1) + "M";
    if (a >= 1e4) return (v / 1e3).toFixed(0) + "k";
    if (a >= 100) return v.toFixed(0);
    if (a >= 1) return +v.toFixed(2) + "";
    if (a >= 1e-3) return +v.toPrecision(2) + "";
    return v.toExponential(0);
  }

  /** A scale mapping [min, max] to [a, b] pixels, linear or logarithmic. */
  function scale(min, max, a, b, log) {
    if (log) {
      const lmin = Math.log(min), lmax = Math.log(max);
      const span = lmax - lmin || 1;
      return v => a + (Math.log(v) - lmin) / span * (b - a);
    }
    const span = max - min || 1;
    return v => a + (v - min) / span * (b - a);
  }

  /** [min, max] of the finite values (positive ones only when log), or null; a loop, since spreading a long
   * array into Math.min/max overflows the call stack. */
  function extent(values, log) {
    let min = Infinity, max = -Infinity;
    for (const v of values) {
      if (!Number.isFinite(v) || (log && v <= 0)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min > max) return null;
    if (min === max) {
      min = log ? min / 1.5 : min - 0.5;
      max = log ? max * 1.5 : max + 0.5;
    }
    return [min, max];
  }

  function axes(svg, box, xs, ys, xTicks, yTicks, xLabel, yLabel) {
    const g = svgEl("g", {class: "axis"});
    for (const t of yTicks) {
      const y = ys(t);
      g.appendChild(svgEl("line", {class: "grid-line", x1: box.left, x2: box.right, y1: y, y2: y}));
      g.appendChild(svgEl("text", {x: box.left - 6, y: y + 4, "text-anchor": "end"}, fmt(t)));
    }
    for (const t of xTicks) {
      const x = xs(t);
      g.appendChild(svgEl("line", {x1: x, x2: x, y1: box.bottom, y2: box.bottom + 4}));
      g.appendChild(svgEl("text", {x: x, y: box.bottom + 16, "text-anchor": "middle"}, fmt(t)));
    }
    g.appendChild(svgEl("line", {x1: box.left, x2: box.right, y1: box.bottom, y2: box.bottom}));
    g.appendChild(svgEl("line", {x1: box.left, x2: box.left, y1: box.top, y2: box.bottom}));
    if (xLabel) g.appendChild(svgEl("text", {x: (box.left + box.right) / 2, y: box.bottom + 32, "text-anchor": "middle"}, xLabel));
    if (yLabel) g.appendChild(svgEl("text", {x: 12, y: (box.top + box.bottom) / 2, "text-anchor": "middle",
      transform: `rotate(-90 12 ${(box.top + box.bottom) / 2})`}, yLabel));
    svg.appendChild(g);
  }

  function showTip(text, event) {
    const tip = document.getElementById("tooltip");
    tip.textContent = text;
    tip.hidden = false;
    tip.style.left = (event.clientX + 14) + "px";
    tip.style.top = (event.clientY + 10) + "px";
  }

  function hideTip() {
    document.getElementById("tooltip").hidden = true;
  }

  /**
   * Loss curves, many trials overlaid. series: [{id, color, train: [[step, loss]], val: [[step, loss]]}].
   * opts: {log, onHover(id or null), height, showTrain, showVal, yLabel, reference: a loss to mark with a dashed
   * horizontal line (the axis stretches to include it) or null}.
   * Each curve is a path with data-trial and data-points (what the browser test counts).
   */
  function lossChart(series, opts) {
    const width = opts.width || 860, height = opts.height || 340;
    const box = {left: 56, right: width - 12, top: 10, bottom: height - 40};
    const svg = svgEl("svg", {class: "chart loss-chart", viewBox: `0 0 ${width} ${height}`,
      "data-series": series.length});
    const shown = s => [...(opts.showTrain === false ? [] : s.train), ...(opts.showVal === false ? [] : s.val)];
    const xe = extent(series.flatMap(s => shown(s).map(p => p[0])), false);
    const reference = Number.isFinite(opts.reference) ? [opts.reference] : [];
    const ye = extent(series.flatMap(s => shown(s).map(p => p[1])).concat(reference), opts.log);
    if (!xe || !ye) {
      svg.appendChild(svgEl("text", {x: width / 2, y: height / 2, "text-anchor": "middle"}, "no steps yet"));
      return svg;
    }
    const xs = scale(Math.min(0, xe[0]), xe[1], box.left, box.right, false);
    const ys = scale(ye[0], ye[1], box.bottom, box.top, opts.log);
    axes(svg, box, xs, ys, linearTicks(Math.min(0, xe[0]), xe[1], 8), opts.log ? logTicks(ye[0], ye[1])
      : linearTicks(ye[0], ye[1], 6), "step", (opts.yLabel || "loss (nats/token)") + (opts.log ? ", log" : ""));
    for (const r of reference) {
      svg.appendChild(svgEl("line", {class: "reference", x1: box.left, x2: box.right, y1: ys(r), y2: ys(r)}));
      svg.appendChild(svgEl("text", {class: "reference-label", x: box.right - 4, y: ys(r) - 4, "text-anchor": "end"},
        r + " nat"));
    }
    const usable = p => Number.isFinite(p[1]) && (!opts.log || p[1] > 0);
    const d = pts => pts.filter(usable).map((p, i) => (i ? "L" : "M") + xs(p[0]).toFixed(1) + " " + ys(p[1]).toFixed(1)).join("");
    const plotted = [];
    for (const s of series) {
      const g = svgEl("g");
      if (opts.showTrain !== false && s.train.length) {
        g.appendChild(svgEl("path", {class: "curve train", d: d(s.train), stroke: s.color,
          "data-trial": s.id, "data-points": s.train.filter(usable).length}));
      }
      if (opts.showVal !== false && s.val.length) {
        g.appendChild(svgEl("path", {class: "curve val", d: d(s.val), stroke: s.color,
          "data-trial": s.id, "data-points": s.val.filter(usable).length}));
        for (const p of s.val.filter(usable)) {
          g.appendChild(svgEl("circle", {class: "val-dot", cx: xs(p[0]), cy: ys(p[1]), r: 3, fill: s.color,
            "data-trial": s.id}));
        }
      }
      svg.appendChild(g);
      for (const [kind, pts] of [["train", opts.showTrain === false ? [] : s.train], ["val", opts.showVal === false ? [] : s.val]]) {
        for (const p of pts.filter(usable)) plotted.push({id: s.id, kind, step: p[0], loss: p[1], x: xs(p[0]), y: ys(p[1])});
      }
    }
    let hovered = null;
    // hovering picks the nearest plotted point: thin lines are hard to hit exactly
    svg.addEventListener("mousemove", ev => {
      const r = svg.getBoundingClientRect();
      const mx = (ev.clientX - r.left) * width / r.width, my = (ev.clientY - r.top) * height / r.height;
      let best = null, bestD = 400;
      for (const p of plotted) {
        const dd = (p.x - mx) ** 2 + (p.y - my) ** 2;
        if (dd < bestD) { bestD = dd; best = p; }
      }
      if (best) {
        showTip(`${best.id}\nstep ${best.step}\n${best.kind === "val" ? "validation" : "training"} loss ${best.loss.toFixed(4)}`, ev);
      } else {
        hideTip();
      }
      const id = best ? best.id : null;
      if (id !== hovered && opts.onHover) opts.onHover(id);
      hovered = id;
    });
    svg.addEventListener("mouseleave", () => {
      hideTip();
      if (opts.onHover && hovered != null) opts.onHover(null);
      hovered = null;
    });
    return svg;
  }

  /**
   * One hyperparameter against best validation loss. points: [{id, color, x, y}]; x numbers or strings (categories).
   */
  function scatter(points, opts) {
    const width = 260, height = 190;
    const box = {left: 44, right: width - 10, top: 8, bottom: height - 34};
    const svg = svgEl("svg", {class: "chart scatter", viewBox: `0 0 ${width} ${height}`, "data-points": points.length});
    const ok = points.filter(p => Number.isFinite(p.y));
    const categorical = ok.some(p => typeof p.x !== "number");
    const raw = extent(ok.map(p => p.y), false);
    // a little room so the best and worst dots do not sit on the frame
    const ye = raw && [raw[0] - (raw[1] - raw[0]) * 0.08, raw[1] + (raw[1] - raw[0]) * 0.08];
    if (!ye || ok.length === 0) {
      svg.appendChild(svgEl("text", {x: width / 2, y: height / 2, "text-anchor": "middle"}, "no evaluations yet"));
      return svg;
    }
    const ys = scale(ye[0], ye[1], box.bottom, box.top, false);
    let xs, xTicks, label = v => fmt(v);
    if (categorical) {
      const cats = [...new Set(ok.map(p => String(p.x)))].sort();
      const idx = v => cats.indexOf(String(v));
      xs = v => box.left + (idx(v) + 0.5) / cats.length * (box.right - box.left);
      xTicks = cats;
      label = v => v;
    } else {
      const vals = ok.map(p => p.x);
      const positive = vals.every(v => v > 0);
      const range = extent(vals, false);
      const log = positive && range !== null && range[1] / range[0] > 20;
      const xe = extent(vals, log);
      xs = scale(xe[0], xe[1], box.left + 8, box.right - 8, log);
      xTicks = log ? logTicks(xe[0], xe[1]) : linearTicks(xe[0], xe[1], 4);
    }
    const g = svgEl("g", {class: "axis"});
    for (const t of linearTicks(ye[0], ye[1], 4)) {
      g.appendChild(svgEl("line", {class: "grid-line", x1: box.left, x2: box.right, y1: ys(t), y2: ys(t)}));
      g.appendChild(svgEl("text", {x: box.left - 5, y: ys(t) + 4, "text-anchor": "end"}, fmt(t)));
    }
    for (const t of xTicks) {
      g.appendChild(svgEl("text", {x: xs(t), y: box.bottom + 14, "text-anchor": "middle"}, label(t)));
    }
    g.appendChild(svgEl("line", {x1: box.left, x2: box.right, y1: box.bottom, y2: box.bottom}));
    g.appendChild(svgEl("text", {x: (box.left + box.right) / 2, y: box.bottom + 30, "text-anchor": "middle"}, opts.xLabel));
    svg.appendChild(g);
    for (const p of ok) {
      svg.appendChild(trialDot({cx: xs(p.x), cy: ys(p.y), r: 4.5, fill: p.color, class: "dot", "data-trial": p.id},
        `${p.id}\n${opts.xLabel} = ${p.x}\nbest val loss ${p.y.toFixed(4)}`, p.id, opts.onHover));
    }
    return svg;
  }

  /** A trial's dot that shows tip and tells onHover (if any) the trial while the pointer is on it. */
  function trialDot(attrs, tip, id, onHover) {
    const c = svgEl("circle", attrs);
    c.addEventListener("mouseenter", ev => {
      showTip(tip, ev);
      if (onHover) onHover(id);
    });
    c.addEventListener("mouseleave", () => {
      hideTip();
      if (onHover) onHover(null);
    });
    return c;
  }

  /**
   * Numeric points on two axes. points: [{id, color, x, y, ring, tip}]; ringed points are drawn larger with a dark
   * ring (the Pareto front; a path joins them in x order when opts.joinRinged). opts: {xLabel, yLabel, logX,
   * reference: a y value marked with a dashed line and opts.referenceLabel, onHover(id or null), cls}.
   */
  function xyChart(points, opts) {
    const width = opts.width || 560, height = opts.height || 300;
    const box = {left: 56, right: width - 12, top: 12, bottom: height - 40};
    const usable = p => Number.isFinite(p.x) && Number.isFinite(p.y) && (!opts.logX || p.x > 0);
    const ok = points.filter(usable);
    // lines: [{color, points: [{x, y}]}] drawn under the dots (a fitted curve); verticals: [{x, label}]
    const lines = (opts.lines || []).map(l => ({color: l.color, points: l.points.filter(usable)}));
    const svg = svgEl("svg", {class: "chart xy " + (opts.cls || ""), viewBox: `0 0 ${width} ${height}`,
      "data-points": ok.length, "data-lines": lines.length});
    const reference = Number.isFinite(opts.reference) ? [opts.reference] : [];
    const xr = extent(ok.map(p => p.x), opts.logX);
    const yr = extent(ok.map(p => p.y).concat(reference, lines.flatMap(l => l.points.map(p => p.y))), false);
    if (!xr || !yr) {
      svg.appendChild(svgEl("text", {x: width / 2, y: height / 2, "text-anchor": "middle"}, opts.empty || "nothing yet"));
      return svg;
    }
    const pad = (yr[1] - yr[0]) * 0.08;
    const ye = [yr[0] - pad, yr[1] + pad];
    const xs = scale(xr[0], xr[1], box.left + 10, box.right - 10, opts.logX);
    const ys = scale(ye[0], ye[1], box.bottom, box.top, false);
    axes(svg, box, xs, ys, opts.logX ? logTicks(xr[0], xr[1]) : linearTicks(xr[0], xr[1], 6),
      linearTicks(ye[0], ye[1], 5), opts.xLabel, opts.yLabel);
    for (const r of reference) {
      svg.appendChild(svgEl("line", {class: "reference", x1: box.left, x2: box.right, y1: ys(r), y2: ys(r)}));
      svg.appendChild(svgEl("text", {class: "reference-label", x: box.right - 4, y: ys(r) - 4, "text-anchor": "end"},
        opts.referenceLabel || String(r)));
    }
    for (const l of lines) {
      svg.appendChild(svgEl("path", {class: "fit-line", stroke: l.color, d: l.points.map((p, i) =>
        (i ? "L" : "M") + xs(p.x).toFixed(1) + " " + ys(p.y).toFixed(1)).join("")}));
    }
    for (const v of (opts.verticals || []).filter(v => v.x >= xr[0] && v.x <= xr[1])) {
      svg.appendChild(svgEl("line", {class: "reference", x1: xs(v.x), x2: xs(v.x), y1: box.top, y2: box.bottom}));
      svg.appendChild(svgEl("text", {class: "reference-label", x: xs(v.x) + 4, y: box.top + 12}, v.label));
    }
    if (opts.joinRinged) {
      const ringed = ok.filter(p => p.ring).sort((a, b) => a.x - b.x || a.y - b.y);
      if (ringed.length > 1) {
        svg.appendChild(svgEl("path", {class: "front-line", d: ringed.map((p, i) =>
          (i ? "L" : "M") + xs(p.x).toFixed(1) + " " + ys(p.y).toFixed(1)).join("")}));
      }
    }
    for (const p of ok) {
      svg.appendChild(trialDot({cx: xs(p.x), cy: ys(p.y), r: p.ring ? 6 : 4, fill: p.color,
        class: "dot" + (p.ring ? " ringed" : ""), "data-trial": p.id}, p.tip, p.id, opts.onHover));
    }
    return svg;
  }

  /**
   * Horizontal bars, one row each, longest first as given. bars: [{label, value, tip}], values in [0, 1] drawn as a
   * share of the full width. Each bar is a rect with class "bar" and data-label (what the browser test counts).
   */
  function barChart(bars, opts) {
    const row = 26, width = opts.width || 560, height = 16 + bars.length * row;
    const box = {left: opts.labelWidth || 150, right: width - 56};
    const svg = svgEl("svg", {class: "chart bars " + (opts.cls || ""), viewBox: `0 0 ${width} ${height}`,
      "data-bars": bars.length});
    bars.forEach((b, i) => {
      const y = 8 + i * row;
      const value = Math.max(0, Math.min(1, b.value));
      svg.appendChild(svgEl("text", {x: box.left - 8, y: y + row / 2 + 4, "text-anchor": "end"}, b.label));
      svg.appendChild(svgEl("rect", {class: "bar-track", x: box.left, y: y + 4, width: box.right - box.left,
        height: row - 8}));
      const bar = svgEl("rect", {class: "bar", x: box.left, y: y + 4, width: Math.max(1, value * (box.right - box.left)),
        height: row - 8, fill: color(i), "data-label": b.label});
      bar.addEventListener("mouseenter", ev => showTip(b.tip, ev));
      bar.addEventListener("mouseleave", hideTip);
      svg.appendChild(bar);
      svg.appendChild(svgEl("text", {x: box.left + value * (box.right - box.left) + 6, y: y + row / 2 + 4},
        opts.format ? opts.format(b.value) : String(b.value)));
    });
    return svg;
  }

  return {color, extent, linearTicks, logTicks, fmt, lossChart, scatter, xyChart, barChart, hideTip};
})();
