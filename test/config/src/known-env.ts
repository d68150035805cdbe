// The RATCHET_* variables the services read: the names in the kit's shared schema and in each
// service's own config module(s). Manifests may set only these.
import { basename } from 'node:path';
import { listFiles, readText } from './repo-files';

const ENV_NAME = /RATCHET_[A-Z0-9_]+/g;

/** Config sources: services/kit/src/config/env.ts and services/<svc>/src/**\/*config*.ts (not specs). */
export function configSources(): string[] {
  const services = listFiles('services').filter(
    (p) => /^services\/[^/]+\/src\//.test(p) && /config/i.test(basename(p)) && p.endsWith('.ts') && !p.endsWith('.spec.ts'),
  );
  return ['services/kit/src/config/env.ts', ...services.filter((p) => p !== 'services/kit/src/config/env.ts')];
}

export function namesIn(text: string): Set<string> {
  // a trailing underscore is a prefix in a template string (`RATCHET_S3_`), not a variable
  return new Set([...text.matchAll(ENV_NAME)].map((m) => m[0]).filter((n) => !n.endsWith('_')));
}

export function knownEnvNames(): Set<string> {
  const known = new Set<string>();
  for (const file of configSources()) for (const name of namesIn(readText(file))) known.add(name);
  return known;
}

/** `serviceEnv(8081, ...)` in a service's config: its default HTTP port, if the config exists yet. */
export function defaultServicePort(service: string): number | undefined {
  for (const file of configSources().filter((p) => p.startsWith(`services/${service}/`))) {
    const m = /serviceEnv\(\s*(\d+)/.exec(readText(file));
    if (m) return Number(m[1]);
  }
  return undefined;
}
