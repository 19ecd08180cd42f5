// Policy test for rendered Kubernetes manifests (the output of `kubectl kustomize`): the rules
// dunbar's deployment promises, checked on what would actually be applied.
//
//   node k8s-policy.mjs rendered.yaml [more.yaml ...]
//
// Prints one line per violation ("Deployment dunbar/cohort: ...") and exits 1 if there is any,
// 0 (with a summary) otherwise. The rules, per workload (Deployment, StatefulSet):
//   - every container: readiness and liveness probes; cpu+memory requests and limits; image with a
//     tag that is not `latest` (or a digest); runAsNonRoot, readOnlyRootFilesystem,
//     allowPrivilegeEscalation false, capabilities drop ALL, seccomp RuntimeDefault/Localhost;
//     every probe port (grpc, httpGet, tcpSocket; number or name) declared by the container;
//   - a Service selecting its pods, whose target ports the pods declare; a Service with a gRPC port
//     is headless (clients balance with round_robin over DNS);
//   - a NetworkPolicy selecting its pods by label, and a default-deny policy in its namespace;
//   - its own ServiceAccount (not `default`) with the API token not mounted;
//   - Deployments also: a PodDisruptionBudget; a preStop hook; terminationGracePeriodSeconds longer
//     than the preStop sleep plus the server's drain deadline (DUNBAR_DRAIN_TIMEOUT from env,
//     envFrom ConfigMaps or --drain-timeout-seconds; the server default 20 s otherwise).
// And: a HorizontalPodAutoscaler's target exists and carries no `replicas` (it would fight the HPA).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet']);
const SERVER_DEFAULT_DRAIN_SECONDS = 20; // common/server/server_config.h
const GRPC_PORT_NAME = /^grpc(-|$)/;

export function loadManifests(text, source = '<input>') {
  const objects = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new Error(`${source}: YAML error: ${doc.errors[0].message}`);
    }
    const value = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

function id(obj) {
  const ns = obj.metadata?.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata?.name}`;
}

function sameNamespace(a, b) {
  return (a.metadata?.namespace ?? 'default') === (b.metadata?.namespace ?? 'default');
}

// Kubernetes label selector semantics (matchLabels + matchExpressions). An empty selector
// selects everything; callers that need a specific selection check for emptiness themselves.
export function selectorMatches(selector, labels) {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  for (const expr of selector?.matchExpressions ?? []) {
    const present = Object.prototype.hasOwnProperty.call(have, expr.key);
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
        if (!present || !values.includes(have[expr.key])) return false;
        break;
      case 'NotIn':
        if (present && values.includes(have[expr.key])) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function isEmptySelector(selector) {
  return (
    Object.keys(selector?.matchLabels ?? {}).length === 0 &&
    (selector?.matchExpressions ?? []).length === 0
  );
}

// A Service selector is a plain map.
function serviceSelects(service, labels) {
  const selector = service.spec?.selector ?? {};
  if (Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function imageProblem(image) {
  if (!image) return 'has no image';
  if (image.includes('@sha256:')) return null; // pinned by digest
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon < 0) return `image "${image}" has no tag`;
  const tag = lastSegment.slice(colon + 1);
  if (tag === '' ) return `image "${image}" has no tag`;
  if (tag === 'latest') return `image "${image}" uses the tag latest`;
  return null;
}

function probePorts(probe) {
  if (!probe) return [];
  const ports = [];
  if (probe.grpc) ports.push({ kind: 'grpc', port: probe.grpc.port });
  if (probe.httpGet) ports.push({ kind: 'httpGet', port: probe.httpGet.port });
  if (probe.tcpSocket) ports.push({ kind: 'tcpSocket', port: probe.tcpSocket.port });
  return ports;
}

function declaresPort(container, port) {
  const declared = container.ports ?? [];
  if (typeof port === 'number') return declared.some((p) => p.containerPort === port);
  if (typeof port === 'string' && /^\d+$/.test(port)) {
    return declared.some((p) => p.containerPort === Number(port));
  }
  return declared.some((p) => p.name === port);
}

function podDeclaresPort(podSpec, port) {
  return (podSpec.containers ?? []).some((c) => declaresPort(c, port));
}

function effective(podSpec, container, field) {
  return container.securityContext?.[field] ?? podSpec.securityContext?.[field];
}

function checkContainer(where, podSpec, container, violations) {
  const at = `${where} container ${container.name}`;
  const image = imageProblem(container.image);
  if (image) violations.push(`${at}: ${image}`);

  for (const probe of ['readinessProbe', 'livenessProbe']) {
    if (!container[probe]) violations.push(`${at}: no ${probe}`);
  }
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
    for (const { kind, port } of probePorts(container[probe])) {
      if (!declaresPort(container, port)) {
        violations.push(
          `${at}: ${probe} ${kind} probe port ${JSON.stringify(port)} is not a port the ` +
            'container declares',
        );
      }
    }
  }

  for (const bound of ['requests', 'limits']) {
    for (const resource of ['cpu', 'memory']) {
      if (container.resources?.[bound]?.[resource] === undefined) {
        violations.push(`${at}: no resources.${bound}.${resource}`);
      }
    }
  }

  if (effective(podSpec, container, 'runAsNonRoot') !== true) {
    violations.push(`${at}: securityContext.runAsNonRoot is not true`);
  }
  if (effective(podSpec, container, 'runAsUser') === 0) {
    violations.push(`${at}: securityContext.runAsUser is 0 (root)`);
  }
  if (container.securityContext?.readOnlyRootFilesystem !== true) {
    violations.push(`${at}: securityContext.readOnlyRootFilesystem is not true`);
  }
  if (container.securityContext?.allowPrivilegeEscalation !== false) {
    violations.push(`${at}: securityContext.allowPrivilegeEscalation is not false`);
  }
  if (!(container.securityContext?.capabilities?.drop ?? []).includes('ALL')) {
    violations.push(`${at}: securityContext.capabilities does not drop ALL`);
  }
  const seccomp = effective(podSpec, container, 'seccompProfile')?.type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
    violations.push(`${at}: seccompProfile is not RuntimeDefault (or Localhost)`);
  }
}

// The drain deadline the container's server will use, in seconds.
function drainSeconds(container, objects, workload) {
  const flag = (container.args ?? [])
    .concat(container.command ?? [])
    .map((a) => /^--drain-timeout-seconds=(\d+)$/.exec(a))
    .find(Boolean);
  if (flag) return Number(flag[1]);
  const env = (container.env ?? []).find((e) => e.name === 'DUNBAR_DRAIN_TIMEOUT');
  if (env?.value !== undefined) return Number(env.value);
  // Later envFrom sources win, as in the kubelet.
  for (const source of [...(container.envFrom ?? [])].reverse()) {
    const name = source.configMapRef?.name;
    if (!name) continue;
    const configMap = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata?.name === name && sameNamespace(o, workload),
    );
    const value = configMap?.data?.[`${source.prefix ?? ''}DUNBAR_DRAIN_TIMEOUT`];
    if (value !== undefined) return Number(value);
  }
  return SERVER_DEFAULT_DRAIN_SECONDS;
}

function checkTermination(where, workload, podSpec, objects, violations) {
  const grace = podSpec.terminationGracePeriodSeconds ?? 30;
  for (const container of podSpec.containers ?? []) {
    const preStop = container.lifecycle?.preStop;
    if (!preStop) {
      violations.push(`${where} container ${container.name}: no lifecycle.preStop hook`);
      continue;
    }
    const sleep = preStop.sleep?.seconds ?? 0;
    const drain = drainSeconds(container, objects, workload);
    // At least one second after the drain deadline for the process to exit by itself.
    if (grace < sleep + drain + 1) {
      violations.push(
        `${where} container ${container.name}: terminationGracePeriodSeconds ${grace} does not ` +
          `cover preStop sleep ${sleep} s + drain deadline ${drain} s + 1 s to exit`,
      );
    }
  }
}

function checkServiceAccount(where, workload, podSpec, objects, violations) {
  const name = podSpec.serviceAccountName;
  if (!name || name === 'default') {
    violations.push(`${where}: runs as the default ServiceAccount (give it its own)`);
    return;
  }
  const account = objects.find(
    (o) => o.kind === 'ServiceAccount' && o.metadata?.name === name && sameNamespace(o, workload),
  );
  if (!account) {
    violations.push(`${where}: ServiceAccount ${name} is not in the manifests`);
  }
  const automount = podSpec.automountServiceAccountToken ?? account?.automountServiceAccountToken;
  if (automount !== false) {
    violations.push(`${where}: mounts a ServiceAccount API token (automountServiceAccountToken)`);
  }
}

function checkWorkload(workload, objects, violations) {
  const where = id(workload);
  const template = workload.spec?.template ?? {};
  const labels = template.metadata?.labels ?? {};
  const podSpec = template.spec ?? {};

  if (isEmptySelector(workload.spec?.selector) || !selectorMatches(workload.spec?.selector, labels)) {
    violations.push(`${where}: spec.selector does not select its own pod template`);
  }
  for (const container of podSpec.containers ?? []) {
    checkContainer(where, podSpec, container, violations);
  }

  const services = objects.filter(
    (o) => o.kind === 'Service' && sameNamespace(o, workload) && serviceSelects(o, labels),
  );
  if (services.length === 0) violations.push(`${where}: no Service selects its pods`);
  for (const service of services) {
    for (const port of service.spec?.ports ?? []) {
      const target = port.targetPort ?? port.port;
      if (!podDeclaresPort(podSpec, target)) {
        violations.push(
          `${id(service)}: targetPort ${JSON.stringify(target)} is not a port ${where} declares`,
        );
      }
      const isGrpc = GRPC_PORT_NAME.test(port.name ?? '') || port.appProtocol === 'grpc';
      if (isGrpc && service.spec?.clusterIP !== 'None') {
        violations.push(
          `${id(service)}: serves gRPC (port ${port.name}) but is not headless ` +
            '(clusterIP: None), so clients cannot balance over pods',
        );
      }
    }
  }

  const policies = objects.filter(
    (o) =>
      o.kind === 'NetworkPolicy' &&
      sameNamespace(o, workload) &&
      !isEmptySelector(o.spec?.podSelector) &&
      selectorMatches(o.spec?.podSelector, labels),
  );
  if (policies.length === 0) violations.push(`${where}: no NetworkPolicy selects its pods`);

  checkServiceAccount(where, workload, podSpec, objects, violations);

  if (workload.kind === 'Deployment') {
    const budgets = objects.filter(
      (o) =>
        o.kind === 'PodDisruptionBudget' &&
        sameNamespace(o, workload) &&
        !isEmptySelector(o.spec?.selector) &&
        selectorMatches(o.spec?.selector, labels),
    );
    if (budgets.length === 0) violations.push(`${where}: no PodDisruptionBudget selects its pods`);
    checkTermination(where, workload, podSpec, objects, violations);
  }
}

function checkDefaultDeny(workloads, objects, violations) {
  const namespaces = new Set(workloads.map((w) => w.metadata?.namespace ?? 'default'));
  for (const ns of namespaces) {
    const denies = objects.some(
      (o) =>
        o.kind === 'NetworkPolicy' &&
        (o.metadata?.namespace ?? 'default') === ns &&
        isEmptySelector(o.spec?.podSelector) &&
        (o.spec?.policyTypes ?? []).includes('Ingress') &&
        (o.spec?.policyTypes ?? []).includes('Egress') &&
        (o.spec?.ingress ?? []).length === 0 &&
        (o.spec?.egress ?? []).length === 0,
    );
    if (!denies) {
      violations.push(`namespace ${ns}: no default-deny NetworkPolicy (podSelector {}, no rules)`);
    }
  }
}

function checkAutoscalers(objects, violations) {
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const target = objects.find(
      (o) => o.kind === ref.kind && o.metadata?.name === ref.name && sameNamespace(o, hpa),
    );
    if (!target) {
      violations.push(`${id(hpa)}: target ${ref.kind}/${ref.name} is not in the manifests`);
    } else if (target.spec?.replicas !== undefined) {
      violations.push(
        `${id(hpa)}: target ${id(target)} sets spec.replicas, which resets the autoscaler on ` +
          'every apply',
      );
    }
  }
}

export function checkManifests(objects) {
  const violations = [];
  const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
  for (const workload of workloads) checkWorkload(workload, objects, violations);
  checkDefaultDeny(workloads, objects, violations);
  checkAutoscalers(objects, violations);
  return { workloads: workloads.length, violations };
}

function main(files) {
  if (files.length === 0) {
    console.error('usage: node k8s-policy.mjs rendered.yaml [more.yaml ...]');
    return 2;
  }
  const objects = files.flatMap((f) => loadManifests(readFileSync(f, 'utf8'), f));
  const { workloads, violations } = checkManifests(objects);
  for (const v of violations) console.log(`policy: ${v}`);
  if (workloads === 0) {
    console.log('policy: no Deployment or StatefulSet found: nothing was checked');
    return 1;
  }
  if (violations.length > 0) return 1;
  console.log(`policy: ok (${workloads} workloads, ${objects.length} objects)`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
