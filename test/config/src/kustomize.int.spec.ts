// Renders the kustomizations with kustomize (k8s/install-kustomize.sh, or `kubectl kustomize`; no
// cluster needed) and checks the result: generated ConfigMaps/Secrets resolved, namespaces applied.
import { parseAllDocuments } from 'yaml';
import { Obj, asList, asObj, isObj } from './repo-files';
import { K8S_BASE, K8S_OVERLAYS, SERVICES } from './services';
import { describeWithTool, kustomizeCommand, run } from './tools';

const kustomize = kustomizeCommand();
const render = (dir: string) => run(kustomize!.cmd, kustomize!.args(dir));
const withKustomize = describeWithTool('kustomize', kustomize !== null);

withKustomize.each([K8S_BASE, ...K8S_OVERLAYS])('kustomize build %s', (dir) => {
  const rendered = (): Obj[] => {
    const r = render(dir);
    if (r.status !== 0) throw new Error(`kustomize build ${dir} failed: ${r.stderr}`);
    return parseAllDocuments(r.stdout).map((d) => asObj(d.toJS(), 'object'));
  };

  it('renders every service, and every ConfigMap/Secret a pod refers to is in the output (overlays)', () => {
    const objects = rendered();
    const names = (kind: string): string[] => objects.filter((o) => o.kind === kind).map((o) => String(asObj(o.metadata, 'm').name));
    for (const svc of SERVICES) {
      expect(names('Deployment')).toContain(`ratchet-${svc}`);
      expect(names('Service')).toContain(`ratchet-${svc}`);
    }
    const configMaps = names('ConfigMap');
    const secrets = names('Secret');
    expect(configMaps.some((n) => n.startsWith('ratchet-config-'))).toBe(true);
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      const pod = asObj(asObj(asObj(d.spec, 's').template, 't').spec, 'p');
      for (const c of asList(pod.containers).filter(isObj)) {
        for (const from of asList(c.envFrom).filter(isObj)) {
          if (isObj(from.configMapRef)) expect(configMaps).toContain(from.configMapRef.name);
          // the base only refers to Secrets; an overlay must provide them (dev) or the operator does (prod)
          if (isObj(from.secretRef) && dir === 'k8s/overlays/dev') expect(secrets).toContain(from.secretRef.name);
        }
      }
    }
    if (dir !== K8S_BASE) {
      const namespaces = new Set(objects.map((o) => asObj(o.metadata, 'm').namespace));
      expect(namespaces.size).toBe(1);
    }
  });
});

withKustomize('kustomize build k8s/overlays/prod', () => {
  it('has no disruption budget that would block a node drain (minAvailable below the replica count)', () => {
    const r = render('k8s/overlays/prod');
    expect(r.status).toBe(0);
    const objects = parseAllDocuments(r.stdout).map((d) => asObj(d.toJS(), 'object'));
    const byKind = (kind: string): Obj[] => objects.filter((o) => o.kind === kind);
    const name = (o: Obj): string => String(asObj(o.metadata, 'm').name);
    const pdbs = byKind('PodDisruptionBudget');
    expect(pdbs.length).toBeGreaterThan(0);
    for (const pdb of pdbs) {
      const spec = asObj(pdb.spec, 'spec');
      if (spec.minAvailable === undefined) continue;
      const hpa = byKind('HorizontalPodAutoscaler').find((h) => asObj(asObj(h.spec, 's').scaleTargetRef, 'r').name === name(pdb));
      const deployment = byKind('Deployment').find((d) => name(d) === name(pdb));
      const replicas = hpa ? Number(asObj(hpa.spec, 's').minReplicas) : Number(asObj(deployment?.spec, 's').replicas ?? 1);
      expect({ pdb: name(pdb), drainable: replicas > Number(spec.minAvailable) }).toEqual({ pdb: name(pdb), drainable: true });
    }
  });
});
