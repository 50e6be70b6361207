// Summit Ledger annotator: the article view (an anywidget front-end).
//
// The article is drawn as text nodes only (textContent, never innerHTML), one
// <span data-start=...> per run of text covered by the same annotations. Runs
// arrive from Python as messages: the whole list ("runs"), then patches that
// replace only the runs an action changed ("patch", applied in order; a view
// that missed one asks for the whole list again). The pending selection and
// the annotation being edited are the "overlay" trait, drawn without touching
// the text. A selection's anchor and focus are mapped back to document offsets
// through the data-start attributes (UTF-16 code units, like JS strings);
// Python converts them to code points. Nothing here decides anything: every
// event is forwarded to Python as a message.

const drafts = new Map(); // view -> Range of its pending selection (one CSS highlight for the page)

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
  let seq = -1;
  let spans = [];
  const key = {};

  function spanFor(r, text) {
    const span = document.createElement("span");
    span.className = "sl-run";
    span.dataset.start = String(r.s);
    span.dataset.end = String(r.e);
    if (r.n) {
      span.classList.add("sl-hl", "sl-" + r.stance);
      span.title = r.n + " annotation" + (r.n > 1 ? "s" : "") + ": click to open";
    }
    span.textContent = text.slice(r.s, r.e);
    return span;
  }

  function indexAt(off) { // last run starting at or before off
    let lo = 0, hi = spans.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (Number(spans[mid].dataset.start) <= off) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function pointAt(off) {
    const span = spans[indexAt(off)];
    const node = span.firstChild || span;
    return [node, Math.min(off - Number(span.dataset.start), node.nodeType === 3 ? node.length : 0)];
  }

  function drawOverlay() {
    const ov = model.get("overlay") || {};
    for (const s of box.querySelectorAll(".sl-selected")) s.classList.remove("sl-selected");
    for (const s of box.querySelectorAll(".sl-draft")) s.classList.remove("sl-draft");
    drafts.delete(key);
    if (spans.length && ov.sel) {
      for (let i = indexAt(ov.sel[0]); i < spans.length && Number(spans[i].dataset.start) < ov.sel[1]; i++) {
        spans[i].classList.add("sl-selected");
      }
    }
    if (spans.length && ov.mark) {
      if (typeof Highlight !== "undefined" && window.CSS && CSS.highlights) {
        const range = document.createRange();
        range.setStart(...pointAt(ov.mark[0]));
        range.setEnd(...pointAt(ov.mark[1]));
        drafts.set(key, range);
      } else {
        for (let i = indexAt(ov.mark[0]); i < spans.length && Number(spans[i].dataset.start) < ov.mark[1]; i++) {
          spans[i].classList.add("sl-draft");
        }
      }
    }
    if (window.CSS && CSS.highlights && typeof Highlight !== "undefined") {
      CSS.highlights.set("sl-draft", new Highlight(...drafts.values()));
    }
  }

  function onMessage(msg) {
    if (!msg || (msg.type !== "runs" && msg.type !== "patch")) return;
    const text = model.get("text");
    if (msg.type === "runs") {
      spans = msg.runs.map((r) => spanFor(r, text));
      box.replaceChildren(...spans);
    } else {
      if (msg.base !== seq) { model.send({ type: "ready" }); return; }
      const fresh = msg.runs.map((r) => spanFor(r, text));
      const before = spans[msg.at + msg.remove] || null;
      for (const old of spans.slice(msg.at, msg.at + msg.remove)) old.remove();
      for (const s of fresh) box.insertBefore(s, before);
      spans.splice(msg.at, msg.remove, ...fresh);
    }
    seq = msg.seq;
    drawOverlay();
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
  model.on("msg:custom", onMessage);
  model.on("change:overlay", drawOverlay);
  model.send({ type: "ready" }); // ask for the whole list of runs
  return () => {
    document.removeEventListener("mouseup", onMouseUp);
    box.removeEventListener("keydown", onKey);
    model.off("msg:custom", onMessage);
    model.off("change:overlay", drawOverlay);
    drafts.delete(key);
  };
}

export default { render };
