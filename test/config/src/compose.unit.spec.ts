// deploy/docker-compose.yml against deploy/local/*.sh and the k8s dev overlay: same host ports,
// credentials, in-network hostnames and RATCHET_* settings.
import { defaultServicePort, knownEnvNames } from './known-env';
import { generated } from './kustomization';
import { Obj, asList, asObj, exists, expandDefaults, isObj, readText, readYaml, shellDefaults, str } from './repo-files';
import { HTTP_PORTS, SERVICES } from './services';

const COMPOSE = 'deploy/docker-compose.yml';
const DEV = 'k8s/overlays/dev';

describe('docker-compose', () => {
  it('exists', () => expect(exists(COMPOSE)).toBe(true));
  const compose = exists(COMPOSE) ? asObj(readYaml(COMPOSE), COMPOSE) : {};
  const services = asObj(compose.services ?? {}, 'services');
  const service = (name: string): Obj => asObj(services[name], `service ${name}`);
  /** A service's environment as compose would pass it with no variables set in the shell. */
  const envOf = (name: string): Map<string, string> =>
    new Map(Object.entries(asObj(service(name).environment ?? {}, 'environment')).map(([k, v]) => [k, expandDefaults(String(v))]));
  const hostPorts = (name: string): number[] =>
    asList(service(name).ports).map((p) => Number(/^(?:[\d.]+:)?(\d+):\d+$/.exec(String(p))?.[1]));
  const local = new Map<string, string>();
  for (const script of ['kafka.sh', 's3.sh', 'postgres.sh']) for (const [k, v] of shellDefaults(readText(`deploy/local/${script}`))) local.set(k, v);
  const devConfig = generated(DEV, 'configMapGenerators', 'ratchet-config') ?? new Map<string, string>();
  const devS3 = generated(DEV, 'secretGenerators', 'ratchet-s3') ?? new Map<string, string>();
  const devPg = generated(DEV, 'secretGenerators', 'ratchet-postgres') ?? new Map<string, string>();

  it('sets only RATCHET_* variables that the services read', () => {
    const known = knownEnvNames();
    const set = Object.keys(services).flatMap((name) => [...envOf(name).keys()]).filter((k) => k.startsWith('RATCHET_'));
    expect(set.length).toBeGreaterThan(0);
    expect([...new Set(set.filter((k) => !known.has(k)))]).toEqual([]);
  });

  it('runs the Kafka and S3 server versions that deploy/local installs', () => {
    expect(str(service('kafka').image)).toBe(`apache/kafka:${local.get('RATCHET_KAFKA_VERSION')}`);
    expect(str(service('s3').image)).toBe(`versity/versitygw:${local.get('RATCHET_VERSITYGW_VERSION')}`);
  });

  it('publishes Kafka, S3 and PostgreSQL on the host ports of deploy/local', () => {
    expect(hostPorts('kafka')).toEqual([Number(local.get('RATCHET_KAFKA_PORT'))]);
    expect(hostPorts('s3')).toEqual([Number(local.get('RATCHET_S3_PORT'))]);
    expect(hostPorts('postgres')).toEqual([Number(local.get('RATCHET_PG_PORT'))]);
  });

  it('uses the S3 and PostgreSQL credentials of deploy/local and of the dev overlay', () => {
    const s3 = envOf('s3');
    expect(s3.get('ROOT_ACCESS_KEY_ID')).toBe(local.get('RATCHET_S3_ACCESS_KEY'));
    expect(s3.get('ROOT_SECRET_ACCESS_KEY')).toBe(local.get('RATCHET_S3_SECRET_KEY'));
    expect(devS3.get('RATCHET_S3_ACCESS_KEY')).toBe(local.get('RATCHET_S3_ACCESS_KEY'));
    expect(devS3.get('RATCHET_S3_SECRET_KEY')).toBe(local.get('RATCHET_S3_SECRET_KEY'));
    expect(devConfig.get('RATCHET_S3_BUCKET')).toBe(local.get('RATCHET_S3_BUCKET'));
    expect(devConfig.get('RATCHET_S3_REGION')).toBe(local.get('RATCHET_S3_REGION'));
    const pg = envOf('postgres');
    expect([pg.get('POSTGRES_USER'), pg.get('POSTGRES_PASSWORD'), pg.get('POSTGRES_DB')]).toEqual([
      local.get('RATCHET_PG_USER'),
      local.get('RATCHET_PG_PASSWORD'),
      local.get('RATCHET_PG_DB'),
    ]);
    const url = new URL(devPg.get('RATCHET_DATABASE_URL') ?? 'invalid:');
    expect([url.username, url.password, url.pathname]).toEqual([local.get('RATCHET_PG_USER'), local.get('RATCHET_PG_PASSWORD'), `/${local.get('RATCHET_PG_DB')}`]);
  });

  // The dev overlay runs the services against in-namespace Services named like the compose
  // services, so the two must hand the services the very same connection settings.
  const SHARED = ['RATCHET_RUNTIME', 'RATCHET_HTTP_HOST', 'RATCHET_KAFKA_BROKERS', 'RATCHET_S3_ENDPOINT', 'RATCHET_S3_BUCKET', 'RATCHET_S3_REGION'];

  it.each([...SERVICES])('gives %s the connection settings and port of the dev overlay', (svc) => {
    const env = envOf(svc);
    const expected = new Map<string, string | undefined>(SHARED.map((k) => [k, devConfig.get(k)]));
    for (const k of ['RATCHET_S3_ACCESS_KEY', 'RATCHET_S3_SECRET_KEY']) expected.set(k, devS3.get(k));
    if (svc === 'registry') expected.set('RATCHET_DATABASE_URL', devPg.get('RATCHET_DATABASE_URL'));
    // unset, RATCHET_HTTP_PORT is the service's own default (serviceEnv(port, ...)), which must then be the design's
    expected.set('RATCHET_HTTP_PORT', String(HTTP_PORTS[svc]));
    const fallback = (k: string): string | undefined => (k === 'RATCHET_HTTP_PORT' ? String(defaultServicePort(svc) ?? HTTP_PORTS[svc]) : undefined);
    const actual = new Map([...expected.keys()].map((k) => [k, env.get(k) ?? fallback(k)]));
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
    for (const published of asList(service(svc).ports).map(String)) expect(published).toMatch(new RegExp(`:${HTTP_PORTS[svc]}$`));
  });

  it('builds the four service images from deploy/Dockerfile with the SERVICE build arg', () => {
    for (const svc of SERVICES) {
      const build = asObj(service(svc).build, `${svc}.build`);
      expect(str(build.dockerfile)).toBe('deploy/Dockerfile');
      expect(isObj(build.args) ? build.args.SERVICE : undefined).toBe(svc);
    }
  });
});
