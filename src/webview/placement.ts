// Where RLM's webviews and the code they jump to open. The answer panel and the trajectory panel share one
// editor column (as tabs), so asking, showing and reopening never adds columns; code opens in a column that does
// not hold them, so a jump never covers the panel the user clicked in. One instance, made at activation and
// handed to both bundles (the answer panel lives in extensionCore.js, the trajectory panel in extension.js).
import * as vscode from 'vscode';

export class PanelPlacement {
  private readonly panels = new Set<vscode.WebviewPanel>();

  /** Follows a panel's column until it is closed. */
  track(panel: vscode.WebviewPanel): void {
    this.panels.add(panel);
    panel.onDidDispose(() => this.panels.delete(panel));
  }

  private columns(): Set<vscode.ViewColumn> {
    const columns = new Set<vscode.ViewColumn>();
    for (const p of this.panels) if (p.viewColumn !== undefined) columns.add(p.viewColumn);
    return columns;
  }

  /** The column for a new RLM panel: the one an RLM panel is already in, else beside the current editor. */
  panelColumn(): vscode.ViewColumn {
    const [first] = this.columns();
    return first ?? vscode.ViewColumn.Beside;
  }

  /**
   * The column for code opened from a panel: the active text editor's column when it is not an RLM panel's, else
   * the first editor group without an RLM panel, else column One (or Two when the panels are in One).
   */
  codeColumn(): vscode.ViewColumn {
    const taken = this.columns();
    const active = vscode.window.activeTextEditor?.viewColumn;
    if (active !== undefined && !taken.has(active)) return active;
    const free = vscode.window.tabGroups.all.map((g) => g.viewColumn).find((c) => !taken.has(c));
    if (free !== undefined) return free;
    return taken.has(vscode.ViewColumn.One) ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
  }
}
