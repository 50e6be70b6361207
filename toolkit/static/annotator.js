// Summit Ledger annotator: the article view (an anywidget front-end).
//
// The article is drawn as text nodes only (textContent, never innerHTML), one
// <span data-start=...> per run of text covered by the same annotations. A
// selection's anchor and focus are mapped back to document offsets through
// those data-start attributes (UTF-16 code units, like JS strings); Python
// converts them to code points. Nothing here decides anything: every event is
// forwarded to Python as a message.

function runOf(box, node) {
  let el = node && node.nodeType === 3 ? node.parentElement : node;
  while (el && el !== box && !(el.dataset && el.dataset.start !== undefined)) el = el.parentElement;
  return el && el !== box ? el : null;
}

// Document offset (UTF-16) of a DOM point inside the text box, or null if outside.
function offsetOf(box, total, node, offset) {
  if (!node || !box.contains(node)) return null;
  if (node === box) {
    const child = box.childNodes[offset];
    return child && child.dataset ? Number(child.dataset.start) : total;
  }
  const run = runOf(box, node);
  if (!run) return null;
  const start = Number(run.dataset.start);
  if (node.nodeType === 3) return start + offset;
  // an element point: offset counts child nodes
  return offset === 0 ? start : start + run.textContent.length;
}

function render({ model, el }) {
  el.classList.add("sl-annotator-view");
  const box = document.createElement("div");
  box.className = "sl-text";
  box.tabIndex = 0;
  box.setAttribute("role", "document");
  box.setAttribute("aria-label", "Article text: select words with the mouse to code them");
  // keep JupyterLab's notebook shortcuts (a, b, d d, 1-6 ...) away from our keys
  box.setAttribute("data-lm-suppress-shortcuts", "true");
  el.appendChild(box);

  function draw() {
    const text = model.get("text");
    const runs = model.get("runs");
    const frag = document.createDocumentFragment();
    for (const r of runs) {
      const span = document.createElement("span");
      span.className = "sl-run";
      span.dataset.start = String(r.s);
      if (r.n) {
        span.classList.add("sl-hl", "sl-" + r.stance);
        span.title = r.n + " annotation" + (r.n > 1 ? "s" : "") + ": click to open";
        if (r.sel) span.classList.add("sl-selected");
      }
      if (r.mark) span.classList.add("sl-draft");
      span.textContent = text.slice(r.s, r.e);
      frag.appendChild(span);
    }
    box.replaceChildren(frag);
  }

  function onMouseUp(ev) {
    const sel = window.getSelection();
    const total = model.get("text").length;
    if (!sel || sel.rangeCount === 0) return;
    const touches = box.contains(sel.anchorNode) || box.contains(sel.focusNode);
    if (!touches) return;
    if (sel.isCollapsed) {
      const run = runOf(box, ev.target);
      if (run && run.classList.contains("sl-hl")) {
        model.send({ type: "click", at: Number(run.dataset.start) });
      }
      return;
    }
    const a = offsetOf(box, total, sel.anchorNode, sel.anchorOffset);
    const b = offsetOf(box, total, sel.focusNode, sel.focusOffset);
    model.send({ type: "select", start: a, end: b });
  }

  function onKey(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key.length === 1 || ev.key === "Enter" || ev.key === "Escape") {
      ev.stopPropagation();
      ev.preventDefault();
      model.send({ type: "key", key: ev.key });
    }
  }

  box.addEventListener("keydown", onKey);
  document.addEventListener("mouseup", onMouseUp);
  model.on("change:text", draw);
  model.on("change:runs", draw);
  draw();
  return () => {
    document.removeEventListener("mouseup", onMouseUp);
    box.removeEventListener("keydown", onKey);
  };
}

export default { render };
