// What each of dunbar's renders must contain, beyond the generic policy (k8s-policy.mjs):
//
//   node k8s-expectations.mjs base|dev|prod|prod-managed-redis rendered.yaml
//
// For every render:
//   - each DUNBAR_*_ADDR in the settings ConfigMap is dns:///<svc>.<ns>.svc.cluster.local:<port>
//     naming a headless Service of the render that has that port (so a namespace change that
//     forgets the addresses fails here, not in production);
//   - DUNBAR_REDIS_URL of every Redis client is built from the redis-auth Secret and the ConfigMap;
//   - every app.kubernetes.io/name in a NetworkPolicy peer names a workload of the render;
//   - the ServiceMonitor in deploy/monitoring selects a metrics port of every workload.
// Per overlay: dev has one replica each and every referenced Secret; prod autoscales the four
// servers, spreads every Deployment and runs Redis with appendfsync always; prod-managed-redis has
// no in-cluster Redis and points the services (and their egress) elsewhere.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifests, selectorMatches } from './k8s-policy.mjs';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVERS = ['membership', 'cohort', 'outreach', 'gateway'];
const ADDRESS = /^dns:\/\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local:(\d+)$/;

function byKind(objects, kind) {
  return objects.filter((o) => o.kind === kind);
}

function settings(objects) {
  return byKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('dunbar-settings'));
}

function checkAddresses(objects, problems) {
  const config = settings(objects);
  if (!config) {
    problems.push('no dunbar-settings ConfigMap');
    return;
  }
  for (const [key, value] of Object.entries(config.data ?? {})) {
    if (!/^DUNBAR_[A-Z]+_ADDR$/.test(key)) continue;
    const match = ADDRESS.exec(value);
    if (!match) {
      problems.push(`${key}=${value}: not dns:///<service>.<namespace>.svc.cluster.local:<port>`);
      continue;
    }
    const [, name, namespace, port] = match;
    const service = byKind(objects, 'Service').find(
      (s) => s.metadata.name === name && (s.metadata.namespace ?? 'default') === namespace,
    );
    if (!service) {
      problems.push(`${key}=${value}: no Service ${namespace}/${name} in the render`);
    } else if (service.spec?.clusterIP !== 'None') {
      problems.push(`${key}=${value}: Service ${name} is not headless (round_robin needs pod IPs)`);
    } else if (!(service.spec?.ports ?? []).some((p) => p.port === Number(port))) {
      problems.push(`${key}=${value}: Service ${name} has no port ${port}`);
    }
  }
}

function checkRedisUrls(objects, problems) {
  for (const deployment of byKind(objects, 'Deployment')) {
    for (const container of deployment.spec.template.spec.containers) {
      const env = container.env ?? [];
      const url = env.find((e) => e.name === 'DUNBAR_REDIS_URL');
      if (!url) continue;
      const password = env.find((e) => e.name === 'DUNBAR_REDIS_PASSWORD');
      if (!password?.valueFrom?.secretKeyRef?.name?.startsWith('redis-auth')) {
        problems.push(`${deployment.metadata.name}: DUNBAR_REDIS_PASSWORD not from redis-auth`);
      }
      if (env.indexOf(password) > env.indexOf(url)) {
        problems.push(`${deployment.metadata.name}: DUNBAR_REDIS_PASSWORD must come before the URL`);
      }
      if (url.value !== 'redis://$(DUNBAR_REDIS_USERNAME):$(DUNBAR_REDIS_PASSWORD)@$(DUNBAR_REDIS_ENDPOINT)') {
        problems.push(`${deployment.metadata.name}: DUNBAR_REDIS_URL is "${url.value}"`);
      }
    }
  }
}

function checkPolicyPeers(objects, problems) {
  const names = new Set(
    objects
      .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
      .map((w) => w.spec.template.metadata.labels['app.kubernetes.io/name']),
  );
  for (const policy of byKind(objects, 'NetworkPolicy')) {
    const peers = [
      ...(policy.spec.ingress ?? []).flatMap((r) => r.from ?? []),
      ...(policy.spec.egress ?? []).flatMap((r) => r.to ?? []),
    ];
    for (const peer of peers) {
      const name = peer.podSelector?.matchLabels?.['app.kubernetes.io/name'];
      if (name && !names.has(name)) {
        problems.push(`NetworkPolicy ${policy.metadata.name}: peer ${name} is no workload here`);
      }
    }
  }
}

function checkServiceMonitor(objects, problems) {
  const [monitor] = loadManifests(
    readFileSync(join(repoRoot, 'deploy/monitoring/servicemonitor.yaml'), 'utf8'),
  );
  const endpointPorts = new Set(monitor.spec.endpoints.map((e) => e.port));
  for (const workload of objects.filter((o) => o.kind === 'Deployment')) {
    const labels = workload.spec.template.metadata.labels;
    const scraped = byKind(objects, 'Service').some(
      (s) =>
        selectorMatches(monitor.spec.selector, s.metadata.labels) &&
        Object.entries(s.spec.selector ?? {}).every(([k, v]) => labels[k] === v) &&
        (s.spec.ports ?? []).some((p) => endpointPorts.has(p.name)),
    );
    if (!scraped) problems.push(`ServiceMonitor does not reach ${workload.metadata.name}'s metrics`);
  }
}

function referencedSecrets(objects) {
  const names = new Set();
  for (const workload of objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')) {
    const spec = workload.spec.template.spec;
    for (const volume of spec.volumes ?? []) {
      if (volume.secret) names.add(volume.secret.secretName);
    }
    for (const container of spec.containers) {
      for (const e of container.env ?? []) {
        if (e.valueFrom?.secretKeyRef) names.add(e.valueFrom.secretKeyRef.name);
      }
    }
  }
  return names;
}

function checkDev(objects, problems) {
  for (const deployment of byKind(objects, 'Deployment')) {
    if (deployment.spec.replicas !== 1) {
      problems.push(`dev: ${deployment.metadata.name} has ${deployment.spec.replicas} replicas`);
    }
  }
  const secrets = new Set(byKind(objects, 'Secret').map((s) => s.metadata.name));
  for (const name of referencedSecrets(objects)) {
    if (!secrets.has(name)) problems.push(`dev: Secret ${name} is referenced but not generated`);
  }
}

function checkProd(objects, problems, { inClusterRedis }) {
  const scaled = new Set(byKind(objects, 'HorizontalPodAutoscaler').map((h) => h.spec.scaleTargetRef.name));
  for (const name of SERVERS) {
    if (!scaled.has(name)) problems.push(`prod: no HorizontalPodAutoscaler for ${name}`);
  }
  for (const deployment of byKind(objects, 'Deployment')) {
    const spec = deployment.spec.template.spec;
    if (!spec.affinity?.podAntiAffinity || !(spec.topologySpreadConstraints ?? []).length) {
      problems.push(`prod: ${deployment.metadata.name} has no pod anti-affinity / zone spread`);
    }
  }
  if (inClusterRedis) {
    const redis = byKind(objects, 'StatefulSet').find((s) => s.metadata.name === 'redis');
    const args = redis?.spec.template.spec.containers[0].args ?? [];
    if (args.at(-2) !== '--appendfsync' || args.at(-1) !== 'always') {
      problems.push(`prod: Redis does not end its arguments with --appendfsync always: ${args}`);
    }
  }
}

function checkManagedRedis(objects, problems) {
  const leftovers = objects.filter(
    (o) => o.metadata.name.startsWith('redis') && o.kind !== 'Secret' && o.kind !== 'NetworkPolicy',
  );
  for (const o of leftovers) problems.push(`managed-redis: ${o.kind} ${o.metadata.name} remains`);
  if (objects.some((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'redis')) {
    problems.push('managed-redis: the in-cluster Redis NetworkPolicy remains');
  }
  const endpoint = settings(objects)?.data?.DUNBAR_REDIS_ENDPOINT ?? '';
  if (endpoint === '' || endpoint.includes('.svc.cluster.local')) {
    problems.push(`managed-redis: DUNBAR_REDIS_ENDPOINT still in-cluster: "${endpoint}"`);
  }
  const egress = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'redis-clients');
  const peers = (egress?.spec.egress ?? []).flatMap((r) => r.to ?? []);
  if (peers.length === 0 || !peers.every((p) => p.ipBlock?.cidr)) {
    problems.push('managed-redis: redis-clients egress is not limited to the managed address range');
  }
}

function main([variant, file]) {
  const objects = loadManifests(readFileSync(file, 'utf8'), file);
  const problems = [];
  checkAddresses(objects, problems);
  checkRedisUrls(objects, problems);
  checkPolicyPeers(objects, problems);
  checkServiceMonitor(objects, problems);
  switch (variant) {
    case 'base':
      break;
    case 'dev':
      checkDev(objects, problems);
      break;
    case 'prod':
      checkProd(objects, problems, { inClusterRedis: true });
      break;
    case 'prod-managed-redis':
      checkProd(objects, problems, { inClusterRedis: false });
      checkManagedRedis(objects, problems);
      break;
    default:
      console.error(`unknown variant ${variant}: base, dev, prod or prod-managed-redis`);
      return 2;
  }
  for (const p of problems) console.log(`expect(${variant}): ${p}`);
  if (problems.length > 0) return 1;
  console.log(`expect(${variant}): ok`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
