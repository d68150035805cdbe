// Renders the kustomizations with `kubectl kustomize` (kustomize built into kubectl, no cluster
// needed) and checks the result: generated ConfigMaps/Secrets resolved, namespaces applied.
import { parseAllDocuments } from 'yaml';
import { Obj, asList, asObj, isObj } from './repo-files';
import { K8S_BASE, K8S_OVERLAYS, SERVICES } from './services';
import { hasCommand, run } from './tools';

const available = hasCommand('kubectl', 'version', '--client');
if (!available) console.warn('kubectl not found: the kustomize render checks are skipped');

(available ? describe : describe.skip).each([K8S_BASE, ...K8S_OVERLAYS])('kubectl kustomize %s', (dir) => {
  const rendered = (): Obj[] => {
    const r = run('kubectl', ['kustomize', dir]);
    if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr}`);
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
