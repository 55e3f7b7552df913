// symbreak chart grid: a Streamlit v2 component (no iframe) that draws rows of Plotly figures and
// redraws them in place with Plotly.react whenever the Python side sends new data.
//   data.rows = [[{fig: figure JSON text, w: flex weight, h: height in px}, ...], ...]
// plotly.js is our small bundle (core, bar, heatmap, contour; see build_plotly.sh) in static/ beside app.py,
// served by Streamlit's static file serving. It is loaded once per page, when a grid first has charts to draw.
const PLOTLY_URL = "./app/static/plotly-symbreak.min.js";
const grids = new WeakMap();  // parentElement -> its grid state, kept across reruns
let plotly = null;

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

function build(g, rows) {  // (re)build the cells only when the grid's shape changes
  const shape = JSON.stringify(rows.map(r => r.map(c => [c.w, c.h])));
  if (shape === g.shape) return;
  if (window.Plotly) g.root.querySelectorAll(".js-plotly-plot").forEach(div => Plotly.purge(div));
  g.root.replaceChildren();
  g.cells = rows.map(r => {
    const row = document.createElement("div");
    row.className = "sb-row";
    const cells = r.map(c => {
      const cell = document.createElement("div");
      cell.className = "sb-cell";
      cell.style.flex = String(c.w);
      cell.style.height = c.h + "px";
      row.appendChild(cell);
      return cell;
    });
    g.root.appendChild(row);
    return cells;
  });
  g.drawn = new Map();
  g.shape = shape;
}

async function draw(g) {  // draw the newest rows; rows that arrive meanwhile replace the pending ones
  if (g.busy) return;
  g.busy = true;
  try {
    while (g.pending) {
      const rows = g.pending;
      g.pending = null;
      if (rows.length) await loadPlotly();  // an empty grid needs no plotly.js
      if (g.pending) continue;  // newer data arrived while plotly.js loaded
      let complete = true;
      cells: for (let i = 0; i < rows.length; i++) for (let j = 0; j < rows[i].length; j++) {
        if (g.pending) {  // newer data arrived: draw that instead
          complete = false;
          break cells;
        }
        const div = g.cells[i] && g.cells[i][j], text = rows[i][j].fig;
        if (!div || g.drawn.get(div) === text) continue;  // unchanged figure: nothing to do
        try {
          const fig = JSON.parse(text);
          if (!g.drawn.has(div)) div.replaceChildren();  // a first draw, or one after an error message
          await Plotly.react(div, fig.data, fig.layout, {displayModeBar: false, responsive: true});
          g.drawn.set(div, text);
        } catch (err) {
          if (window.Plotly) Plotly.purge(div);  // the next data draws it afresh
          div.textContent = `This chart could not be drawn: ${err}`;
          g.drawn.delete(div);
        }
      }
      if (complete) g.root.dataset.draws = String(++g.draws);  // whole grids drawn (read by tests, benchmarks)
    }
  } catch (err) {
    g.root.textContent = `The charts could not be drawn (${err.message}); they try again on the next change.`;
    g.shape = "";
  } finally {
    g.busy = false;
  }
}

export default function (component) {
  const {data, parentElement} = component;
  let g = grids.get(parentElement);
  if (!g) {
    const root = document.createElement("div");
    root.className = "sb-grid";
    root.dataset.draws = "0";
    parentElement.appendChild(root);
    g = {root, shape: "", cells: [], drawn: new Map(), pending: null, busy: false, draws: 0};
    grids.set(parentElement, g);
  }
  const rows = (data && data.rows) || [];
  build(g, rows);
  // a page's key charts (those a presenter screen must show whole) carry the class sb-key
  rows.forEach((r, i) => r.forEach((c, j) => g.cells[i] && g.cells[i][j] &&
    g.cells[i][j].classList.toggle("sb-key", !!c.key)));
  g.pending = rows;
  draw(g);
  // Streamlit calls this when the component unmounts (and, for a superseded render, while it is still
  // mounted): once the grid has left the page, free its plots, whose resize listeners would keep them alive.
  return () => setTimeout(() => {
    if (parentElement.isConnected || grids.get(parentElement) !== g) return;
    g.pending = null;
    if (window.Plotly) g.root.querySelectorAll(".js-plotly-plot").forEach(div => Plotly.purge(div));
    g.root.replaceChildren();
    grids.delete(parentElement);
  }, 0);
}
