// The environment of the nested `npm install` that builds code-server: nothing the outer `npm test` exported may
// change what it does (code-server's postinstall reads the Node version from npm_config_user_agent).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { nestedNpmEnv } from '../vscode/ensureToolchain.mjs';

/** What npm itself exports to a script run by `npm test` (captured from npm 11 under node 20), plus user settings. */
const OUTER = {
  PATH: '/usr/local/bin:/usr/bin',
  HOME: '/root',
  NODE: '/usr/bin/node',
  INIT_CWD: '/work/repo',
  npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
  npm_config_local_prefix: '/work/repo',
  npm_config_prefix: '/usr',
  npm_config_nodedir: '/usr',
  npm_config_cache: '/root/.npm',
  npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  npm_config_npm_version: '11.19.1',
  npm_config_global_prefix: '/usr',
  npm_config_allow_scripts: '',
  npm_lifecycle_event: 'test',
  npm_lifecycle_script: 'node scripts/test.mjs',
  npm_package_name: 'rlm-vscode',
  npm_package_json: '/work/repo/package.json',
  npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
  npm_node_execpath: '/usr/bin/node',
  npm_command: 'run-script',
  NPM_CONFIG_REGISTRY: 'https://registry.example.test/',
  npm_config_https_proxy: 'http://proxy.example.test:3128',
  npm_config_cafile: '/etc/ssl/certs/ca-certificates.crt',
};

test('the nested install gets none of the outer npm run\'s variables, only where packages come from', () => {
  const env = nestedNpmEnv(OUTER, { nodeBin: '/cache/node24/bin', nodedir: '/cache/node24/pkg', cache: '/cache/npm-cache' });
  const npmKeys = Object.keys(env).filter((k) => /^npm_/i.test(k)).sort();
  assert.deepEqual(npmKeys, ['NPM_CONFIG_REGISTRY', 'npm_config_cache', 'npm_config_cafile', 'npm_config_https_proxy', 'npm_config_nodedir']);
  assert.equal(env.npm_config_user_agent, undefined, 'code-server would read node 20 from it and refuse to install');
  assert.equal(env.NODE, undefined);
  assert.equal(env.INIT_CWD, undefined);
  assert.equal(env.npm_config_nodedir, '/cache/node24/pkg', 'native modules build against node 24 headers, not /usr');
  assert.equal(env.npm_config_cache, '/cache/npm-cache', 'an empty toolchain cache downloads every package again');
  assert.equal(env.PATH, '/cache/node24/bin:/usr/local/bin:/usr/bin', 'node 24 comes first on PATH');
  assert.equal(env.HOME, '/root', 'everything else is passed on');
});

test('the environment a real `npm exec` gives its child loses every npm_* variable but the kept ones', () => {
  const probe = 'process.stdout.write(JSON.stringify(process.env))';
  const r = spawnSync('npm', ['exec', '--yes=false', '--', 'node', '-e', probe], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const outer = JSON.parse(r.stdout) as Record<string, string>;
  assert.ok(outer.npm_config_user_agent?.includes('node/v'), 'npm exports the user agent to its children');
  const env = nestedNpmEnv(outer, {});
  const kept = Object.keys(env).filter((k) => /^npm_/i.test(k));
  for (const k of kept) assert.match(k.toLowerCase(), /^npm_config_(registry|proxy|https_proxy|http_proxy|noproxy|cafile|ca|strict_ssl|userconfig|globalconfig|cache)$/);
});
