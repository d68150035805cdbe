// What the manifests and the local/compose setups must agree on for each service.
export const SERVICES = ['ingest', 'trainer', 'evaluator', 'registry'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** HTTP ports (health, metrics, API) as the design fixes them. */
export const HTTP_PORTS: Record<ServiceName, number> = { ingest: 8081, trainer: 8082, evaluator: 8083, registry: 8080 };

export const K8S_BASE = 'k8s/base';
export const K8S_OVERLAYS = ['k8s/overlays/dev', 'k8s/overlays/prod'];
