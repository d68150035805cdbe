// The four services as separate OS processes (node services/<name>/dist/main.js), each with its
// output in a log file, started on free ports, polled until /health/ready, and stopped with
// SIGTERM then SIGKILL after a bound.
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { waitFor } from '@ratchet/eventlog/testing';

export const REPO_ROOT = resolve(__dirname, '../../..');

export type ServiceName = 'ingest' | 'trainer' | 'evaluator' | 'registry';

export interface ServiceProcess {
  name: ServiceName;
  port: number;
  url: string;
  logFile: string;
  /** What it was started with (a restart reuses it). */
  env: NodeJS.ProcessEnv;
  child: ChildProcess;
  /** Set once the process has exited. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
}

/** A port nobody listens on right now (the OS picks it; the window until the service binds is short). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export function mainOf(name: ServiceName): string {
  const main = join(REPO_ROOT, 'services', name, 'dist', 'main.js');
  if (!existsSync(main))
    throw new Error(`${main} is missing: build the services first (npx turbo run build)`);
  return main;
}

export function startServiceProcess(
  name: ServiceName,
  port: number,
  env: NodeJS.ProcessEnv,
  logDir: string,
): ServiceProcess {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [mainOf(name)], {
    cwd: REPO_ROOT,
    env: { ...env, RATCHET_HTTP_PORT: String(port), RATCHET_HTTP_HOST: '127.0.0.1' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd); // the child holds its own copy
  const service: ServiceProcess = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    logFile,
    env,
    child,
    exit: null,
  };
  child.on('exit', (code, signal) => {
    service.exit = { code, signal };
  });
  return service;
}

/** Throws (with the log's end) when a service has died: a dead service must fail the test at once, not at a timeout. */
export function assertAlive(services: ServiceProcess[]): void {
  const dead = services.find((s) => s.exit !== null);
  if (dead)
    throw new Error(
      `${dead.name} exited (code ${dead.exit!.code}, signal ${dead.exit!.signal}):\n${logTail(dead, 60)}`,
    );
}

export async function waitReady(service: ServiceProcess, timeoutMs: number): Promise<void> {
  await waitFor(
    throttle(1_000, async () => {
      assertAlive([service]);
      try {
        const res = await fetch(`${service.url}/health/ready`, { signal: AbortSignal.timeout(5_000) });
        return res.status === 200;
      } catch {
        return false; // not listening yet
      }
    }),
    timeoutMs,
    `${service.name} /health/ready`,
  );
}

/** SIGTERM (graceful: consumers leave their groups), then SIGKILL for whatever is still running after `graceMs`. */
export async function stopServices(services: ServiceProcess[], graceMs: number): Promise<string[]> {
  const running = services.filter((s) => s.exit === null);
  for (const s of running) s.child.kill('SIGTERM');
  const exited = (s: ServiceProcess) =>
    new Promise<void>((done) => (s.exit !== null ? done() : s.child.once('exit', () => done())));
  const killed: string[] = [];
  await Promise.all(
    running.map(async (s) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((done) => (timer = setTimeout(() => done('late'), graceMs)));
      if ((await Promise.race([exited(s), late])) === 'late') {
        killed.push(s.name);
        s.child.kill('SIGKILL');
        await exited(s);
      }
      clearTimeout(timer);
    }),
  );
  return killed;
}

export function logTail(service: ServiceProcess, lines: number): string {
  try {
    const text = readFileSync(service.logFile, 'utf8').trimEnd().split('\n');
    return text
      .slice(-lines)
      .map((l) => `  [${service.name}] ${l}`)
      .join('\n');
  } catch (error) {
    return `  [${service.name}] (no log: ${(error as Error).message})`;
  }
}

/**
 * Makes a probe for `waitFor` (which polls every 25 ms) run at most every `intervalMs`: reading a
 * Kafka topic or querying a service 40 times a second would only load the machine under test.
 */
export function throttle<T>(intervalMs: number, probe: () => Promise<T>): () => Promise<T | null> {
  let last = 0;
  return async () => {
    const now = Date.now();
    if (now - last < intervalMs) {
      await new Promise((r) => setTimeout(r, Math.min(intervalMs - (now - last), 250)));
      return null;
    }
    last = Date.now();
    return probe();
  };
}
