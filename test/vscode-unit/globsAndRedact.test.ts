import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandBraces, toIgnoreGlobs } from '../../src/vscode/globs';
import { Redactor } from '../../src/vscode/redact';

describe('VS Code globs -> gitignore globs', () => {
  it('expands braces, nested ones too', () => {
    assert.deepEqual(expandBraces('**/*.{js,map}'), ['**/*.js', '**/*.map']);
    assert.deepEqual(expandBraces('{a,b/{c,d}}/x'), ['a/x', 'b/c/x', 'b/d/x']);
    assert.deepEqual(expandBraces('plain/**'), ['plain/**']);
  });

  it('dedupes and drops empty globs', () => {
    assert.deepEqual(toIgnoreGlobs(['**/.git', ' **/.git ', '', '**/*.{a,b}']), ['**/.git', '**/*.a', '**/*.b']);
  });
});

describe('Redactor', () => {
  it('removes registered secrets and key-like strings', () => {
    const r = new Redactor();
    r.add('my-custom-secret-123');
    const out = r.redact('key my-custom-secret-123, sk-abcdefghijklmnop and Authorization: Bearer abc.def.ghijklmnop');
    assert.doesNotMatch(out, /my-custom-secret-123|sk-abcdefghijklmnop|abc\.def\.ghijklmnop/);
    assert.match(out, /\*\*\*/);
  });
});
