// symbreak chart grid: draws rows of Plotly figures and redraws them in place with Plotly.react.
// Loaded once per page by components/charts/charts.js (a Streamlit v2 component, no iframe), so the
// component's own message stays small on every refresh.
//   data.rows = [[{id, w: flex weight, h: height in px, key: a key chart}, ...], ...]
//   data.msg  = {epoch, base, charts: {id: patch or null}}: each chart's changes since the message `base`
//               (ui/transport.py writes it and describes the format).
//   data.panel = {numbers: [[label, value, help], ...], note, error, more, foot, side} (optional): the numbers
//               and words drawn with the charts (ui.Panel; note, more and foot are escaped HTML), sent whole.
//   data.live  = {url, t, g, every} (optional): the grid fetches the next frames itself (see "Live feed" below).
// A grid that does not hold `base` (it remounted with no memory, or missed a message) asks the server for
// the full picture with the trigger "resync" and keeps showing what it has until it arrives.
// plotly.js is our small bundle (core, bar, histogram, heatmap, contour, table) in static/, loaded when a grid
// first has charts.
const PLOTLY_URL = "./app/static/plotly-symbreak.min.js";
const grids = new WeakMap();  // parentElement -> its drawing state (the divs), kept across reruns
const held = new Map();  // component key -> {epoch, charts: {id: figure}, codes: Map(path -> typed array)}
let plotly = null;
const RESYNC_AGAIN_MS = 2000;  // a grid that asked for the full picture asks again after this long without it

function loadPlotly() {
  if (!plotly) plotly = new Promise((done, fail) => {
    if (window.Plotly) return done();
    const s = document.createElement("script");
    s.src = new URL(PLOTLY_URL, document.baseURI).href;
    s.async = true;
    s.onload = () => done();
    s.onerror = () => {  // forget the failure: the next data update tries again
      s.remove();
      plotly = null;
      fail(new Error("plotly.js did not load"));
    };
    document.head.appendChild(s);
  });
  return plotly;
}

// ---- Decoding the transport (ui/transport.py) ----
const TYPES = {f4: Float32Array, f8: Float64Array, u1: Uint8Array, u2: Uint16Array, i1: Int8Array, i2: Int16Array, i4: Int32Array,
               u4: Uint32Array};

function base64Bytes(text) {
  const bin = atob(text), out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function inflate(bytes) {  // zlib (RFC 1950), as Python's zlib.compress writes it
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function arraysIn(node, out) {  // every {"$a": ...} in a message
  if (node && typeof node === "object") {
    if (node.$a) out.push(node.$a);
    else for (const k in node) arraysIn(node[k], out);
  }
  return out;
}

async function unpack(msg) {  // the bytes of every array, decompressed, before anything is applied
  await Promise.all(arraysIn(msg.charts, []).map(async a => {
    const raw = base64Bytes(a.b);
    a.bytes = a.z ? await inflate(raw) : raw;
  }));
}

function decodeArray(a, path, st) {
  const T = TYPES[a.dt];
  let codes;
  if (a.keep !== undefined) {  // the previous array's first `keep` items, then the new ones
    const tail = new T(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength / T.BYTES_PER_ELEMENT);
    codes = new T(a.keep + tail.length);
    codes.set(st.codes.get(path).subarray(0, a.keep));
    codes.set(tail, a.keep);
  } else if (a.sub) {  // the previous codes plus these, modulo 2**bits (the typed array wraps as Python's did)
    const prev = st.codes.get(path), diff = new T(a.bytes.buffer, a.bytes.byteOffset, prev.length);
    codes = new T(prev.length);
    for (let i = 0; i < codes.length; i++) codes[i] = prev[i] + diff[i];
  } else if (a.xor) {  // the previous array's bytes XOR these
    const prev = st.codes.get(path);
    const before = new Uint8Array(prev.buffer, prev.byteOffset, prev.byteLength), out = new Uint8Array(a.bytes.length);
    for (let i = 0; i < out.length; i++) out[i] = before[i] ^ a.bytes[i];
    codes = new T(out.buffer);
  } else {
    codes = new T(a.bytes.slice().buffer);
  }
  st.codes.set(path, codes);
  let values = codes;
  if (a.q) {  // value = lo + code * step; the top code is NaN
    const [lo, step] = a.q, top = 2 ** (8 * T.BYTES_PER_ELEMENT) - 1;
    values = new Float64Array(codes.length);
    for (let i = 0; i < codes.length; i++) values[i] = codes[i] === top ? NaN : lo + codes[i] * step;
  }
  if (a.sh) {  // rows of a matrix, as plotly.js reads z
    const [n, m] = a.sh, rows = new Array(n);
    for (let i = 0; i < n; i++) rows[i] = values.subarray(i * m, (i + 1) * m);
    return rows;
  }
  return values;
}

function whole(v, path, st) {
  if (v === null || typeof v !== "object") return v;
  if (v.$a) return decodeArray(v.$a, path, st);
  if (Array.isArray(v)) return v.map((x, i) => whole(x, path + "." + i, st));
  const out = {};
  for (const k in v) out[k] = whole(v[k], path + "." + k, st);
  return out;
}

function apply(old, p, path, st) {
  if ("$v" in p) return whole(p.$v, path, st);
  if (p.$p) {
    const out = Object.assign({}, old);
    for (const k in p.$p) out[k] = apply(old ? old[k] : undefined, p.$p[k], path + "." + k, st);
    for (const k of p.$x || []) delete out[k];
    return out;
  }
  if (p.$l) {
    const out = old.slice();
    for (const i in p.$l) out[+i] = apply(old[+i], p.$l[i], path + "." + i, st);
    return out;
  }
  return decodeArray(p.$a, path, st);
}

// Apply one message to what the grid holds; false when it builds on a message this grid never saw.
function receive(st, msg) {
  if (msg.epoch === st.epoch) return true;  // the same message again (a render of unchanged data)
  if (msg.base !== null && msg.base !== st.epoch) return false;
  const charts = {};
  for (const id in msg.charts) {
    const p = msg.charts[id];
    charts[id] = p === null ? st.charts[id] : apply(st.charts[id], p, id, st);
  }
  st.charts = charts;
  st.epoch = msg.epoch;
  return true;
}

// ---- Drawing ----
// Each chart offers one button, on hover: Plotly's own "Download plot as a PNG", at a projector's resolution. The
// PNG is EXPORT_PX wide and keeps the chart's shape: laid out at the chart's width on screen (at least
// EXPORT_LAYOUT_MIN_PX, as a phone's narrow layout would come out in huge type) and scaled up.
const EXPORT_PX = 1920, EXPORT_LAYOUT_MIN_PX = 640;
// The button takes as little of the title's line as it can (24 px from the right edge): a long title on a phone
// reaches almost to the edge.
const MODEBAR_CSS = ".sb-grid .modebar { right: 0 !important; } "
  + ".sb-grid .modebar-group { padding-left: 0 !important; }";
// A panel (numbers and words) stands above the charts, or beside them (side: a projector). Below 640 px, where
// Streamlit stacks columns too, it stands between the first row of charts and the rest, so that a phone shows a
// chart on its first screen: the charts' box then lets its rows take part in the grid's own order.
const PANEL_CSS = `
.sb-grid.sb-has-panel { display: flex; flex-direction: column; }
.sb-grid.sb-has-panel > .sb-charts { display: contents; }
.sb-has-panel .sb-panel { order: 0; margin-bottom: 16px; display: flex; gap: 2rem; align-items: flex-start; }
.sb-has-panel .sb-row, .sb-has-panel .sb-foot { order: 2; }
.sb-has-panel .sb-row.sb-first { order: 1; }
.sb-panel .sb-numbers { flex: 2; display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; position: relative; }
.sb-panel .sb-words { flex: 3; min-width: 0; }
.sb-number-label { font-size: 0.875rem; line-height: 1.4; display: flex; align-items: center; gap: 0.3rem; }
.sb-number-value { font-size: 1.75rem; line-height: 1.25; white-space: nowrap; }
.sb-help { display: inline-flex; width: 1.05em; height: 1.05em; border-radius: 50%; border: 1.5px solid currentColor;
  font-size: 0.75rem; font-weight: 600; align-items: center; justify-content: center; cursor: help; opacity: 0.75; }
.sb-tip { display: none; position: absolute; left: 0; top: 100%; z-index: 10; max-width: min(26rem, 92vw);
  padding: 0.5rem 0.75rem; border-radius: 0.5rem; background: #111; color: #fff; font-size: 0.875rem;
  line-height: 1.4; }
.sb-help:hover + .sb-tip, .sb-help:focus + .sb-tip { display: block; }
.sb-note { padding: 1rem; border-radius: 0.5rem; background: rgba(28, 131, 225, 0.1); color: rgb(0, 66, 128);
  line-height: 1.5; }
.sb-note.sb-error { background: rgba(255, 43, 43, 0.09); color: rgb(125, 53, 59); }
.sb-more { margin-top: 0.25rem; }
.sb-more summary { cursor: pointer; font-size: 0.875rem; opacity: 0.85; }
.sb-more[open] summary { margin-bottom: 0.25rem; }
.sb-foot { font-size: 0.875rem; opacity: 0.75; margin-top: -8px; margin-bottom: 8px; }
.sb-foot:empty { display: none; }
@media (min-width: 641px) {
  .sb-grid.sb-side { display: grid; grid-template-columns: 1.1fr 3fr; column-gap: 2rem; align-items: start; }
  .sb-grid.sb-side > .sb-charts { display: block; min-width: 0; }
  .sb-side .sb-panel { flex-direction: column; gap: 1rem; align-items: stretch; }
}
@media (max-width: 640px) {
  .sb-has-panel .sb-row.sb-first { order: 0; }
  .sb-has-panel .sb-panel { order: 1; flex-direction: column; gap: 1rem; align-items: stretch; }
}`;
document.head.appendChild(Object.assign(document.createElement("style"), {textContent: MODEBAR_CSS + PANEL_CSS}));

function fileName(fig) {  // "symbreak_hidden_units" from the chart's title
  const title = (fig.layout.title && fig.layout.title.text) || "chart";
  const words = title.replace(/<[^>]*>/g, " ").toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return "symbreak_" + (words.slice(0, 60) || "chart");
}

function plotConfig(div, fig) {
  const width = Math.max(div.clientWidth, EXPORT_LAYOUT_MIN_PX);
  return {displayModeBar: "hover", modeBarButtons: [["toImage"]], displaylogo: false, responsive: true,
          toImageButtonOptions: {format: "png", filename: fileName(fig), width, height: fig.layout.height || 400,
                                 scale: EXPORT_PX / width}};
}

function build(g, rows) {  // (re)build the cells only when the grid's shape changes
  const shape = JSON.stringify(rows.map(r => r.map(c => [c.w, c.h])));
  if (shape === g.shape) return;
  if (window.Plotly) g.charts.querySelectorAll(".js-plotly-plot").forEach(div => Plotly.purge(div));
  g.charts.replaceChildren();
  g.cells = rows.map((r, i) => {
    const row = document.createElement("div");
    row.className = i ? "sb-row" : "sb-row sb-first";
    const cells = r.map(c => {
      const cell = document.createElement("div");
      cell.className = "sb-cell";
      cell.style.flex = String(c.w);
      cell.style.height = c.h + "px";
      row.appendChild(cell);
      return cell;
    });
    g.charts.appendChild(row);
    return cells;
  });
  g.charts.appendChild(g.foot);
  g.drawn = new Map();
  g.shape = shape;
}

function plain(layout) {  // plotly.js writes computed ranges into the layout it is given: give it a copy
  return JSON.parse(JSON.stringify(layout));
}

async function draw(g) {  // draw the newest figures; figures that arrive meanwhile replace the pending ones
  if (g.busy) return;
  g.busy = true;
  try {
    while (g.pending) {
      const figs = g.pending;
      g.pending = null;
      if (figs.length) await loadPlotly();  // an empty grid needs no plotly.js
      if (g.pending) continue;  // newer data arrived while plotly.js loaded
      let complete = true;
      cells: for (let i = 0; i < figs.length; i++) for (let j = 0; j < figs[i].length; j++) {
        if (g.pending) {  // newer data arrived: draw that instead
          complete = false;
          break cells;
        }
        const div = g.cells[i] && g.cells[i][j], fig = figs[i][j];
        if (!div || !fig || g.drawn.get(div) === fig) continue;  // unchanged figure: nothing to do
        try {
          if (!g.drawn.has(div)) div.replaceChildren();  // a first draw, or one after an error message
          await Plotly.react(div, fig.data, plain(fig.layout), plotConfig(div, fig));
          g.drawn.set(div, fig);
        } catch (err) {
          if (window.Plotly) Plotly.purge(div);  // the next data draws it afresh
          div.textContent = `This chart could not be drawn: ${err}`;
          g.drawn.delete(div);
        }
      }
      if (complete) g.root.dataset.draws = String(++g.draws);  // whole grids drawn (read by tests, benchmarks)
    }
  } catch (err) {
    g.charts.textContent = `The charts could not be drawn (${err.message}); they try again on the next change.`;
    g.shape = "";
  } finally {
    g.busy = false;
  }
}

// ---- The panel: numbers and words, drawn whole at every render, changing only what changed ----
function el(tag, className, testid) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (testid) e.dataset.testid = testid;
  return e;
}

function setText(e, text) {
  if (e.textContent !== text) e.textContent = text;
}

function setHTML(e, html) {
  if (e.__html !== html) {
    e.innerHTML = html;
    e.__html = html;
  }
}

function labelsOf(numbers) {  // what decides the numbers' boxes: their labels and help, not their values
  return JSON.stringify(numbers.map(n => [n[0], n[2]]));
}

function numbersBox(numbers) {  // the numbers' boxes, with a help mark and its tip where there is help
  const box = el("div", "sb-numbers");
  box.__labels = labelsOf(numbers);
  for (const [label, , help] of numbers) {
    const item = el("div", "sb-number", "sbNumber"), head = el("div", "sb-number-label", "sbNumberLabel");
    head.appendChild(Object.assign(el("span"), {textContent: label}));
    if (help) {
      // its tip shows on hover and on focus (a tap on a phone); no title, which would show a second tip
      const mark = Object.assign(el("span", "sb-help"), {textContent: "?", tabIndex: 0});
      mark.setAttribute("role", "img");
      mark.setAttribute("aria-label", "About " + label + ": " + help);
      head.appendChild(mark);
      head.appendChild(Object.assign(el("span", "sb-tip"), {textContent: help}));
    }
    item.appendChild(head);
    item.appendChild(el("div", "sb-number-value", "sbNumberValue"));
    box.appendChild(item);
  }
  return box;
}

function drawPanel(g, p) {
  g.root.classList.toggle("sb-has-panel", !!p);
  g.root.classList.toggle("sb-side", !!(p && p.side));
  if (!p) {
    if (g.panel) g.panel.remove();
    g.panel = null;
    setHTML(g.foot, "");
    return;
  }
  if (!g.panel) {
    g.panel = el("div", "sb-panel");
    g.words = el("div", "sb-words");
    g.note = el("div", "sb-note", "sbNote");
    g.note.setAttribute("role", "note");
    g.noteText = el("div");
    g.note.appendChild(g.noteText);
    // the rest of a long note folds inside its box: one line more, not a line under it
    g.more = el("details", "sb-more");
    g.more.appendChild(Object.assign(el("summary"), {textContent: "The whole note"}));
    g.moreText = el("div");
    g.more.appendChild(g.moreText);
    // opened or closed by hand: the box's height starts afresh (a closed note leaves no empty space behind)
    g.more.addEventListener("toggle", () => { g.wordsKey = null; keepTallest(g, g.shownPanel); });
    g.words.appendChild(g.note);
    g.numbers = numbersBox([]);
    g.panel.append(g.numbers, g.words);
    g.root.insertBefore(g.panel, g.charts);
  }
  if (g.numbers.__labels !== labelsOf(p.numbers)) {  // other labels: new boxes
    const fresh = numbersBox(p.numbers);
    g.numbers.replaceWith(fresh);
    g.numbers = fresh;
  }
  const values = g.numbers.querySelectorAll(".sb-number-value");
  p.numbers.forEach((n, i) => setText(values[i], n[1]));
  // beside the charts the words come first, then the numbers; above them the numbers stand to the left
  if (p.side !== (g.panel.firstChild === g.words)) {
    g.panel.insertBefore(p.side ? g.words : g.numbers, g.panel.firstChild);
  }
  setHTML(g.noteText, p.note);
  g.note.classList.toggle("sb-error", !!p.error);
  if (p.more) {
    setHTML(g.moreText, p.more);
    if (!g.more.isConnected) g.note.appendChild(g.more);
  } else if (g.more.isConnected) g.more.remove();
  setHTML(g.foot, p.foot || "");
  keepTallest(g, p);
}

// The words' box keeps the tallest height it has had for this run (p.run) at this width, so that the charts under
// it do not move up and down as a playing run's note gets a line shorter or longer; another run or width starts
// afresh from the note's own height.
function keepTallest(g, p) {
  g.shownPanel = p;
  const key = `${p.run || ""}|${g.words.clientWidth}|${!!p.side}`;
  if (g.wordsKey !== key) {
    g.wordsKey = key;
    g.wordsTallest = 0;
    g.words.style.minHeight = "";
  }
  const h = g.note.offsetHeight;
  if (h > g.wordsTallest) {
    g.wordsTallest = h;
    g.words.style.minHeight = `${h}px`;
  }
}

function payload(data) {  // ui/charts.py sends compact JSON as bytes; Streamlit hands them over as they came
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return JSON.parse(new TextDecoder().decode(data));
  return data;
}

// ---- Live feed (ui/live.py) ----
// While a run plays on a server that answers the live feed, the grid's data carries live = {url, t, g, every}: the
// grid fetches each next frame itself, at the fair pace the server gives, instead of waiting for a rerun. Frames come
// in the same format as a render's data. A frame also gives the page's moment (the step), which goes into the
// address bar, so a reload or a copied address opens the run there. A render without live, another generation, or
// the grid leaving the page stops the loop; a frame that says the run ended asks the page to be drawn again.
// If the session is gone (its replica died) the page reloads its address, which carries the step of the last frame:
// Streamlit's own reconnection would reopen the run at the step its server last wrote, before the feed's frames.
// A render that comes while the feed's last request failed is such a reconnection too.
// While the page is hidden (another tab, a minimised window, a phone's locked screen) the feed asks for no frame:
// the run waits where it is, as nobody watches it, and goes on when the page is seen again. The server then counts
// it as not playing, so the pace it gives the others is faster.
const FEED_RETRY_MAX_S = 5;  // after a failed request the feed waits twice as long as before, up to this

function whenSeen(go) {  // go() now if the page is seen, else once it is
  if (!document.hidden) return go();
  const seen = () => {
    if (document.hidden) return;
    document.removeEventListener("visibilitychange", seen);
    go();
  };
  document.addEventListener("visibilitychange", seen);
}

function setMoment(moment) {  // [name, value, default]: the value in the address bar, dropped at its default
  const [name, value, dflt] = moment;
  const re = new RegExp(`([?&])${name}=[^&]*`);
  let q = location.search;
  if (value === dflt) q = q.replace(re, (m, sep) => (sep === "?" ? "?" : "")).replace("?&", "?");
  else if (re.test(q)) q = q.replace(re, `$1${name}=${value}`);
  else q = `${q}${q ? "&" : "?"}${name}=${value}`;
  if (q === "?") q = "";
  if (q !== location.search) history.replaceState(history.state, "", location.pathname + q + location.hash);
}

function follow(g, st, live) {
  const id = live ? `${live.t}/${live.g}` : null;
  if (g.feed === id) return;
  g.feed = id;
  clearTimeout(g.feedTimer);
  if (!live) return;
  let every = live.every, retry = live.every;
  const url = new URL(live.url, document.baseURI);
  const tick = async () => {
    if (g.feed !== id) return;
    if (document.hidden) return whenSeen(tick);
    const began = performance.now();
    let wait = every;
    try {
      await g.queue;  // what the grid holds (st.epoch) once every earlier message is applied
      url.search = new URLSearchParams({t: live.t, g: live.g, have: st.epoch === null ? "" : st.epoch});
      const res = await fetch(url, {cache: "no-store", credentials: "same-origin"});
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const sent = await res.json();
      if (g.feed !== id) return;
      g.lost = false;
      if (sent.stop) {  // gone: the session is; ended: the frame could not be drawn, so the page draws itself again
        g.feed = null;
        if (sent.gone) location.reload();
        else if (sent.ended) g.trigger("ended", live.g);
        return;
      }
      every = retry = sent.every || every;
      if (!sent.msg) {  // asked too soon: no frame, ask again after `every`
        g.feedTimer = setTimeout(tick, every * 1000);
        return;
      }
      show(g, st, sent);
      if (sent.moment) setMoment(sent.moment);
      if (sent.ended) {
        g.feed = null;
        g.trigger("ended", live.g);
        return;
      }
      await g.queue;  // drawn before the next frame is asked for
    } catch (err) {  // the server did not answer (a replica restarting): try again, less and less often
      g.lost = true;
      retry = Math.min(retry * 2, FEED_RETRY_MAX_S);
      wait = retry;
    }
    if (g.feed === id) g.feedTimer = setTimeout(tick, Math.max(0, wait * 1000 - (performance.now() - began)));
  };
  tick();
}

function show(g, st, sent) {  // one render's or frame's data: the panel at once, the charts in order
  const rows = (sent && sent.rows) || [], msg = sent && sent.msg;
  drawPanel(g, sent && sent.panel);  // whole in every render: at once, whatever the charts are waiting for
  // Messages are applied one after another, in the order they came: each builds on the one before.
  g.queue = g.queue.then(async () => {
    if (msg) {
      await unpack(msg);
      if (!receive(st, msg)) {
        st.epoch = null;  // hold nothing the server could build on until the full picture arrives
        const now = Date.now();
        if (now - st.asked > RESYNC_AGAIN_MS) {  // once, and again only if the answer seems lost
          st.asked = now;
          g.trigger("resync", msg.epoch);
        }
        return;
      }
      if (msg.base === null) st.asked = 0;
    }
    build(g, rows);
    // a page's key charts (those a presenter screen must show whole) carry the class sb-key
    rows.forEach((r, i) => r.forEach((c, j) => g.cells[i] && g.cells[i][j] &&
      g.cells[i][j].classList.toggle("sb-key", !!c.key)));
    g.pending = rows.map(r => r.map(c => st.charts[c.id]));
    draw(g);
  }).catch(err => {
    g.charts.textContent = `The charts could not be read (${err.message}); they try again on the next change.`;
    g.shape = "";
  });
}

export default function (component) {
  const {data, parentElement, key, setTriggerValue} = component;
  let g = grids.get(parentElement);
  if (!g) {
    const root = el("div", "sb-grid"), charts = el("div", "sb-charts"), foot = el("div", "sb-foot", "sbFoot");
    root.dataset.draws = "0";
    root.appendChild(charts);
    parentElement.appendChild(root);
    g = {root, charts, foot, panel: null, shape: "", cells: [], drawn: new Map(), pending: null, busy: false, draws: 0,
         queue: Promise.resolve(), feed: null, feedTimer: null, trigger: null, lost: false};
    grids.set(parentElement, g);
  }
  if (!held.has(key)) held.set(key, {epoch: null, charts: {}, codes: new Map(), asked: 0});
  const st = held.get(key);
  const sent = payload(data);
  g.trigger = setTriggerValue;  // the newest render's: the feed's frames answer to it too
  if (g.lost && g.feed) {  // Streamlit reconnected while the feed was failing: reopen at the feed's step
    location.reload();
    return () => {};
  }
  show(g, st, sent);
  follow(g, st, sent && sent.live);
  // Streamlit calls this when the component unmounts (and, for a superseded render, while it is still
  // mounted): once the grid has left the page, stop its feed and free its plots, whose resize listeners would
  // keep them alive.
  return () => setTimeout(() => {
    if (parentElement.isConnected || grids.get(parentElement) !== g) return;
    g.feed = null;
    clearTimeout(g.feedTimer);
    g.pending = null;
    if (window.Plotly) g.root.querySelectorAll(".js-plotly-plot").forEach(div => Plotly.purge(div));
    g.root.replaceChildren();
    grids.delete(parentElement);
  }, 0);
}
