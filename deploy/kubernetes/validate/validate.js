#!/usr/bin/env node
// Validates every manifest in deploy/kubernetes offline:
//  1. each document against its schema: core kinds with kubernetes-models (the Kubernetes OpenAPI schemas),
//     ServiceMonitor with @kubernetes-models/prometheus-operator and ScaledObject with @kubernetes-models/keda
//     (both generated from the projects' published CRD schemas). These catch wrong types, missing required
//     fields and bad enums; like the API server's schemas here, they do not reject unknown fields.
//  2. cross-references no schema checks: selectors match the pod labels, probes and the ServiceMonitor name real
//     ports, mounts name real volumes, the ScaledObject targets the Deployment, kustomization lists every file,
//     and the pod runs as non-root with resources and probes.
// Exit code 0 when everything passes; otherwise each problem on stderr and exit code 1.
'use strict';
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');

const dir = path.resolve(process.argv[2] || path.join(__dirname, '..'));
const problems = [];
const problem = (file, msg) => problems.push(`${file}: ${msg}`);

function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const modules = {
    '': `kubernetes-models/${version}`,
    'monitoring.coreos.com': `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}`,
    'keda.sh': `@kubernetes-models/keda/keda.sh/${version}`,
  };
  const mod = modules[group] || `kubernetes-models/${group}/${version}`;
  let exports;
  try {
    exports = require(mod);
  } catch (e) {
    return null;
  }
  return exports[kind] || null;
}

const docs = [];
const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
for (const file of files) {
  let parsed;
  try {
    parsed = yaml.loadAll(fs.readFileSync(path.join(dir, file), 'utf8')).filter((d) => d);
  } catch (e) {
    problem(file, `not valid YAML: ${e.message}`);
    continue;
  }
  for (const doc of parsed) {
    if (doc.kind === 'Kustomization') {
      docs.push({ file, doc });
      continue;
    }
    const Model = modelFor(doc.apiVersion, doc.kind);
    if (!Model) {
      problem(file, `no schema for ${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (e) {
      problem(file, `${doc.kind} ${doc.metadata && doc.metadata.name}: ${e.message}`);
    }
    docs.push({ file, doc });
  }
}

const of = (kind) => docs.filter((d) => d.doc.kind === kind);
const one = (kind) => {
  const found = of(kind);
  if (found.length !== 1) problem('(all)', `expected exactly one ${kind}, found ${found.length}`);
  return found[0];
};
const matches = (selector, labels) =>
  Object.entries(selector || {}).every(([k, v]) => labels && labels[k] === v);

const dep = one('Deployment');
const svc = one('Service');
const pdb = one('PodDisruptionBudget');
const sm = one('ServiceMonitor');
const so = one('ScaledObject');
one('ConfigMap');
one('ServiceAccount');

if (dep) {
  const d = dep.doc;
  const podLabels = d.spec.template.metadata.labels;
  if (!matches(d.spec.selector.matchLabels, podLabels)) problem(dep.file, 'selector does not match the pod labels');
  const pod = d.spec.template.spec;
  if (!(pod.securityContext && pod.securityContext.runAsNonRoot)) problem(dep.file, 'pod must set runAsNonRoot');
  const volumes = new Set((pod.volumes || []).map((v) => v.name));
  for (const c of pod.containers) {
    const ports = new Set((c.ports || []).map((p) => p.name));
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const p = c[probe];
      if (!p) problem(dep.file, `container ${c.name} has no ${probe}`);
      else if (p.httpGet && typeof p.httpGet.port === 'string' && !ports.has(p.httpGet.port)) {
        problem(dep.file, `${probe} of ${c.name} names port '${p.httpGet.port}' that the container does not declare`);
      }
    }
    if (!c.resources || !c.resources.requests || !c.resources.limits) problem(dep.file, `container ${c.name} needs requests and limits`);
    const sc = c.securityContext || {};
    if (sc.allowPrivilegeEscalation !== false || sc.readOnlyRootFilesystem !== true) {
      problem(dep.file, `container ${c.name} must forbid privilege escalation and use a read-only root filesystem`);
    }
    for (const m of c.volumeMounts || []) {
      if (!volumes.has(m.name)) problem(dep.file, `mount ${m.mountPath} names unknown volume '${m.name}'`);
    }
  }
  if (!(pod.volumes || []).some((v) => v.secret)) problem(dep.file, 'secrets must be mounted as files (a secret volume)');
  if (!(pod.volumes || []).some((v) => v.projected && v.projected.sources.some((s) => s.serviceAccountToken))) {
    problem(dep.file, 'no projected service-account token for workload identity federation');
  }
  if (svc && !matches(svc.doc.spec.selector, podLabels)) problem(svc.file, 'selector matches no worker pod');
  if (pdb && !matches(pdb.doc.spec.selector.matchLabels, podLabels)) problem(pdb.file, 'selector matches no worker pod');
  if (so && so.doc.spec.scaleTargetRef.name !== d.metadata.name) problem(so.file, `scaleTargetRef names '${so.doc.spec.scaleTargetRef.name}', not the Deployment`);
}
if (sm && svc) {
  if (!matches(sm.doc.spec.selector.matchLabels, svc.doc.metadata.labels)) problem(sm.file, 'selector matches no Service');
  const svcPorts = new Set(svc.doc.spec.ports.map((p) => p.name));
  for (const e of sm.doc.spec.endpoints) {
    if (!svcPorts.has(e.port)) problem(sm.file, `endpoint port '${e.port}' is not a port of the Service`);
  }
}
if (so && !so.doc.spec.triggers.some((t) => t.type === 'kafka' && t.metadata.consumerGroup && t.metadata.topic)) {
  problem(so.file, 'needs a kafka trigger with consumerGroup and topic');
}
// SIGTERM: the worker drains for shutdown.drainTimeout, then commits and closes its clients (up to 40 s more);
// a shorter grace period means SIGKILL mid-commit, so in-flight requests would count as crashed.
const cm = of('ConfigMap')[0];
if (dep && cm) {
  const drain = drainSeconds(cm.doc.data && cm.doc.data['worker.yaml']);
  const grace = dep.doc.spec.template.spec.terminationGracePeriodSeconds;
  if (drain === null) problem(cm.file, 'worker.yaml: shutdown.drainTimeout is not a duration such as 20s');
  else if (!(grace >= drain + 40)) {
    problem(dep.file, `terminationGracePeriodSeconds ${grace} must be at least shutdown.drainTimeout (${drain} s) + 40 s`);
  }
}

/** shutdown.drainTimeout of the worker's YAML in seconds (20 when unset, the worker's default); null if unreadable. */
function drainSeconds(workerYaml) {
  let value;
  try {
    const cfg = yaml.load(workerYaml || '') || {};
    value = cfg.shutdown && cfg.shutdown.drainTimeout;
  } catch (e) {
    return null;
  }
  if (value === undefined) return 20;
  const m = /^(\d+)\s*(ms|s|m|h)$/.exec(String(value).trim());
  if (!m) return null;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2]];
}

const kust = of('Kustomization')[0];
if (!kust) {
  problem('(all)', 'no kustomization.yaml');
} else {
  const listed = new Set(kust.doc.resources);
  for (const f of files.filter((f) => f !== kust.file)) {
    if (!listed.has(f)) problem(kust.file, `does not list ${f}`);
  }
  for (const r of listed) if (!files.includes(r)) problem(kust.file, `lists missing file ${r}`);
}

if (problems.length) {
  problems.forEach((p) => console.error(p));
  process.exit(1);
}
console.log(`ok: ${docs.length} documents in ${dir} valid`);
