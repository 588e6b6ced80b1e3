import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { run } from '../process/run.js';
import { apiserverURL, type LocalPlan } from './plan.js';

/**
 * A fresh PKI for each cluster, made with the openssl CLI (Node cannot make X.509
 * certificates): a CA, the apiserver's serving certificate, one client certificate per
 * component, the ServiceAccount signing key, and a kubeconfig per client.
 */
export interface ClientIdentity {
  /** File stem and kubeconfig name. */
  name: string;
  cn: string;
  org?: string;
}

export function clientIdentities(plan: LocalPlan): ClientIdentity[] {
  return [
    { name: 'admin', cn: 'kubernetes-admin', org: 'system:masters' },
    // bound to system:kubelet-api-admin after the apiserver is ready (see processes.ts)
    { name: 'apiserver-kubelet-client', cn: 'kube-apiserver-kubelet-client' },
    { name: 'controller-manager', cn: 'system:kube-controller-manager' },
    { name: 'scheduler', cn: 'system:kube-scheduler' },
    { name: 'kube-proxy', cn: 'system:kube-proxy' },
    // the Node authorizer and NodeRestriction need exactly system:node:<nodeName> in system:nodes
    ...plan.nodes.map((n) => ({ name: n.kubeletUser, cn: `system:node:${n.name}`, org: 'system:nodes' })),
  ];
}

export function apiserverSANs(plan: LocalPlan): string[] {
  const dns = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${plan.clusterDomain}`, 'localhost'];
  const ips = ['127.0.0.1', plan.apiServiceIP, plan.hostIP];
  return [...dns.map((d) => `DNS:${d}`), ...ips.map((i) => `IP:${i}`)];
}

/** The identities that get a kubeconfig: admin, the control plane, kube-proxy, each node's kubelet. */
export function kubeconfigClients(plan: LocalPlan): string[] {
  return ['admin', 'controller-manager', 'scheduler', 'kube-proxy', ...plan.nodes.map((n) => n.kubeletUser)];
}

const REQ_CONFIG = '[req]\ndistinguished_name = dn\n[dn]\n[v3_ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier = hash\n';

function subject(cn: string, org?: string): string {
  return `${org ? `/O=${org}` : ''}/CN=${cn}`;
}

function serial(): string {
  return `0x${randomBytes(16).toString('hex').replace(/^./, '1')}`;
}

async function newKey(path: string): Promise<void> {
  await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path]);
  chmodSync(path, 0o600);
}

async function signLeaf(dir: string, name: string, subj: string, extensions: string): Promise<void> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  await newKey(key);
  await run('openssl', ['req', '-new', '-config', join(dir, 'openssl.cnf'), '-key', key, '-subj', subj, '-out', csr]);
  writeFileSync(ext, extensions);
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-set_serial', serial(), '-days', '3650', '-extfile', ext, '-out', join(dir, `${name}.crt`)]);
  rmSync(csr);
  rmSync(ext);
}

/** Writes `<paths.pki>/{ca,apiserver,<client>}.{crt,key}`, `sa.{key,pub}` and the kubeconfigs. */
export async function writePki(plan: LocalPlan): Promise<void> {
  const dir = plan.paths.pki;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'openssl.cnf'), REQ_CONFIG);
  await newKey(join(dir, 'ca.key'));
  await run('openssl', ['req', '-x509', '-new', '-config', join(dir, 'openssl.cnf'), '-extensions', 'v3_ca', '-key', join(dir, 'ca.key'), '-subj', `/CN=probe-conformance-${plan.clusterName}-ca`, '-days', '3650', '-out', join(dir, 'ca.crt')]);
  await signLeaf(
    dir,
    'apiserver',
    subject('kube-apiserver'),
    `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${apiserverSANs(plan).join(',')}\n`,
  );
  for (const id of clientIdentities(plan)) {
    await signLeaf(dir, id.name, subject(id.cn, id.org), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  }
  await run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', join(dir, 'sa.key')]);
  chmodSync(join(dir, 'sa.key'), 0o600);
  await run('openssl', ['pkey', '-in', join(dir, 'sa.key'), '-pubout', '-out', join(dir, 'sa.pub')]);

  mkdirSync(plan.paths.kubeconfigs, { recursive: true, mode: 0o700 });
  for (const name of kubeconfigClients(plan)) {
    const path = join(plan.paths.kubeconfigs, `${name}.kubeconfig`);
    writeFileSync(path, kubeconfig(plan, name, dir), { mode: 0o600 });
  }
}

export function kubeconfigPath(plan: LocalPlan, name: string): string {
  return join(plan.paths.kubeconfigs, `${name}.kubeconfig`);
}

function b64(path: string): string {
  return readFileSync(path).toString('base64');
}

export function kubeconfig(plan: LocalPlan, user: string, pkiDir: string): string {
  const cluster = `probe-conformance-${plan.clusterName}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: apiserverURL(plan), 'certificate-authority-data': b64(join(pkiDir, 'ca.crt')) } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(join(pkiDir, `${user}.crt`)), 'client-key-data': b64(join(pkiDir, `${user}.key`)) } }],
    contexts: [{ name: cluster, context: { cluster, user } }],
    'current-context': cluster,
  });
}
