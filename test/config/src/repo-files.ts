// Reading the repository's config files (YAML, JSON, shell, env files) from the tests.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const repoRoot = join(__dirname, '..', '..', '..');

export const repoPath = (...parts: string[]): string => join(repoRoot, ...parts);

export const exists = (rel: string): boolean => existsSync(repoPath(rel));

export const readText = (rel: string): string => readFileSync(repoPath(rel), 'utf8');

/** Every YAML document of a file (`---`-separated); throws with the file name on a parse error. */
export function readYamlDocs(rel: string): unknown[] {
  // merge: resolve YAML 1.1 `<<:` merge keys (docker-compose uses them with anchors)
  const docs = parseAllDocuments(readText(rel), { merge: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: unknown[] = [];
  for (const doc of list) {
    if (doc.errors.length > 0) throw new Error(`${rel}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export function readYaml(rel: string): unknown {
  const docs = readYamlDocs(rel);
  if (docs.length !== 1) throw new Error(`${rel}: expected one YAML document, found ${docs.length}`);
  return docs[0];
}

/** Files under `relDir` (recursive), as repo-relative paths; skips node_modules and dist. */
export function listFiles(relDir: string): string[] {
  const dir = repoPath(relDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(repoRoot, join(e.parentPath, e.name)))
    .filter((p) => !/(^|\/)(node_modules|dist)\//.test(p))
    .sort();
}

/** KEY=VALUE lines of an env file (kustomize `envs:` format), ignoring blanks and # comments. */
export function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new Error(`not KEY=VALUE: ${line}`);
    out.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  return out;
}

/** Narrowing helpers for parsed YAML/JSON. */
export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const asObj = (v: unknown, what: string): Obj => {
  if (!isObj(v)) throw new Error(`${what}: expected a mapping`);
  return v;
};
export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** `${NAME:-default}` expansions in a shell script or compose file: NAME → default. */
export function shellDefaults(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/\$\{([A-Z0-9_]+):-([^}]*)\}/g)) out.set(m[1]!, m[2]!);
  return out;
}

/** Replaces `${NAME:-default}` by its default and `${NAME}` by '' (compose with no env set). */
export const expandDefaults = (value: string): string =>
  value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1').replace(/\$\{[A-Z0-9_]+\}/g, '');
