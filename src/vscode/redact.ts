// Keys must never reach logs, messages or trajectories: every string we show or log goes through this.
const KEY_LIKE = /\b(sk-[A-Za-z0-9_-]{8,}|Bearer\s+[A-Za-z0-9._~+/=-]{8,})/g;

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out.replace(KEY_LIKE, (m) => (m.startsWith('Bearer') ? 'Bearer ***' : 'sk-***'));
  }
}
