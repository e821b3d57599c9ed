// Starts the graph-sim binary (an offline Microsoft Graph simulator) for Node tests.
// No dependencies; Node 20+. Build the binary first: `cargo build -p graph-sim`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(REPO, 'target', 'debug', process.platform === 'win32' ? 'graph-sim.exe' : 'graph-sim');
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const LISTENING = /^graph-sim listening on (http:\/\/\S+)$/;
const AUTHORITY = /^graph-sim authority on (https:\/\/\S+)$/;

const running = new Set();
let exitHooked = false;

function killAll() {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

// Children must not outlive the test process, however it ends.
function hookExit() {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

/**
 * Starts graph-sim on a free port.
 * @param {{ args?: string[], cwd?: string }} [options] extra CLI flags; working directory
 *   (default: the repository root, so `--static www` style paths resolve there).
 *   With `--oidc-port`, also waits for the authority line and resolves with `authorityUrl`
 *   (the https origin of the local OIDC authority; undefined otherwise).
 * @returns {Promise<{ url: string, authorityUrl: string | undefined,
 *   process: import('node:child_process').ChildProcess,
 *   stop(): Promise<void>, reset(): Promise<void>, advance(ms: number): Promise<object>,
 *   clock(change: { freeze?: boolean, at?: string | Date, advanceMs?: number }): Promise<{
 *     now: string, clockOffsetMs: number, clockFrozen: boolean }>,
 *   requests(): Promise<object[]>, clearRequests(): Promise<void>,
 *   fault(f: object | object[]): Promise<object[]>, config(patch?: object): Promise<object>,
 *   state(): Promise<object>, oidc(patch?: object): Promise<object> }>}
 *   `clock({ freeze: true })` stops the simulated clock (pass `--freeze-clock` to start
 *   stopped), `clock({ at })` sets simulated now, `clock({ advanceMs })` steps it; a frozen
 *   clock makes waits and Retry-After values exact. `config()` without a patch reads the
 *   configuration (GET /_sim/config); `oidc()` likewise the authority's
 *   users, counters and sessions (GET / PATCH /_sim/oidc).
 */
export async function startGraphSim({ args = [], cwd } = {}) {
  if (!existsSync(BIN)) {
    throw new Error(`graph-sim binary not found at ${BIN}; build it first with: cargo build -p graph-sim`);
  }
  const hasPort = args.some((a) => a === '--port' || a.startsWith('--port='));
  const wantsAuthority = args.some((a) => a === '--oidc-port' || a.startsWith('--oidc-port='));
  const argv = hasPort ? [...args] : ['--port', '0', ...args];
  const child = spawn(BIN, argv, { cwd: cwd ?? REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  hookExit();
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });

  let stderr = '';
  // Everything it printed (stdout and stderr, first 4 MB), for tests that scan its output.
  let output = '';
  const keep = (chunk) => {
    if (output.length < 4 * 2 ** 20) output += chunk;
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-16_384);
    keep(chunk);
  });

  const { url, authorityUrl } = await new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn(value);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(reject, new Error(`graph-sim did not print its listening line within ${START_TIMEOUT_MS / 1000} s. stderr: ${stderr.trim()}`));
    }, START_TIMEOUT_MS);
    // Keeps reading stdout afterwards so the pipe never fills.
    let listening;
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      keep(`${line}\n`);
      const m = LISTENING.exec(line.trim());
      if (m) {
        listening = m[1];
        if (!wantsAuthority) finish(resolve, { url: listening, authorityUrl: undefined });
        return;
      }
      const a = AUTHORITY.exec(line.trim());
      if (a && listening) finish(resolve, { url: listening, authorityUrl: a[1] });
    });
    child.once('error', (err) => finish(reject, new Error(`cannot start graph-sim (${BIN}): ${err.message}`)));
    exited.then(({ code, signal }) =>
      finish(reject, new Error(`graph-sim exited (code ${code}, signal ${signal}) before listening. stderr: ${stderr.trim()}`)),
    );
  });

  async function control(method, name, body) {
    const init = { method };
    if (body !== undefined) {
      init.headers = { 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const res = await fetch(`${url}/_sim/${name}`, init);
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`graph-sim ${method} /_sim/${name} answered ${res.status}: ${text}`);
    }
    return text ? JSON.parse(text) : undefined;
  }

  async function stop() {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  return {
    url,
    authorityUrl,
    process: child,
    stop,
    /** Everything graph-sim printed so far (stdout and stderr). */
    output: () => output,
    reset: () => control('POST', 'reset'),
    advance: (ms) => control('POST', 'clock', { advanceMs: ms }),
    clock: (change) =>
      control('POST', 'clock', change.at instanceof Date ? { ...change, at: change.at.toISOString() } : change),
    requests: () => control('GET', 'requests'),
    clearRequests: () => control('DELETE', 'requests'),
    fault: (f) => control('POST', 'faults', Array.isArray(f) ? { faults: f } : f),
    config: (patch) => (patch === undefined ? control('GET', 'config') : control('PATCH', 'config', patch)),
    state: () => control('GET', 'state'),
    oidc: (patch) => (patch === undefined ? control('GET', 'oidc') : control('PATCH', 'oidc', patch)),
  };
}
