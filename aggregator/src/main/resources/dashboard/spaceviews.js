// Every trial of a search at once, on <canvas>: parallel coordinates with brushing, and a loss contour over two
// hyperparameters. Canvas rather than SVG because 10,000 trials as 10,000 DOM nodes take seconds to lay out; here
// lines of one colour are stroked as one path. Labels are drawn with fillText, so no value becomes markup.
"use strict";

const SpaceViews = (() => {
  /** The key of the loss axis, also the API's where key (TrialFilter.LOSS). */
  const LOSS = "bestValLoss";
  // low loss dark blue through green to yellow for high loss (viridis-like, readable on white and in grey)
  const STOPS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  // lines are stroked in this many colour bands: one path each
  const BANDS = 32;
  const NO_LOSS = "rgba(130, 138, 150, 0.55)";
  const UNSELECTED = "rgba(170, 178, 190, 0.18)";
  const INK = "#6b7686";

  function lossColor(t) {
    const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
    const i = Math.min(STOPS.length - 2, Math.floor(x));
    const f = x - i;
    const c = STOPS[i].map((v, k) => Math.round(v + (STOPS[i + 1][k] - v) * f));
    return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
  }

  /** A column of the points endpoint as one value per trial (null where the trial lacks it). */
  function columnValues(col) {
    return col.codes ? col.codes.map(c => c < 0 ? null : col.levels[c]) : col.values;
  }

  /**
   * The points response as {ids, status, loss, columns: [{name, scale, values}]}; a column without a scale (no spec)
   * gets log when isLog says its values call for it.
   */
  function decode(points, isLog) {
    return {
      ids: points.trialIds, status: columnValues(points.status), loss: points.bestValLoss,
      columns: points.hyperparameters.map(c => {
        const values = columnValues(c);
        const scale = c.scale || (isLog(values.filter(v => v !== null)) ? "log" : "linear");
        return {name: c.name, scale, values};
      }),
    };
  }

  /**
   * An axis over values: pos(v) in [0, 1] (0 at the bottom), or null for a missing value; for numbers also value(p),
   * the inverse; ticks as [{p, label}].
   */
  function axis(key, label, values, scale) {
    if (scale === "categorical") {
      const cats = [...new Set(values.filter(v => v !== null).map(String))].sort();
      const at = new Map(cats.map((c, i) => [c, (i + 0.5) / cats.length]));
      return {key, label, categorical: true, cats, pos: v => v === null ? null : at.get(String(v)),
        ticks: cats.map(c => ({p: at.get(c), label: c}))};
    }
    const log = scale === "log";
    const range = Charts.extent(values.filter(v => v !== null), log);
    const [lo, hi] = range || [0, 1];
    const f = log ? Math.log : v => v;
    const span = f(hi) - f(lo) || 1;
    const pos = v => v === null || !Number.isFinite(v) || (log && v <= 0) ? null : (f(v) - f(lo)) / span;
    const value = p => log ? Math.exp(Math.log(lo) + p * span) : lo + p * span;
    const ticks = (log ? Charts.logTicks(lo, hi) : Charts.linearTicks(lo, hi, 5))
      .map(t => ({p: pos(t), label: Charts.fmt(t)}));
    return {key, label: label + (log ? " (log)" : ""), categorical: false, pos, value, ticks, lo, hi};
  }

  /** Whether a trial's value v is inside a brush: {min, max} on a numeric axis, {values} on a categorical one. */
  function inside(brush, v) {
    if (v === null || v === undefined) return false;
    return brush.values ? brush.values.includes(String(v)) : v >= brush.min && v <= brush.max;
  }

  /** The API's where terms for the brushes (a Map of axis key to brush). */
  function whereTerms(brushes) {
    return [...brushes.entries()].map(([key, b]) => b.values ? `${key}:${b.values.join(",")}`
      : `${key}:${b.min}..${b.max}`);
  }

  /** The brushes for people: "learning_rate 0.00123–0.0456 and optimizer adam, sgd". */
  function describe(brushes) {
    return [...brushes.entries()].map(([key, b]) => (key === LOSS ? "best val loss" : key) + " "
      + (b.values ? b.values.join(", ") : `${+b.min.toPrecision(3)}–${+b.max.toPrecision(3)}`)).join(" and ");
  }

  /** The loss range colours are scaled to: finite losses of all trials. */
  function lossRange(data) {
    return Charts.extent(data.loss.filter(v => v !== null), false) || [0, 1];
  }

  /** A horizontal bar of the loss colours with its ends labelled. */
  function legend(range) {
    const stops = STOPS.map((c, i) => `rgb(${c.join(",")}) ${Math.round(i / (STOPS.length - 1) * 100)}%`).join(", ");
    const span = (cls, text) => {
      const s = document.createElement("span");
      s.className = cls;
      s.textContent = text;
      return s;
    };
    const wrap = document.createElement("div");
    wrap.className = "loss-legend";
    const bar = span("bar", "");
    bar.style.background = `linear-gradient(to right, ${stops})`;
    wrap.append(span("", "best val loss " + range[0].toFixed(4)), bar, span("", range[1].toFixed(4)),
      span("no-loss", "grey: no evaluation"));
    return wrap;
  }

  function canvasOf(cls, width, height) {
    const c = document.createElement("canvas");
    c.className = cls;
    c.width = width;
    c.height = height;
    return c;
  }

  /** The pointer's position in the canvas's own pixels (it is scaled to the page's width by CSS). */
  function pointer(canvas, ev) {
    const r = canvas.getBoundingClientRect();
    return {x: (ev.clientX - r.left) * canvas.width / r.width, y: (ev.clientY - r.top) * canvas.height / r.height};
  }

  // ------------------------------------------------------------ parallel coordinates

  /**
   * One line per trial across the varying hyperparameters' axes and the loss axis last, coloured by best validation
   * loss. opts: {brushes: Map of axis key to brush, onBrush(brushes)}. Dragging along an axis brushes it (several
   * axes combine with AND), a click on an axis clears its brush, a double-click clears all; each change goes to
   * onBrush, which the page answers by filtering its leaderboard. The canvas carries data-lines (lines drawn),
   * data-selected (of them inside every brush) and data-axes (each axis's key and x, for tests).
   */
  function parallelCoordinates(data, opts) {
    const width = 1400, height = 380;
    const box = {left: 70, right: width - 80, top: 34, bottom: height - 40};
    const canvas = canvasOf("parcoords", width, height);
    const range = lossRange(data);
    const axes = data.columns.map(c => axis(c.name, c.name, c.values, c.scale));
    axes.push(axis(LOSS, "best val loss", data.loss, "linear"));
    const xs = axes.map((a, i) => box.left + (axes.length > 1 ? i / (axes.length - 1) : 0.5) * (box.right - box.left));
    const yOf = p => box.bottom - p * (box.bottom - box.top);
    // a trial without an evaluation sits under the loss axis, at "none"
    const noneY = box.bottom + 16;
    const columns = data.columns.map(c => c.values).concat([data.loss]);
    // each trial's y on every axis, once: redraws while brushing only restroke
    const lines = [];
    for (let t = 0; t < data.ids.length; t++) {
      const ys = new Float32Array(axes.length);
      let complete = true;
      for (let a = 0; a < axes.length; a++) {
        const p = axes[a].pos(columns[a][t]);
        if (p === null || p === undefined) {
          if (a === axes.length - 1) { ys[a] = noneY; continue; }
          complete = false;
          break;
        }
        ys[a] = yOf(p);
      }
      if (complete) lines.push({t, ys, loss: data.loss[t]});
    }
    let brushes = new Map(opts.brushes);
    let dragging = null;

    function selected(line) {
      for (const [key, b] of brushes) {
        const a = axes.findIndex(x => x.key === key);
        if (a >= 0 && !inside(b, columns[a][line.t])) return false;
      }
      return true;
    }

    function stroke(ctx, group, style, widthPx) {
      if (!group.length) return;
      ctx.beginPath();
      for (const line of group) {
        ctx.moveTo(xs[0], line.ys[0]);
        for (let a = 1; a < axes.length; a++) ctx.lineTo(xs[a], line.ys[a]);
      }
      ctx.strokeStyle = style;
      ctx.lineWidth = widthPx;
      ctx.stroke();
    }

    /** A brush's extent in pixels on its axis: [top, bottom], or null when nothing of the axis is in it. */
    function brushPixels(a, b) {
      const ax = axes[a];
      if (ax.categorical) {
        const ps = b.values.map(v => ax.pos(v)).filter(p => p !== undefined && p !== null);
        if (!ps.length) return null;
        const half = 0.5 / ax.cats.length;
        return [yOf(Math.min(1, Math.max(...ps) + half)), yOf(Math.max(0, Math.min(...ps) - half))];
      }
      if (b.max < ax.lo || b.min > ax.hi) return null;
      return [yOf(ax.pos(Math.min(b.max, ax.hi))), yOf(ax.pos(Math.max(b.min, ax.lo)))];
    }

    function draw() {
      const ctx = canvas.getContext("2d");
      ctx.clearRect(0, 0, width, height);
      ctx.lineJoin = "round";
      const chosen = [], others = [];
      for (const line of lines) (selected(line) ? chosen : others).push(line);
      stroke(ctx, others, UNSELECTED, 1);
      // worst first, so that the best trials lie on top; one path per colour band
      const bands = Array.from({length: BANDS}, () => []);
      const none = [];
      for (const line of chosen) {
        if (line.loss === null) { none.push(line); continue; }
        const f = (line.loss - range[0]) / ((range[1] - range[0]) || 1);
        bands[Math.min(BANDS - 1, Math.max(0, Math.floor(f * BANDS)))].push(line);
      }
      const alpha = chosen.length > 2000 ? 0.25 : chosen.length > 300 ? 0.5 : 0.9;
      stroke(ctx, none, NO_LOSS, 1);
      ctx.globalAlpha = alpha;
      for (let k = BANDS - 1; k >= 0; k--) stroke(ctx, bands[k], lossColor((k + 0.5) / BANDS), 1.2);
      ctx.globalAlpha = 1;
      drawAxes(ctx);
      canvas.setAttribute("data-lines", lines.length);
      canvas.setAttribute("data-selected", chosen.length);
    }

    function drawAxes(ctx) {
      ctx.font = "11px system-ui, sans-serif";
      for (let a = 0; a < axes.length; a++) {
        const ax = axes[a], x = xs[a];
        const b = dragging && dragging.a === a ? dragging.brush : brushes.get(ax.key);
        const px = b ? brushPixels(a, b) : null;
        if (px) {
          ctx.fillStyle = "rgba(47, 111, 222, 0.22)";
          ctx.strokeStyle = "#2f6fde";
          ctx.lineWidth = 1;
          ctx.fillRect(x - 8, px[0], 16, Math.max(2, px[1] - px[0]));
          ctx.strokeRect(x - 8, px[0], 16, Math.max(2, px[1] - px[0]));
        }
        ctx.strokeStyle = "#1d2430";
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(x, box.top);
        ctx.lineTo(x, box.bottom);
        ctx.stroke();
        ctx.textAlign = "center";
        ctx.fillStyle = "#1d2430";
        ctx.font = "600 12px system-ui, sans-serif";
        ctx.fillText(ax.label, x, box.top - 14);
        ctx.font = "11px system-ui, sans-serif";
        ctx.textAlign = "right";
        for (const tick of ax.ticks) {
          if (tick.p === null || tick.p < -1e-9 || tick.p > 1 + 1e-9) continue;
          const y = yOf(tick.p);
          ctx.fillStyle = "rgba(255, 255, 255, 0.75)";
          const w = ctx.measureText(tick.label).width;
          ctx.fillRect(x - 6 - w, y - 7, w + 2, 13);
          ctx.fillStyle = INK;
          ctx.fillText(tick.label, x - 5, y + 4);
          ctx.fillRect(x - 3, y, 3, 1);
        }
      }
      ctx.textAlign = "center";
      ctx.fillStyle = INK;
      ctx.fillText("none", xs[xs.length - 1], noneY + 4);
    }

    /** The brush a drag from y0 to y1 on axis a makes, or null when it covers no value. */
    function brushFor(a, y0, y1) {
      const ax = axes[a];
      const p = y => Math.min(1, Math.max(0, (box.bottom - y) / (box.bottom - box.top)));
      const from = Math.min(p(y0), p(y1)), to = Math.max(p(y0), p(y1));
      if (ax.categorical) {
        const values = ax.cats.filter(c => ax.pos(c) >= from && ax.pos(c) <= to);
        return values.length ? {values} : null;
      }
      return {min: ax.value(from), max: ax.value(to)};
    }

    function axisAt(x) {
      let best = -1, dist = 14;
      xs.forEach((ax, i) => { if (Math.abs(ax - x) < dist) { dist = Math.abs(ax - x); best = i; } });
      return best;
    }

    let frame = 0;
    canvas.addEventListener("mousedown", ev => {
      const {x, y} = pointer(canvas, ev);
      const a = axisAt(x);
      if (a < 0 || y < box.top - 4 || y > box.bottom + 4) return;
      ev.preventDefault();
      dragging = {a, y0: y, y1: y, brush: null};
    });
    canvas.addEventListener("mousemove", ev => {
      const {x, y} = pointer(canvas, ev);
      canvas.style.cursor = axisAt(x) >= 0 ? "ns-resize" : "default";
      if (!dragging) return;
      dragging.y1 = y;
      dragging.brush = brushFor(dragging.a, dragging.y0, y);
      if (!frame) frame = requestAnimationFrame(() => { frame = 0; draw(); });
    });
    const finish = ev => {
      if (!dragging) return;
      const {a, y0} = dragging;
      const {y} = pointer(canvas, ev);
      dragging = null;
      const next = new Map(brushes);
      const b = Math.abs(y - y0) < 3 ? null : brushFor(a, y0, y);
      if (b) next.set(axes[a].key, b);
      else next.delete(axes[a].key);
      brushes = next;
      draw();
      opts.onBrush(next);
    };
    canvas.addEventListener("mouseup", finish);
    canvas.addEventListener("mouseleave", ev => { if (dragging) finish(ev); });
    canvas.addEventListener("dblclick", () => {
      brushes = new Map();
      draw();
      opts.onBrush(brushes);
    });
    canvas.setAttribute("data-axes", JSON.stringify(axes.map((a, i) => ({key: a.key, x: xs[i]}))));
    canvas.setAttribute("data-plot", JSON.stringify({top: box.top, bottom: box.bottom}));
    draw();
    return canvas;
  }

  // ------------------------------------------------------------ contour

  const GRID_X = 48, GRID_Y = 32;
  // the contours drawn for each data set (a page's decoded points), by axes: re-renders reuse them
  const contours = new WeakMap();

  /**
   * Best validation loss over two numeric hyperparameters, interpolated on a coarse grid by inverse-distance
   * weighting (power 4, in axis units, so log axes count ratios), with every trial as a dot on top (hollow: no
   * evaluation). The canvas carries data-cells, data-points and data-x/data-y.
   */
  function contour(data, xName, yName) {
    if (!contours.has(data)) contours.set(data, new Map());
    const drawn = contours.get(data);
    const key = JSON.stringify([xName, yName]);
    if (!drawn.has(key)) drawn.set(key, drawContour(data, xName, yName));
    return drawn.get(key);
  }

  function drawContour(data, xName, yName) {
    const width = 640, height = 420;
    const box = {left: 64, right: width - 16, top: 12, bottom: height - 44};
    const canvas = canvasOf("contour", width, height);
    const xc = data.columns.find(c => c.name === xName), yc = data.columns.find(c => c.name === yName);
    const xa = axis(xName, xName, xc.values, xc.scale), ya = axis(yName, yName, yc.values, yc.scale);
    const range = lossRange(data);
    const pts = [];
    for (let t = 0; t < data.ids.length; t++) {
      const px = xa.pos(xc.values[t]), py = ya.pos(yc.values[t]);
      if (px !== null && py !== null) pts.push({px, py, loss: data.loss[t]});
    }
    const known = pts.filter(p => p.loss !== null);
    const ctx = canvas.getContext("2d");
    const cw = (box.right - box.left) / GRID_X, ch = (box.bottom - box.top) / GRID_Y;
    if (known.length) {
      // the trials of each grid cell first pooled (mean position and loss, weighted by their count): the work is
      // cells × occupied cells, not cells × trials, and a cell's pool sits where its trials are
      const pools = new Map();
      for (const p of known) {
        const cell = Math.min(GRID_X - 1, Math.floor(p.px * GRID_X)) * GRID_Y
          + Math.min(GRID_Y - 1, Math.floor(p.py * GRID_Y));
        const pool = pools.get(cell) || {x: 0, y: 0, l: 0, n: 0};
        pool.x += p.px; pool.y += p.py; pool.l += p.loss; pool.n++;
        pools.set(cell, pool);
      }
      const all = [...pools.values()];
      const kx = Float64Array.from(all, q => q.x / q.n), ky = Float64Array.from(all, q => q.y / q.n);
      const kl = Float64Array.from(all, q => q.l / q.n), kn = Float64Array.from(all, q => q.n);
      for (let i = 0; i < GRID_X; i++) {
        for (let j = 0; j < GRID_Y; j++) {
          const cx = (i + 0.5) / GRID_X, cy = (j + 0.5) / GRID_Y;
          let sw = 0, sv = 0;
          for (let k = 0; k < kl.length; k++) {
            const d2 = (kx[k] - cx) ** 2 + (ky[k] - cy) ** 2;
            const w = kn[k] / (d2 * d2 + 1e-12);
            sw += w;
            sv += w * kl[k];
          }
          ctx.fillStyle = lossColor((sv / sw - range[0]) / ((range[1] - range[0]) || 1));
          // cells overlap by a pixel so no seams show
          ctx.fillRect(box.left + i * cw, box.bottom - (j + 1) * ch, cw + 1, ch + 1);
        }
      }
    }
    for (const p of pts) {
      const x = box.left + p.px * (box.right - box.left), y = box.bottom - p.py * (box.bottom - box.top);
      ctx.beginPath();
      ctx.arc(x, y, 2.5, 0, 2 * Math.PI);
      ctx.lineWidth = 1;
      ctx.strokeStyle = p.loss === null ? "#1d2430" : "#ffffff";
      if (p.loss !== null) {
        ctx.fillStyle = "#1d2430";
        ctx.fill();
      }
      ctx.stroke();
    }
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = INK;
    ctx.textAlign = "center";
    for (const tick of xa.ticks) {
      if (tick.p === null || tick.p < -1e-9 || tick.p > 1 + 1e-9) continue;
      ctx.fillText(tick.label, box.left + tick.p * (box.right - box.left), box.bottom + 15);
    }
    ctx.fillText(xa.label, (box.left + box.right) / 2, box.bottom + 34);
    ctx.textAlign = "right";
    for (const tick of ya.ticks) {
      if (tick.p === null || tick.p < -1e-9 || tick.p > 1 + 1e-9) continue;
      ctx.fillText(tick.label, box.left - 5, box.bottom - tick.p * (box.bottom - box.top) + 4);
    }
    ctx.save();
    ctx.translate(14, (box.top + box.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText(ya.label, 0, 0);
    ctx.restore();
    canvas.setAttribute("data-cells", known.length ? GRID_X * GRID_Y : 0);
    canvas.setAttribute("data-points", pts.length);
    canvas.setAttribute("data-x", xName);
    canvas.setAttribute("data-y", yName);
    return canvas;
  }

  return {decode, parallelCoordinates, contour, legend, whereTerms, describe, lossRange};
})();
