// The explorer: replays the engine's traces (the JSON in #trace-data) step by step.
// Step 0 is the snapshot before the first operation; step s is the table after
// operation s. One panel per strategy, all kept at the same step.
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("trace-data").textContent);
  const TRACES = DATA.traces;
  const OPS = DATA.ops;
  const LAST = OPS.length;
  const FULL_LIMIT = DATA.full_limit; // past this many buckets: overview strip + window
  const WINDOW = DATA.window;
  const CHECKPOINT = 64;
  const TOMB = "x";
  const $ = (id) => document.getElementById(id);
  let step = 0;
  let timer = null;

  // --- replay (the same rules as replay.py) ---
  function clone(state) { return JSON.parse(JSON.stringify(state)); }
  function applyCells(cells, ev) {
    if (ev.e === "place") cells[ev.at] = [ev.id, ev.dist];
    else if (ev.e === "move") {
      const held = cells[ev.from];
      if (Array.isArray(held) && held[0] === ev.id) cells[ev.from] = null;
      cells[ev.to] = [ev.id, ev.dist];
    } else if (ev.e === "remove") cells[ev.at] = ev.leave === "tombstone" ? TOMB : null;
  }
  function renumber(chain) { chain.forEach((node, pos) => { node[1] = pos; }); }
  function resized(layout, ev) {
    const size = ev.new_size;
    if (layout === "chains") {
      const buckets = Array.from({ length: size }, () => []);
      ev.items.slice().sort((a, b) => a.dist - b.dist).forEach((it) => buckets[it.to].push([it.id, it.dist]));
      return buckets;
    }
    if (layout === "compact") {
      const indices = new Array(size).fill(null);
      const entries = new Array(ev.items.length).fill(null);
      ev.items.forEach((it) => { indices[it.to] = [it.entry, it.dist]; entries[it.entry] = it.id; });
      return { indices, entries };
    }
    const cells = new Array(size).fill(null);
    ev.items.forEach((it) => { cells[it.to] = [it.id, it.dist]; });
    return cells;
  }
  function applyEvent(layout, state, ev) {
    if (ev.e === "resize") return resized(layout, ev);
    if (layout === "chains") {
      if (ev.e === "place") { state[ev.at].splice(ev.pos, 0, [ev.id, 0]); renumber(state[ev.at]); }
      else if (ev.e === "remove") { state[ev.at].splice(ev.pos, 1); renumber(state[ev.at]); }
    } else if (layout === "compact") {
      const entries = state.entries;
      if (ev.e === "place") {
        state.indices[ev.at] = [ev.entry, ev.dist];
        while (entries.length <= ev.entry) entries.push(null);
        entries[ev.entry] = ev.id;
      } else if (ev.e === "remove") {
        state.indices[ev.at] = ev.leave === "tombstone" ? TOMB : null;
        entries[ev.entry] = null;
        if (ev.entries_len !== undefined) entries.length = ev.entries_len;
      } else if (ev.e === "move") applyCells(state.indices, ev);
    } else applyCells(state, ev);
    return state;
  }
  function sizeOf(layout, state) { return layout === "compact" ? state.indices.length : state.length; }

  // Per trace: checkpoints every CHECKPOINT steps, and running counts per step.
  TRACES.forEach((tr) => {
    tr.checkpoints = [clone(tr.start)];
    tr.totals = [{ probes: 0, comparisons: 0, resizes: 0, items: startItems(tr) }];
    let state = clone(tr.start);
    tr.steps.forEach((st, i) => {
      const prev = tr.totals[i];
      let resizes = prev.resizes;
      st.events.forEach((ev) => { state = applyEvent(tr.layout, state, ev); if (ev.e === "resize") resizes += 1; });
      const delta = st.result === "inserted" ? 1 : st.result === "deleted" ? -1 : 0;
      tr.totals.push({ probes: prev.probes + st.probes, comparisons: prev.comparisons + st.comparisons,
        resizes, items: prev.items + delta, size: sizeOf(tr.layout, state) });
      if ((i + 1) % CHECKPOINT === 0) tr.checkpoints.push(clone(state));
    });
    tr.totals[0].size = sizeOf(tr.layout, tr.start);
    tr.cache = { step: 0, state: clone(tr.start) };
  });
  function startItems(tr) {
    if (tr.layout === "chains") return tr.start.reduce((n, chain) => n + chain.length, 0);
    const cells = tr.layout === "compact" ? tr.start.indices : tr.start;
    return cells.filter(Array.isArray).length;
  }
  function stateAt(tr, s) {
    let from = tr.cache;
    if (s < from.step || s - from.step > CHECKPOINT) {
      const k = Math.floor(s / CHECKPOINT);
      from = { step: k * CHECKPOINT, state: clone(tr.checkpoints[k]) };
    }
    let state = from.step === tr.cache.step ? tr.cache.state : from.state;
    for (let i = from.step; i < s; i++) tr.steps[i].events.forEach((ev) => { state = applyEvent(tr.layout, state, ev); });
    tr.cache = { step: s, state };
    return state;
  }
  // The state before step s's events (for a resize: the old arrays).
  function stateBefore(tr, s) { return clone(stateAt(tr, s - 1)); }

  // --- drawing ---
  function keyRepr(tr, id) { return tr.keys[id].repr; }
  function bits(hex) {
    const b = BigInt(hex).toString(2).padStart(64, "0");
    return b.replace(/(.{8})(?=.)/g, "$1 ");
  }
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function cellsOf(tr, state) { return tr.layout === "compact" ? state.indices : state; }
  function holds(tr, state, cell) {
    if (cell === null) return "";
    if (cell === TOMB) return TOMB;
    const id = tr.layout === "compact" ? state.entries[cell[0]] : cell[0];
    return id === null || id === undefined ? "" : keyRepr(tr, id);
  }
  function marks(st) {
    const m = new Map();
    const add = (at, cls) => { if (!m.has(at)) m.set(at, new Set()); m.get(at).add(cls); };
    if (!st) return { m, order: new Map() };
    add(st.home, "home");
    const order = new Map();
    st.events.forEach((ev) => {
      if (ev.e === "visit") {
        add(ev.at, "visit");
        add(ev.at, "saw-" + ev.saw);
        if (!order.has(ev.at)) order.set(ev.at, order.size + 1);
      } else if (ev.e === "place") add(ev.at, ev.reused ? "reused" : "placed");
      else if (ev.e === "move") { add(ev.from, "moved-from"); add(ev.to, "moved-to"); }
      else if (ev.e === "remove") add(ev.at, "removed");
      else if (ev.e === "update") add(ev.at, "placed");
    });
    return { m, order };
  }
  function drawCell(tr, state, b, mk) {
    const cells = cellsOf(tr, state);
    const node = el("div", "cell");
    node.dataset.bucket = b;
    if (tr.layout === "chains") {
      const chain = state[b];
      node.dataset.state = chain.length ? "chain" : "empty";
      node.dataset.holds = chain.map((n) => keyRepr(tr, n[0])).join(" ");
      node.appendChild(el("span", "index", String(b)));
      chain.forEach((n) => node.appendChild(el("span", "node", keyRepr(tr, n[0]))));
    } else {
      const cell = cells[b];
      node.dataset.state = cell === null ? "empty" : cell === TOMB ? "tombstone" : "full";
      node.dataset.holds = holds(tr, state, cell);
      if (Array.isArray(cell)) node.dataset.dist = cell[1];
      node.appendChild(el("span", "index", String(b)));
      if (tr.layout === "groups" && Array.isArray(cell)) node.appendChild(el("span", "ctrl", tagText(tr, state, cell)));
      if (tr.layout === "compact" && Array.isArray(cell)) node.appendChild(el("span", "ctrl", "→" + cell[0]));
      node.appendChild(el("span", "key", cell === TOMB ? "✕" : node.dataset.holds));
      if (Array.isArray(cell) && cell[1] > 0) node.appendChild(el("span", "dist", "+" + cell[1]));
    }
    const cls = mk.m.get(b);
    if (cls) cls.forEach((c) => node.classList.add(c));
    if (mk.order.has(b)) node.appendChild(el("span", "order", String(mk.order.get(b))));
    return node;
  }
  // swiss's control byte for a cell: EMPTY ff, DELETED 80, or the item's 7-bit tag.
  function ctrlByte(tr, cell) {
    if (cell === null) return "ff";
    if (cell === TOMB) return "80";
    return tagText(tr, null, cell) || "··";
  }
  function tagText(tr, state, cell) {
    const key = tr.keys[cell[0]];
    return key.tag === undefined ? "" : key.tag.toString(16).padStart(2, "0");
  }
  function focusOf(st) {
    if (!st) return 0;
    const visits = st.events.filter((ev) => ev.e === "visit" || ev.e === "place");
    return visits.length ? visits[visits.length - 1].at : st.home;
  }
  function drawBuckets(tr, state, st, box) {
    const size = sizeOf(tr.layout, state);
    const mk = marks(st);
    box.replaceChildren();
    let lo = 0;
    let hi = size;
    if (size > FULL_LIMIT) {
      box.appendChild(drawStrip(tr, state, st));
      const centre = st ? Math.min(st.home, focusOf(st)) : 0;
      lo = Math.max(0, Math.min(centre - 8, size - WINDOW));
      hi = Math.min(size, lo + WINDOW);
      box.appendChild(el("div", "window-note", `buckets ${lo}–${hi - 1} of ${size}, around the current probe`));
    }
    const grid = el("div", "grid " + tr.layout);
    const width = tr.group_width || 16;
    let group = null;
    for (let b = lo; b < hi; b++) {
      if (tr.layout === "groups" && (b % width === 0 || group === null)) {
        group = el("div", "group");
        const first = b - (b % width);
        const bytes = state.slice(first, Math.min(first + width, size)).map((cell) => ctrlByte(tr, cell));
        group.appendChild(el("div", "group-head", `group ${Math.floor(b / width)}: control bytes ${bytes.join(" ")}`));
        grid.appendChild(group);
      }
      (group || grid).appendChild(drawCell(tr, state, b, mk));
    }
    box.appendChild(grid);
    // Keep the current probe in view inside the panel's scroll box.
    const focus = grid.querySelector(`[data-bucket="${focusOf(st)}"]`);
    if (focus && st) grid.scrollTop = focus.offsetTop - grid.clientHeight / 2;
    if (tr.layout === "compact") {
      const row = el("div", "entries");
      row.appendChild(el("span", "label", "entries"));
      state.entries.forEach((id, pos) => {
        const e = el("span", "entry" + (id === null ? " hole" : ""), id === null ? "·" : keyRepr(tr, id));
        e.dataset.entry = pos;
        row.appendChild(e);
      });
      box.appendChild(row);
    }
  }
  function drawStrip(tr, state, st) {
    const cells = tr.layout === "chains" ? state : cellsOf(tr, state);
    const canvas = el("canvas", "strip");
    canvas.width = cells.length;
    canvas.height = 40;
    const g = canvas.getContext("2d");
    g.fillStyle = "#f3f4f6";
    g.fillRect(0, 0, cells.length, 40);
    cells.forEach((cell, b) => {
      let h = 0;
      if (tr.layout === "chains") h = cell.length * 8;
      else if (cell === TOMB) { g.fillStyle = "#f59e0b"; g.fillRect(b, 34, 1, 6); return; }
      else if (Array.isArray(cell)) h = 6 + Math.min(cell[1], 8) * 4;
      g.fillStyle = h > 14 ? "#dc2626" : "#2563eb";
      g.fillRect(b, 40 - Math.min(h, 40), 1, Math.min(h, 40));
    });
    if (st) { g.fillStyle = "#16a34a"; g.fillRect(st.home, 0, 2, 40); }
    return canvas;
  }
  function pathText(tr, st) {
    if (!st) return "the table before the first operation";
    const parts = [];
    st.events.forEach((ev) => {
      if (ev.e === "visit") {
        let text = `${ev.at}: ${ev.saw.replace("_", " ")}`;
        if (ev.saw === "group") text += ` [${ev.ctrl.map((c) => c.toString(16).padStart(2, "0")).join(" ")}] tag ${ev.tag.toString(16)} matches ${ev.matches.join(",") || "none"}`;
        parts.push(text);
      } else if (ev.e === "place") parts.push(`placed at ${ev.at}${ev.reused ? " (reusing a tombstone)" : ""}`);
      else if (ev.e === "move") parts.push(`${keyRepr(tr, ev.id)} moved ${ev.from}→${ev.to}`);
      else if (ev.e === "remove") parts.push(`removed from ${ev.at}, left ${ev.leave}`);
      else if (ev.e === "update") parts.push(`value replaced at ${ev.at}`);
      else if (ev.e === "link") parts.push(`link ${ev.from === null ? "head" : keyRepr(tr, ev.from)}→${keyRepr(tr, ev.to)}`);
      else if (ev.e === "resize") parts.push(`resize ${ev.old_size}→${ev.new_size}`);
    });
    return `home ${st.home}; ` + parts.join(" → ") + ` ⇒ ${st.result}`;
  }
  function drawResize(tr, s, st, box) {
    const ev = st && st.events.find((e) => e.e === "resize");
    if (!ev) return;
    const old = stateBefore(tr, s);
    const panel = el("div", "resize");
    panel.appendChild(el("div", "resize-head", `resize: ${ev.old_size} → ${ev.new_size} buckets; where each item went`));
    const before = el("div", "resize-old");
    before.appendChild(el("span", "label", `old ${ev.old_size}:`));
    const oldCells = tr.layout === "chains" ? old.map((chain) => chain.map((n) => keyRepr(tr, n[0])).join(" ")) :
      cellsOf(tr, old).map((cell) => holds(tr, old, cell));
    oldCells.forEach((text, b) => {
      const box = el("span", "old-cell" + (text ? "" : " vacant"), text || "·");
      box.title = "old bucket " + b;
      before.appendChild(box);
    });
    panel.appendChild(before);
    const list = el("div", "resize-items");
    const from = new Map();
    if (tr.layout === "chains") old.forEach((chain, b) => chain.forEach((n) => from.set(n[0], b)));
    else cellsOf(tr, old).forEach((cell, b) => { if (Array.isArray(cell)) from.set(tr.layout === "compact" ? old.entries[cell[0]] : cell[0], b); });
    ev.items.forEach((it) => list.appendChild(el("span", "moved", `${keyRepr(tr, it.id)}: ${from.has(it.id) ? from.get(it.id) : "?"}→${it.to}`)));
    panel.appendChild(list);
    box.appendChild(panel);
  }
  function render() {
    const st = step > 0 ? OPS[step - 1] : null;
    $("scrub").value = step;
    $("step-label").textContent = `step ${step} of ${LAST}`;
    $("op").textContent = st ? `${st.op}(${st.repr})` : "start";
    $("hash").textContent = st ? bits(st.hash) : "";
    TRACES.forEach((tr, i) => {
      const panel = $("panel-" + i);
      const state = stateAt(tr, step);
      const tst = step > 0 ? tr.steps[step - 1] : null;
      const t = tr.totals[step];
      panel.querySelector(".counts").textContent =
        `probes ${t.probes} · comparisons ${t.comparisons} · load ${t.items}/${t.size} = ${(t.items / t.size).toFixed(2)} · resizes ${t.resizes}`;
      panel.querySelector(".path").textContent = pathText(tr, tst);
      const box = panel.querySelector(".buckets");
      drawBuckets(tr, state, tst, box);
      drawResize(tr, step, tst, box);
    });
    const want = "#step=" + step;
    if (location.hash !== want) history.replaceState(null, "", want);
  }
  function go(s) { step = Math.max(0, Math.min(LAST, s)); render(); }
  function play() {
    if (timer) { clearInterval(timer); timer = null; $("play").textContent = "▶ play"; return; }
    if (step >= LAST) step = 0;
    $("play").textContent = "❚❚ pause";
    timer = setInterval(() => { if (step >= LAST) play(); else go(step + 1); }, 1000 / Number($("speed").value));
  }
  function fromHash() {
    const m = /step=(\d+)/.exec(location.hash);
    return m ? Number(m[1]) : 0;
  }
  $("scrub").max = LAST;
  $("scrub").addEventListener("input", () => go(Number($("scrub").value)));
  $("back").addEventListener("click", () => go(step - 1));
  $("forward").addEventListener("click", () => go(step + 1));
  $("play").addEventListener("click", play);
  $("speed").addEventListener("change", () => { if (timer) { play(); play(); } });
  window.addEventListener("hashchange", () => go(fromHash()));
  document.addEventListener("keydown", (e) => {
    if (e.target.tagName === "INPUT" && e.target.type !== "range") return;
    if (e.key === " ") { e.preventDefault(); play(); }
    else if (e.key === "ArrowRight") { e.preventDefault(); go(step + 1); }
    else if (e.key === "ArrowLeft") { e.preventDefault(); go(step - 1); }
  });
  go(fromHash());
})();
