// The browser side of the trajectory panel: builds the tree from the events the extension sends, draws only the
// rows on screen (a virtual list), and posts 'open' when a located node or a citation is clicked.
import './litNonce';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import './styles.css';
import { decodeEvents, type FromWebview, type PanelInfo, type ToWebview } from '../protocol';
import { TrajectoryTree, type TreeNode } from '../model/tree';
import { Expansion, visibleRows, type Row } from '../model/rows';
import { labelOf, locationOf } from '../model/labels';
import { summarize } from '../model/summary';
import { answerHtml, detailHtml, headerHtml } from '../render/views';
import type { SafeHtml } from '../render/html';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
}
interface SavedState {
  info?: PanelInfo;
  selectedId?: string;
  query?: string;
  /** The details pane: hidden by the user, and its share of the panel (0-1). */
  detailHidden?: boolean;
  detailShare?: number;
}
declare function acquireVsCodeApi(): VsCodeApi;

const ROW_HEIGHT = 22;
const OVERSCAN = 10;
const INDENT = 16;
/** From this width on the details sit beside the tree, not under it. */
const WIDE_PX = 860;
const MIN_SHARE = 0.15;
const MAX_SHARE = 0.75;

const vscode = acquireVsCodeApi();
const saved: SavedState = vscode.getState() ?? {};

// The skeleton holds no data, so it can be markup; everything from the trajectory goes through `html` or textContent.
document.body.innerHTML = `
<header id="header" class="header" aria-live="polite"></header>
<div id="notice" class="notice" hidden></div>
<vscode-collapsible id="answer-box" heading="Answer"><div id="answer" class="markdown"></div></vscode-collapsible>
<div class="toolbar" role="toolbar">
  <vscode-textfield id="filter" placeholder="Filter steps" aria-label="Filter steps"><span slot="content-before" class="codicon codicon-filter"></span></vscode-textfield>
  <span id="count" class="count"></span>
  <vscode-toolbar-button id="expand-all" icon="expand-all" label="Expand all" title="Expand all"></vscode-toolbar-button>
  <vscode-toolbar-button id="collapse-all" icon="collapse-all" label="Collapse all" title="Collapse all"></vscode-toolbar-button>
  <vscode-toolbar-button id="toggle-detail" icon="layout-sidebar-right" label="Show or hide details" title="Show or hide details" toggleable></vscode-toolbar-button>
  <vscode-toolbar-button id="export" icon="export" label="Export trajectory" title="Export trajectory"></vscode-toolbar-button>
  <vscode-toolbar-button id="open-file" icon="folder-opened" label="Open trajectory file" title="Open trajectory file"></vscode-toolbar-button>
  <vscode-toolbar-button id="history" icon="history" label="History" title="History"></vscode-toolbar-button>
  <vscode-toolbar-button id="cancel" icon="debug-stop" label="Cancel run" title="Cancel run" hidden></vscode-toolbar-button>
</div>
<div id="main" class="main">
  <div id="tree" class="tree" role="tree" tabindex="0" aria-label="Trajectory steps"><div id="spacer" class="spacer"></div></div>
  <div id="splitter" class="splitter" role="separator" tabindex="0" aria-label="Resize details" title="Drag to resize the details"></div>
  <div id="detail" class="detail" tabindex="-1" aria-label="Step details"></div>
</div>`;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const headerEl = $('header');
const noticeEl = $('notice');
const answerEl = $('answer');
const treeEl = $('tree');
const spacerEl = $('spacer');
const detailEl = $('detail');
const countEl = $('count');
const filterEl = $<HTMLInputElement>('filter');
const cancelEl = $('cancel');
const mainEl = $('main');
const splitterEl = $('splitter');
const answerBoxEl = $<HTMLElement & { open: boolean }>('answer-box');
const toggleDetailEl = $<HTMLElement & { checked: boolean }>('toggle-detail');

let tree = new TrajectoryTree();
let info: PanelInfo | undefined = saved.info;
let expansion = new Expansion();
let rows: Row[] = [];
let query = saved.query ?? '';
let detailHidden = saved.detailHidden ?? false;
let detailShare = saved.detailShare ?? 0.32;
let selectedId: string | undefined = saved.selectedId;
let drawnVersion = -1;
let drawnSelection: string | undefined;
let framePending = false;
const pool: HTMLDivElement[] = [];

function setHtml(el: HTMLElement, markup: SafeHtml): void {
  el.innerHTML = markup.value;
}

function persist(): void {
  vscode.setState({ info, selectedId, query, detailHidden, detailShare });
}

/**
 * The tree gets the height: the details pane shows only once a step is selected (and not hidden by the user),
 * beside the tree when the panel is wide, under it otherwise, at the share the splitter left it.
 */
function layout(): void {
  const wide = mainEl.clientWidth >= WIDE_PX;
  const shown = !detailHidden && selectedId !== undefined;
  mainEl.classList.toggle('wide', wide);
  detailEl.hidden = !shown;
  splitterEl.hidden = !shown;
  splitterEl.setAttribute('aria-orientation', wide ? 'vertical' : 'horizontal');
  detailEl.style.flex = shown ? `0 0 ${Math.round(detailShare * 100)}%` : '';
  toggleDetailEl.checked = !detailHidden;
}

function setDetailShare(share: number): void {
  detailShare = Math.min(MAX_SHARE, Math.max(MIN_SHARE, share));
  persist();
  layout();
}

splitterEl.addEventListener('pointerdown', (ev) => {
  splitterEl.setPointerCapture(ev.pointerId);
  const move = (e: PointerEvent) => {
    const r = mainEl.getBoundingClientRect();
    setDetailShare(mainEl.classList.contains('wide') ? (r.right - e.clientX) / r.width : (r.bottom - e.clientY) / r.height);
  };
  const up = () => {
    splitterEl.removeEventListener('pointermove', move);
    splitterEl.removeEventListener('pointerup', up);
  };
  splitterEl.addEventListener('pointermove', move);
  splitterEl.addEventListener('pointerup', up);
});
splitterEl.addEventListener('keydown', (ev) => {
  const grow = ev.key === 'ArrowUp' || ev.key === 'ArrowLeft';
  const shrink = ev.key === 'ArrowDown' || ev.key === 'ArrowRight';
  if (!grow && !shrink) return;
  setDetailShare(detailShare + (grow ? 0.05 : -0.05));
  ev.preventDefault();
});
toggleDetailEl.addEventListener('click', () => {
  detailHidden = !detailHidden;
  persist();
  layout();
  reportRendered();
});

/** Tells the extension what is on screen: nodes, rows, and how many rows the tree's height fits. */
function reportRendered(): void {
  post({ type: 'rendered', nodes: tree.size, rows: rows.length, live: Boolean(info?.live && !tree.rootRun?.end), fits: Math.floor(treeEl.clientHeight / ROW_HEIGHT) });
}

function post(message: FromWebview): void {
  vscode.postMessage(message);
}

/** Redraw on the next frame: many batches in one frame cost one redraw. */
function schedule(): void {
  if (framePending) return;
  framePending = true;
  requestAnimationFrame(() => {
    framePending = false;
    draw();
  });
}

function recomputeRows(): void {
  rows = visibleRows(tree, expansion, query);
  spacerEl.style.height = `${rows.length * ROW_HEIGHT}px`;
  countEl.textContent = query ? `${rows.filter((r) => r.match).length} matches` : `${tree.size} steps`;
}

function draw(): void {
  const atBottom = treeEl.scrollTop + treeEl.clientHeight >= treeEl.scrollHeight - ROW_HEIGHT;
  if (drawnVersion !== tree.version) {
    const summary = summarize(tree);
    setHtml(headerEl, headerHtml(summary));
    setHtml(answerEl, answerHtml(tree.rootRun));
    cancelEl.hidden = !(info?.live && summary.live);
    recomputeRows();
    // Follow a live run while the user is looking at its end.
    if (info?.live && atBottom) treeEl.scrollTop = treeEl.scrollHeight;
  }
  drawRows();
  if (drawnVersion !== tree.version || drawnSelection !== selectedId) {
    setHtml(detailEl, detailHtml(selectedId ? tree.get(selectedId) : undefined));
    if (drawnSelection !== selectedId) layout();
    drawnSelection = selectedId;
  }
  if (drawnVersion !== tree.version) reportRendered();
  drawnVersion = tree.version;
}

function rowElement(i: number): HTMLDivElement {
  let el = pool[i];
  if (!el) {
    el = document.createElement('div');
    el.className = 'row';
    el.setAttribute('role', 'treeitem');
    el.id = `row-${i}`;
    const twistie = document.createElement('span');
    const icon = document.createElement('span');
    const label = document.createElement('span');
    label.className = 'label';
    const description = document.createElement('span');
    description.className = 'description';
    const badges = document.createElement('span');
    badges.className = 'badges';
    el.append(twistie, icon, label, description, badges);
    treeEl.appendChild(el);
    pool[i] = el;
  }
  return el;
}

/** Fills the pooled row elements with the rows in view. Text goes in with textContent: never parsed as HTML. */
function drawRows(): void {
  const first = Math.max(0, Math.floor(treeEl.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const count = Math.ceil(treeEl.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
  const last = Math.min(rows.length, first + count);
  let used = 0;
  for (let r = first; r < last; r++, used++) {
    const row = rows[r];
    const el = rowElement(used);
    const node = row.node;
    const l = labelOf(node);
    el.hidden = false;
    el.style.transform = `translateY(${r * ROW_HEIGHT}px)`;
    el.style.paddingLeft = `${4 + row.depth * INDENT}px`;
    el.dataset.row = String(r);
    el.dataset.nodeId = node.id;
    el.dataset.kind = node.kind;
    el.setAttribute('aria-level', String(row.depth + 1));
    el.setAttribute('aria-selected', String(node.id === selectedId));
    if (row.expandable) el.setAttribute('aria-expanded', String(row.expanded));
    else el.removeAttribute('aria-expanded');
    el.classList.toggle('selected', node.id === selectedId);
    el.classList.toggle('match', row.match);
    el.classList.toggle('located', locationOf(node) !== undefined);
    el.classList.toggle('tone-error', l.tone === 'error');
    el.classList.toggle('tone-warning', l.tone === 'warning');
    const [twistie, icon, label, description, badges] = el.children as unknown as HTMLSpanElement[];
    twistie.className = row.expandable ? `twistie codicon codicon-chevron-${row.expanded ? 'down' : 'right'}` : 'twistie';
    icon.className = `icon codicon codicon-${l.icon}`;
    label.textContent = l.label;
    description.textContent = l.description;
    badges.textContent = l.badges.filter(Boolean).join(' · ');
    el.title = locationOf(node) ? `${l.label} (click to open)` : l.label;
  }
  for (let i = used; i < pool.length; i++) pool[i].hidden = true;
  const selectedRow = rows.findIndex((r) => r.node.id === selectedId);
  if (selectedRow >= first && selectedRow < last) treeEl.setAttribute('aria-activedescendant', `row-${selectedRow - first}`);
  else treeEl.removeAttribute('aria-activedescendant');
}

function select(node: TreeNode | undefined, reveal = true): void {
  selectedId = node?.id;
  persist();
  if (reveal && node) {
    const i = rows.findIndex((r) => r.node === node);
    if (i >= 0) {
      const top = i * ROW_HEIGHT;
      if (top < treeEl.scrollTop) treeEl.scrollTop = top;
      else if (top + ROW_HEIGHT > treeEl.scrollTop + treeEl.clientHeight) treeEl.scrollTop = top + ROW_HEIGHT - treeEl.clientHeight;
    }
  }
  draw();
}

function openLocation(node: TreeNode): boolean {
  const loc = locationOf(node);
  if (!loc) return false;
  post({ type: 'open', ...loc });
  return true;
}

function toggle(node: TreeNode): void {
  if (!node.children.length) return;
  if (query) return; // the filter decides what is open while it is on
  expansion.toggle(node);
  recomputeRows();
  draw();
}

treeEl.addEventListener('scroll', () => drawRows(), { passive: true });
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
new ResizeObserver(() => {
  drawRows();
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(reportRendered, 100);
}).observe(treeEl);
new ResizeObserver(() => layout()).observe(mainEl);

treeEl.addEventListener('click', (ev) => {
  const rowEl = (ev.target as HTMLElement).closest<HTMLElement>('.row');
  if (!rowEl) return;
  const node = tree.get(rowEl.dataset.nodeId ?? '');
  if (!node) return;
  treeEl.focus();
  if ((ev.target as HTMLElement).classList.contains('twistie')) {
    select(node, false);
    toggle(node);
    return;
  }
  select(node, false);
  if (!openLocation(node) && ev.detail === 2) toggle(node);
});

treeEl.addEventListener('keydown', (ev) => {
  const i = rows.findIndex((r) => r.node.id === selectedId);
  const row = rows[i];
  const page = Math.max(1, Math.floor(treeEl.clientHeight / ROW_HEIGHT) - 1);
  const go = (to: number) => {
    if (!rows.length) return;
    select(rows[Math.max(0, Math.min(rows.length - 1, to))].node);
  };
  switch (ev.key) {
    case 'ArrowDown':
      go(i < 0 ? 0 : i + 1);
      break;
    case 'ArrowUp':
      go(i < 0 ? 0 : i - 1);
      break;
    case 'Home':
      go(0);
      break;
    case 'End':
      go(rows.length - 1);
      break;
    case 'PageDown':
      go(i + page);
      break;
    case 'PageUp':
      go(i - page);
      break;
    case 'ArrowRight':
      if (!row) go(0);
      else if (row.expandable && !row.expanded) toggle(row.node);
      else if (row.expanded) go(i + 1);
      break;
    case 'ArrowLeft':
      if (!row) go(0);
      else if (row.expanded && !query) toggle(row.node);
      else if (row.node.parent && row.node.parent !== tree.root) select(row.node.parent);
      break;
    case 'Enter':
      // Acted on at keyup: opening the editor moves focus, and a key still down could type into the file.
      enterNode = row?.node;
      break;
    case ' ':
      if (row) toggle(row.node);
      break;
    default:
      return;
  }
  ev.preventDefault();
});

let enterNode: TreeNode | undefined;
treeEl.addEventListener('keyup', (ev) => {
  if (ev.key !== 'Enter' || !enterNode) return;
  const node = enterNode;
  enterNode = undefined;
  ev.preventDefault();
  if (!openLocation(node)) toggle(node);
});

// Citations in the answer and "open" links in the details: one listener for all of them.
document.addEventListener('click', (ev) => {
  const link = (ev.target as HTMLElement).closest<HTMLAnchorElement>('a.citation');
  if (!link) return;
  ev.preventDefault();
  const line = Number(link.dataset.line);
  const endLine = link.dataset.endLine ? Number(link.dataset.endLine) : undefined;
  if (link.dataset.path && Number.isInteger(line) && line >= 1) post({ type: 'open', path: link.dataset.path, line, ...(endLine && endLine >= line ? { endLine } : {}) });
});

let filterTimer: ReturnType<typeof setTimeout> | undefined;
filterEl.addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    query = filterEl.value ?? '';
    persist();
    recomputeRows();
    treeEl.scrollTop = 0;
    draw();
  }, 120);
});
filterEl.addEventListener('keydown', (ev) => {
  if ((ev as KeyboardEvent).key === 'ArrowDown') {
    treeEl.focus();
    if (rows.length) select(rows[0].node);
    ev.preventDefault();
  }
});

$('expand-all').addEventListener('click', () => {
  expansion.expandAll();
  recomputeRows();
  draw();
});
$('collapse-all').addEventListener('click', () => {
  expansion.collapseAll();
  recomputeRows();
  draw();
});
$('export').addEventListener('click', () => post({ type: 'export' }));
$('open-file').addEventListener('click', () => post({ type: 'openFile' }));
$('history').addEventListener('click', () => post({ type: 'showHistory' }));
cancelEl.addEventListener('click', () => post({ type: 'cancel' }));

function showNotice(text: string | undefined): void {
  noticeEl.hidden = !text;
  noticeEl.textContent = text ?? '';
}

window.addEventListener('message', (ev: MessageEvent<ToWebview>) => {
  const msg = ev.data;
  switch (msg?.type) {
    case 'init': {
      const sameSource = JSON.stringify(info?.source) === JSON.stringify(msg.info.source);
      const newFocus = msg.info.focus !== undefined && msg.info.focus !== info?.focus;
      info = msg.info;
      tree = new TrajectoryTree(decodeEvents(msg.events));
      if (!sameSource) {
        expansion = new Expansion();
        selectedId = undefined;
        query = '';
        filterEl.value = '';
        // The answer panel already shows this answer: keep this copy folded until asked for.
        answerBoxEl.open = !info.answerElsewhere;
      }
      // A session opened on one of its questions: that one open and selected, the others closed.
      const focus = newFocus || !sameSource ? tree.get(info.focus ?? '') : undefined;
      if (focus) {
        for (const top of tree.root.children) if (top.kind === 'run') expansion.set(top, top === focus);
        selectedId = focus.id;
      }
      layout();
      drawnVersion = -1;
      showNotice(info.notice);
      persist();
      recomputeRows();
      draw();
      if (focus) select(focus);
      break;
    }
    case 'events':
      tree.addAll(decodeEvents(msg.events));
      schedule();
      break;
    case 'ended':
      if (info) info = { ...info, live: false };
      persist();
      if (msg.error) showNotice(`The run failed: ${msg.error}`);
      drawnVersion = -1;
      schedule();
      break;
    case 'notice':
      showNotice(msg.text);
      break;
  }
});

if (query) filterEl.value = query;
answerBoxEl.open = !info?.answerElsewhere;
layout();
draw();
post({ type: 'ready' });
