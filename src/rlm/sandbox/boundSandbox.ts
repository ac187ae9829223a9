// A sandbox whose host functions (llm_query, rlm_query, …) and evidence go to whichever run drives it now.
// One run per sandbox is the usual case; a session hands the same live sandbox to each follow-up run, so the
// variables survive while every run's sub-calls and evidence land in that run's own trajectory.
import { createSandbox } from './sandbox';
import { CHECKED_HOST_FUNCTIONS } from './globalsApi';
import type { EvidenceEvent, HostFunction, Sandbox, SandboxLimits } from './types';
import type { WorkspaceSpec } from '../../workspace/types';

/** What one run plugs into the sandbox while it drives it. */
export interface RunHooks {
  hostFunctions: Record<string, HostFunction>;
  onEvidence: (event: EvidenceEvent) => void;
}

/** Host functions every sandbox exposes; their waits do not count against the block's time. */
export const HOST_FUNCTION_NAMES = CHECKED_HOST_FUNCTIONS;

export class BoundSandbox {
  private hooks?: RunHooks;

  private constructor(readonly sandbox: Sandbox) {}

  static async open(workspace: WorkspaceSpec, limits: Partial<SandboxLimits>): Promise<BoundSandbox> {
    let self: BoundSandbox | undefined;
    const forward = (name: string): HostFunction => (args, signal) => {
      const fn = self?.hooks?.hostFunctions[name];
      if (!fn) return Promise.reject(new Error(`${name} is not available: no question is running`));
      return fn(args, signal);
    };
    const sandbox = await createSandbox({
      workspace,
      hostFunctions: Object.fromEntries(HOST_FUNCTION_NAMES.map((n) => [n, forward(n)])),
      untimedHostFunctions: [...HOST_FUNCTION_NAMES],
      limits,
      onEvidence: (ev) => self?.hooks?.onEvidence(ev),
    });
    self = new BoundSandbox(sandbox);
    return self;
  }

  /** Plugs one run in; returns the unplug. A sandbox serves one run at a time. */
  bind(hooks: RunHooks): () => void {
    if (this.hooks) throw new Error('this sandbox is already in use by another run');
    this.hooks = hooks;
    return () => {
      if (this.hooks === hooks) this.hooks = undefined;
    };
  }

  get bound(): boolean {
    return this.hooks !== undefined;
  }

  dispose(): Promise<void> {
    this.hooks = undefined;
    return this.sandbox.dispose();
  }
}
