// Kubernetes manifests: structure the services rely on (ports, probes, env), checked on the YAML.
import { posix } from 'node:path';
import { knownEnvNames } from './known-env';
import { chain, containers, envNamesIn, generated, kindOf, loadKustomization, nameOf, objects } from './kustomization';
import { Obj, asList, asObj, exists, isObj, parseEnvFile, readText, readYamlDocs, str } from './repo-files';
import { HTTP_PORTS, K8S_BASE, K8S_OVERLAYS, SERVICES, ServiceName } from './services';

const ALL = [K8S_BASE, ...K8S_OVERLAYS];
const baseObjects = objects(K8S_BASE);
const find = (kind: string, name: string, list: Obj[] = baseObjects): Obj => {
  const found = list.find((o) => kindOf(o) === kind && nameOf(o) === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const podSpec = (d: Obj): Obj => asObj(asObj(asObj(d.spec, 'spec').template, 'template').spec, 'pod spec');
const podMeta = (d: Obj): Obj => asObj(asObj(asObj(d.spec, 'spec').template, 'template').metadata, 'pod metadata');
const envValue = (c: Obj, name: string): Obj | undefined =>
  asList(c.env).map((e) => asObj(e, 'env')).find((e) => e.name === name);

describe.each(ALL)('kustomization %s', (dir) => {
  const k = loadKustomization(dir);

  it('names only files and bases that exist and parse', () => {
    for (const base of k.bases) expect(exists(posix.join(base, 'kustomization.yaml'))).toBe(true);
    expect(k.referencedFiles.length).toBeGreaterThan(0);
    for (const file of k.referencedFiles) {
      expect({ file, exists: exists(file) }).toEqual({ file, exists: true });
      if (file.endsWith('.env')) expect(parseEnvFile(readText(file)).size).toBeGreaterThan(0);
      else expect(readYamlDocs(file).length).toBeGreaterThan(0);
    }
  });

  it('patches only Deployments that the base defines', () => {
    const deployments = baseObjects.filter((o) => kindOf(o) === 'Deployment').map(nameOf);
    for (const patch of asList(k.raw.patches).map((p) => asObj(p, 'patch'))) {
      const target = isObj(patch.target) ? str(patch.target.name) : undefined;
      if (target) expect(deployments.some((d) => new RegExp(`^(?:${target})$`).test(d))).toBe(true);
      const path = str(patch.path);
      if (!path) continue;
      for (const doc of readYamlDocs(posix.join(dir, path)).filter(isObj)) {
        if (doc.kind === 'Deployment') expect(deployments).toContain(nameOf(doc));
      }
    }
  });

  it('sets only RATCHET_* variables that the services read', () => {
    const known = knownEnvNames();
    const set = new Set<string>();
    for (const link of chain(dir)) {
      for (const g of [...link.configMapGenerators, ...link.secretGenerators]) for (const key of g.values.keys()) set.add(key);
      for (const file of [...link.resourceFiles, ...link.patchFiles]) for (const n of envNamesIn(readYamlDocs(file))) set.add(n);
      for (const n of envNamesIn(link.inlinePatches)) set.add(n);
    }
    const ratchet = [...set].filter((n) => n.startsWith('RATCHET_'));
    expect(ratchet.length).toBeGreaterThan(5);
    expect(ratchet.filter((n) => !known.has(n)).sort()).toEqual([]);
  });
});

describe('configuration and secrets', () => {
  it.each(K8S_OVERLAYS)('%s runs the production runtime, listening on all interfaces', (dir) => {
    const config = generated(dir, 'configMapGenerators', 'ratchet-config');
    expect(config?.get('RATCHET_RUNTIME')).toBe('production');
    // the default 127.0.0.1 would make the pod unreachable for probes, Services and Prometheus
    expect(config?.get('RATCHET_HTTP_HOST')).toBe('0.0.0.0');
    for (const key of ['RATCHET_KAFKA_BROKERS', 'RATCHET_S3_ENDPOINT', 'RATCHET_S3_BUCKET', 'RATCHET_S3_REGION']) {
      expect(config?.get(key)).toBeTruthy();
    }
  });

  it('keeps credentials out of the base and prod: no Secret objects, no secretGenerator', () => {
    for (const dir of [K8S_BASE, 'k8s/overlays/prod']) {
      const k = loadKustomization(dir);
      expect(k.secretGenerators).toEqual([]);
      expect(k.resourceFiles.flatMap((f) => readYamlDocs(f)).filter((o) => isObj(o) && o.kind === 'Secret')).toEqual([]);
      const config = generated(dir, 'configMapGenerators', 'ratchet-config') ?? new Map<string, string>();
      expect([...config.keys()].filter((key) => /SECRET|PASSWORD|ACCESS_KEY|DATABASE_URL/.test(key))).toEqual([]);
    }
  });

  it('dev generates every Secret key the base refers to', () => {
    const refs: Array<{ secret: string; key?: string }> = [];
    for (const d of baseObjects.filter((o) => kindOf(o) === 'Deployment')) {
      for (const c of containers(d)) {
        for (const from of asList(c.envFrom).filter(isObj)) if (isObj(from.secretRef)) refs.push({ secret: String(from.secretRef.name) });
        for (const e of asList(c.env).filter(isObj)) {
          const ref = isObj(e.valueFrom) && isObj(e.valueFrom.secretKeyRef) ? e.valueFrom.secretKeyRef : undefined;
          if (ref) refs.push({ secret: String(ref.name), key: String(ref.key) });
        }
      }
    }
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const data = generated('k8s/overlays/dev', 'secretGenerators', ref.secret);
      expect({ ...ref, generated: data !== undefined }).toEqual({ ...ref, generated: true });
      if (ref.key) expect(data?.has(ref.key)).toBe(true);
    }
    const s3 = generated('k8s/overlays/dev', 'secretGenerators', 'ratchet-s3');
    expect([...(s3?.keys() ?? [])].sort()).toEqual(['RATCHET_S3_ACCESS_KEY', 'RATCHET_S3_SECRET_KEY']);
  });
});

describe.each(SERVICES)('the %s Deployment and Service', (svc: ServiceName) => {
  const deployment = find('Deployment', `ratchet-${svc}`);
  const service = find('Service', `ratchet-${svc}`);
  const [container] = containers(deployment);
  const port = HTTP_PORTS[svc];

  it('runs the service image on its HTTP port, and the Service and annotations agree', () => {
    expect(containers(deployment)).toHaveLength(1);
    expect(container?.image).toBe(`ratchet/${svc}:latest`);
    // exec form: node must be PID 1 to get SIGTERM (see the comment in the manifest)
    expect(container?.command).toEqual(['node', `services/${svc}/dist/main.js`]);
    expect(exists(`services/${svc}/src/main.ts`)).toBe(true);
    const ports = asList(container?.ports).map((p) => asObj(p, 'port'));
    expect(ports).toEqual([{ name: 'http', containerPort: port }]);
    expect(envValue(container!, 'RATCHET_HTTP_PORT')?.value).toBe(String(port));
    const servicePorts = asList(asObj(service.spec, 'spec').ports).map((p) => asObj(p, 'port'));
    expect(servicePorts).toEqual([expect.objectContaining({ port, targetPort: 'http' })]);
  });

  it('selects its pods with the Service and the Deployment selector', () => {
    const labels = asObj(podMeta(deployment).labels, 'labels');
    const selectors = [asObj(asObj(deployment.spec, 'spec').selector, 'selector').matchLabels, asObj(service.spec, 'spec').selector];
    for (const selector of selectors) for (const [k, v] of Object.entries(asObj(selector, 'selector'))) expect(labels[k]).toBe(v);
  });

  it('probes /health/live and /health/ready on the HTTP port', () => {
    const probe = (name: string): Obj => asObj(asObj(container?.[name], name).httpGet, `${name}.httpGet`);
    expect(probe('livenessProbe')).toEqual({ path: '/health/live', port: 'http' });
    expect(probe('readinessProbe')).toEqual({ path: '/health/ready', port: 'http' });
  });

  it('has CPU and memory requests and limits', () => {
    const resources = asObj(container?.resources, 'resources');
    for (const level of ['requests', 'limits']) {
      const r = asObj(resources[level], level);
      expect(str(r.cpu)).toBeTruthy();
      expect(str(r.memory)).toBeTruthy();
    }
  });

  it('is scraped by Prometheus through annotations on /metrics of the HTTP port', () => {
    expect(podMeta(deployment).annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(port),
      'prometheus.io/path': '/metrics',
    });
  });

  it('takes its settings from the ConfigMap and the S3 Secret', () => {
    expect(container?.envFrom).toEqual([{ configMapRef: { name: 'ratchet-config' } }, { secretRef: { name: 'ratchet-s3' } }]);
    const db = envValue(container!, 'RATCHET_DATABASE_URL');
    if (svc === 'registry') expect(db?.valueFrom).toEqual({ secretKeyRef: { name: 'ratchet-postgres', key: 'RATCHET_DATABASE_URL' } });
    else expect(db).toBeUndefined();
  });

  it('runs as a non-root user without privilege escalation', () => {
    const pod = asObj(podSpec(deployment).securityContext, 'securityContext');
    expect(pod.runAsNonRoot).toBe(true);
    expect(Number(pod.runAsUser)).toBeGreaterThan(0);
    expect(asObj(container?.securityContext, 'securityContext').allowPrivilegeEscalation).toBe(false);
  });
});

describe('the trainer', () => {
  const trainer = find('Deployment', 'ratchet-trainer');

  it('is a single replica replaced with Recreate, with time to checkpoint on SIGTERM', () => {
    const spec = asObj(trainer.spec, 'spec');
    expect(spec.replicas).toBe(1);
    expect(spec.strategy).toEqual({ type: 'Recreate' });
    expect(Number(podSpec(trainer).terminationGracePeriodSeconds)).toBeGreaterThanOrEqual(300);
  });

  it.each(K8S_OVERLAYS)('stays single and is neither autoscaled nor scaled in %s', (dir) => {
    const patched = chain(dir)
      .flatMap((k) => k.patchFiles)
      .flatMap((f) => readYamlDocs(f))
      .filter((o): o is Obj => isObj(o) && o.kind === 'Deployment' && nameOf(o) === 'ratchet-trainer');
    for (const p of patched) expect(asObj(p.spec, 'spec').replicas).toBeUndefined();
    const hpas = objects(dir).filter((o) => kindOf(o) === 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => asObj(asObj(h.spec, 'spec').scaleTargetRef, 'ref').name)).not.toContain('ratchet-trainer');
  });
});

describe('prod', () => {
  const prod = objects('k8s/overlays/prod');
  const templateLabels = (name: string): Obj => asObj(podMeta(find('Deployment', name, prod)).labels, 'labels');

  it('autoscales ingest, whose Deployment leaves the replica count to the HPA', () => {
    const hpa = find('HorizontalPodAutoscaler', 'ratchet-ingest', prod);
    const spec = asObj(hpa.spec, 'spec');
    expect(spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'ratchet-ingest' });
    expect(Number(spec.minReplicas)).toBeGreaterThanOrEqual(2);
    const removesReplicas = loadKustomization('k8s/overlays/prod').inlinePatches.some((p) =>
      asList(p).some((op) => isObj(op) && op.op === 'remove' && op.path === '/spec/replicas'),
    );
    expect(removesReplicas).toBe(true);
  });

  it('has disruption budgets that select existing pods, none for the single trainer', () => {
    const pdbs = prod.filter((o) => kindOf(o) === 'PodDisruptionBudget');
    expect(pdbs.map(nameOf).sort()).toEqual(['ratchet-evaluator', 'ratchet-ingest', 'ratchet-registry']);
    for (const pdb of pdbs) {
      const match = asObj(asObj(asObj(pdb.spec, 'spec').selector, 'selector').matchLabels, 'matchLabels');
      const labels = templateLabels(nameOf(pdb));
      for (const [k, v] of Object.entries(match)) expect(labels[k]).toBe(v);
    }
  });
});
