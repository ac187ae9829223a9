// Secret-looking files stay out of files, read and grep unless the user opts in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openWorkspace } from '../../src/workspace/workspace';
import { isSecretPath } from '../../src/workspace/secrets';
import { makeTree, removeTree } from './helpers';

test('isSecretPath: env files, keys, credentials; not examples or source code named after them', () => {
  for (const p of ['.env', 'app/.env.local', 'prod.env', 'certs/server.pem', 'tls.key', 'id_rsa', 'id_rsa.pub',
    'id_ed25519', 'store.p12', 'a.pfx', '.npmrc', '.netrc', 'credentials', 'credentials.json', 'secrets.yaml',
    'release.keystore', 'Secrets.JSON', 'service-account-prod.json', 'terraform.tfstate', 'x.tfstate.backup',
    'vault.kdbx', 'ID_RSA', '.git-credentials', '_netrc', 'KEYS.PEM']) {
    assert.ok(isSecretPath(p), p);
  }
  for (const p of ['.env.example', 'src/env.ts', 'keyboard.ts', 'src/secrets.ts', 'credentials.py', 'README.md', 'keys/index.js']) {
    assert.ok(!isSecretPath(p), p);
  }
});

test('secrets are excluded from files, read and grep; includeSecrets opts in', async (t) => {
  const root = makeTree({
    '.env': 'API_TOKEN=abc123\n',
    'config/prod.pem': '-----BEGIN PRIVATE KEY----- API_TOKEN\n',
    'src/app.ts': 'const token = process.env.API_TOKEN;\n',
    '.env.example': 'API_TOKEN=\n',
  });
  t.after(() => removeTree(root));
  for (const disableRipgrep of [false, true]) {
    const ws = await openWorkspace({ roots: [{ name: 'w', path: root }], options: { disableRipgrep } });
    assert.deepEqual(ws.files().map((f) => f.path), ['.env.example', 'src/app.ts']);
    await assert.rejects(ws.read('.env'), /\.env is excluded as a secret-looking file.*includeSecrets/);
    await assert.rejects(ws.read('config/prod.pem'), /excluded as a secret/);
    const g = await ws.grep('API_TOKEN');
    assert.deepEqual(g.hits.map((h) => h.path), ['.env.example', 'src/app.ts']);
    assert.equal(g.total, 2);
    await assert.rejects(ws.grep('API_TOKEN', { paths: ['.env'] }), /excluded as a secret/);
  }
  const open = await openWorkspace({ roots: [{ name: 'w', path: root }], options: { includeSecrets: true } });
  assert.deepEqual(open.files().map((f) => f.path), ['.env', '.env.example', 'config/prod.pem', 'src/app.ts']);
  assert.equal((await open.read('.env')).text, 'API_TOKEN=abc123');
  assert.equal((await open.grep('API_TOKEN')).total, 4);
});
