// API keys live in SecretStorage only: never in settings, logs or trajectories.
import * as vscode from 'vscode';

export type KeyedProvider = 'openai';

const secretKey = (provider: KeyedProvider) => `rlm.apiKey.${provider}`;

/** Environment fallback for CI and headless setups (the extension host's environment). */
const ENV_KEYS: Record<KeyedProvider, string[]> = { openai: ['RLM_OPENAI_API_KEY', 'OPENAI_API_KEY'] };

export class ApiKeys {
  constructor(private readonly storage: vscode.SecretStorage) {}

  async get(provider: KeyedProvider): Promise<{ key: string; source: 'secret-storage' | 'env' } | undefined> {
    const stored = await this.storage.get(secretKey(provider));
    if (stored) return { key: stored, source: 'secret-storage' };
    for (const name of ENV_KEYS[provider]) {
      const value = process.env[name];
      if (value) return { key: value, source: 'env' };
    }
    return undefined;
  }

  async set(provider: KeyedProvider, key: string): Promise<void> {
    await this.storage.store(secretKey(provider), key);
  }

  async clear(provider: KeyedProvider): Promise<void> {
    await this.storage.delete(secretKey(provider));
  }
}

/** "RLM: Set API Key": asks for the key in a password box (or takes it as an argument, for automation). */
export async function setApiKeyCommand(keys: ApiKeys, arg?: { provider?: KeyedProvider; key?: string }): Promise<boolean> {
  const provider: KeyedProvider = arg?.provider ?? 'openai';
  const key =
    arg?.key ??
    (await vscode.window.showInputBox({
      title: 'RLM: Set API Key',
      prompt: 'API key for the OpenAI-compatible endpoint (stored in VS Code\'s secret storage, never in settings)',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter a key, or press Escape to cancel'),
    }));
  if (!key?.trim()) return false;
  await keys.set(provider, key.trim());
  if (!arg?.key) void vscode.window.showInformationMessage('RLM: API key saved in secret storage.');
  return true;
}
