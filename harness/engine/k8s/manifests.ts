import { readFileSync } from 'node:fs';
import type * as k8s from '@kubernetes/client-node';
import YAML from 'yaml';
import { rewriteImageRefs, type ImageRewrite } from './image-refs.js';

/**
 * Reads a manifest file of a scenario folder. Manifests are plain Kubernetes YAML; placeholders:
 * ${NAMESPACE} (the scenario's namespace), for values such as hostPath paths that must be unique
 * per run, and the texts `values` names (e.g. `${podIP:handler}` -> an IP), replaced as given. Demo image references are rewritten for a registry when the
 * provider pushed the images to one (see image-refs.ts).
 */
export function readManifests(file: string, namespace: string, images?: ImageRewrite, values: Record<string, string> = {}): k8s.KubernetesObject[] {
  let text = readFileSync(file, 'utf8').replaceAll('${NAMESPACE}', namespace);
  for (const [placeholder, value] of Object.entries(values)) text = text.replaceAll(placeholder, value);
  const docs = YAML.parseAllDocuments(text);
  const errors = docs.flatMap((d) => d.errors.map((e) => e.message.split('\n')[0]));
  if (errors.length) throw new Error(`${file}: YAML error: ${errors.join('; ')}`);
  return docs
    .map((d) => d.toJS() as k8s.KubernetesObject | null)
    .filter((o): o is k8s.KubernetesObject => o !== null && typeof o === 'object')
    .map((o) => {
      if (!o.apiVersion || !o.kind || !o.metadata?.name) throw new Error(`${file}: every document needs apiVersion, kind and metadata.name`);
      return rewriteImageRefs({ ...o, metadata: { ...o.metadata, namespace } }, images);
    });
}
