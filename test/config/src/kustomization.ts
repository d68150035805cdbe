// A small reader of our kustomize trees: which files a kustomization pulls in, the objects they
// hold, and the ConfigMap/Secret values the generators produce. Not a renderer (no patching);
// kustomize.int.spec.ts renders them with kustomize (k8s/install-kustomize.sh) where it is available.
import { posix } from 'node:path';
import { parse } from 'yaml';
import { Obj, asList, asObj, exists, isObj, parseEnvFile, readText, readYaml, readYamlDocs, str } from './repo-files';

export interface Generator {
  name: string;
  behavior: string;
  /** keys and values from `envs:` files and `literals:`, in that order */
  values: Map<string, string>;
}

export interface Kustomization {
  dir: string;
  /** files listed under resources (not directories) */
  resourceFiles: string[];
  /** directories listed under resources: other kustomizations (bases) */
  bases: string[];
  patchFiles: string[];
  /** parsed `patch:` strings written inline in the kustomization */
  inlinePatches: unknown[];
  /** every file a field of this kustomization names, to check that it exists */
  referencedFiles: string[];
  configMapGenerators: Generator[];
  secretGenerators: Generator[];
  raw: Obj;
}

export function loadKustomization(dir: string): Kustomization {
  const file = posix.join(dir, 'kustomization.yaml');
  const raw = asObj(readYaml(file), file);
  const at = (p: string): string => posix.normalize(posix.join(dir, p));
  const resources = asList(raw.resources).map((r) => at(String(r)));
  const bases = resources.filter((r) => exists(posix.join(r, 'kustomization.yaml')));
  const resourceFiles = resources.filter((r) => !bases.includes(r));
  const patchFiles = asList(raw.patches)
    .map((p) => (isObj(p) ? str(p.path) : str(p)))
    .filter((p): p is string => p !== undefined)
    .map(at);
  const inlinePatches = asList(raw.patches)
    .map((p) => (isObj(p) ? str(p.patch) : undefined))
    .filter((p): p is string => p !== undefined)
    .map((p) => parse(p) as unknown);
  const generators = (field: string): Generator[] =>
    asList(raw[field]).map((g) => {
      const gen = asObj(g, `${file} ${field}`);
      const values = new Map<string, string>();
      const envFiles = asList(gen.envs).map((e) => at(String(e)));
      for (const envFile of envFiles) for (const [k, v] of parseEnvFile(readText(envFile))) values.set(k, v);
      for (const literal of asList(gen.literals).map(String)) {
        const eq = literal.indexOf('=');
        values.set(literal.slice(0, eq), literal.slice(eq + 1));
      }
      return { name: String(gen.name), behavior: str(gen.behavior) ?? 'create', values };
    });
  const envFiles = ['configMapGenerator', 'secretGenerator'].flatMap((f) =>
    asList(raw[f]).flatMap((g) => (isObj(g) ? asList(g.envs).map((e) => at(String(e))) : [])),
  );
  return {
    dir,
    resourceFiles,
    bases,
    patchFiles,
    inlinePatches,
    referencedFiles: [...resourceFiles, ...patchFiles, ...envFiles],
    configMapGenerators: generators('configMapGenerator'),
    secretGenerators: generators('secretGenerator'),
    raw,
  };
}

/** This kustomization and its bases, base first. */
export function chain(dir: string): Kustomization[] {
  const k = loadKustomization(dir);
  return [...k.bases.flatMap(chain), k];
}

/** The Kubernetes objects of the resource files of `dir` and its bases (patches not applied). */
export function objects(dir: string): Obj[] {
  return chain(dir).flatMap((k) => k.resourceFiles.flatMap((f) => readYamlDocs(f).map((d) => asObj(d, f))));
}

/** The data of a generated ConfigMap or Secret after every `behavior: merge` along the chain. */
export function generated(dir: string, kind: 'configMapGenerators' | 'secretGenerators', name: string): Map<string, string> | undefined {
  let data: Map<string, string> | undefined;
  for (const k of chain(dir)) {
    for (const g of k[kind].filter((x) => x.name === name)) {
      data = g.behavior === 'merge' && data ? new Map([...data, ...g.values]) : new Map(g.values);
    }
  }
  return data;
}

export const kindOf = (o: Obj): string => String(o.kind);
export const nameOf = (o: Obj): string => String(asObj(o.metadata, 'metadata').name);

/** Containers of a Deployment-like object (pod template). */
export function containers(o: Obj): Obj[] {
  const spec = asObj(asObj(asObj(o.spec, 'spec').template, 'template').spec, 'pod spec');
  return asList(spec.containers).map((c) => asObj(c, 'container'));
}

/** Names of the env entries (`env:`) of every container anywhere in a parsed object (patches too). */
export function envNamesIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(envNamesIn);
  if (!isObj(value)) return [];
  const own = Array.isArray(value.env) ? value.env.flatMap((e) => (isObj(e) && typeof e.name === 'string' ? [e.name] : [])) : [];
  return [...own, ...Object.entries(value).filter(([k]) => k !== 'env').flatMap(([, v]) => envNamesIn(v))];
}
