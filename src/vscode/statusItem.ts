// A status bar item while a run is going: what it is doing now, a click opens its trajectory. Hidden when no
// run is live. Light (no engine import): registered at activation.
import * as vscode from 'vscode';
import type { LiveRun } from '../rlm/liveRun';
import { LiveSteps } from './liveSteps';
import type { RunRegistry } from './runRegistry';

const UPDATE_INTERVAL_MS = 250;

export function registerStatusItem(registry: RunRegistry): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('rlm.run', vscode.StatusBarAlignment.Left, 10);
  item.name = 'RLM run';
  const live = new Map<LiveRun, LiveSteps>();
  let timer: NodeJS.Timeout | undefined;

  const render = () => {
    timer = undefined;
    const running = [...live.keys()];
    const run = running[running.length - 1];
    if (!run) return item.hide();
    const step = live.get(run)?.current;
    const more = running.length > 1 ? ` (+${running.length - 1})` : '';
    item.text = `$(sync~spin) RLM${more}: ${step ?? 'starting…'}`;
    item.tooltip = `${run.question}\nClick to show the trajectory.`;
    item.command = { title: 'Show Trajectory', command: 'rlm.showTrajectory', arguments: [run.id] };
    item.show();
  };
  const schedule = () => (timer ??= setTimeout(render, UPDATE_INTERVAL_MS));

  const sub = registry.onDidCreate((run) => {
    const steps = new LiveSteps();
    live.set(run, steps);
    const off = run.onEvent((e) => {
      if (steps.update(e)) schedule();
    });
    run.onEnd(() => {
      off();
      live.delete(run);
      render();
    });
    render();
  });
  return { dispose: () => (clearTimeout(timer), sub.dispose(), item.dispose()) };
}
