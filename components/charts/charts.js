// symbreak chart grid, the part Streamlit sends with every rerun: it loads the grid itself
// (static/charts-grid.js) once per page and hands it each render. Keeping this part small keeps every
// live refresh small: Streamlit sends a component's script along with its data each time.
const GRID_URL = "./app/static/charts-grid.js";
let grid = null, loading = null;

export default function (component) {
  if (grid) return grid(component);
  loading = loading || import(new URL(GRID_URL, document.baseURI).href).then(m => (grid = m.default));
  let cleanup = null;  // the grid's own, once it has drawn this render
  const drawn = loading.then(draw => { cleanup = draw(component); }, err => {
    loading = null;  // the next render tries again
    component.parentElement.textContent = `The charts could not be loaded (${err.message}); they try again on the next change.`;
  });
  return () => drawn.then(() => cleanup && cleanup());
}
