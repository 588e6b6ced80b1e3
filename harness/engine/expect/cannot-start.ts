import type { ClusterView } from '../observe/recorder.js';

/**
 * Waiting reasons that no amount of waiting cures: the image is not on the node and may not be
 * pulled, or its name is invalid. A step that waits on such a pod would only time out later with
 * a vaguer message, so it fails at once with the cause in one line. A failed pull (ErrImagePull,
 * ImagePullBackOff) may still succeed on a retry from a registry, so it is only named when the
 * step times out.
 */
const CANNOT_START = new Set(['ErrImageNeverPull', 'InvalidImageName']);
const PULL_FAILING = new Set(['ErrImagePull', 'ImagePullBackOff']);

const FIX: Record<string, string> = {
  ErrImageNeverPull: 'the image is not in the node\'s runtime and imagePullPolicy is Never: use a demo image the run builds (images/<folder>, docs/images.md) or fix the name',
  InvalidImageName: 'fix the image reference in the manifest',
};
const PULL_FIX = 'the node cannot pull it (no registry is reachable from an offline cluster): use a demo image the run builds (images/<folder>, docs/images.md) with imagePullPolicy: Never';

/**
 * The first container of the view's pods that cannot start for good (or, with `pulls`, whose
 * image pull is failing), as one line; undefined if none.
 */
export function cannotStart(view: Pick<ClusterView, 'pods'>, pulls = false): string | undefined {
  for (const [name, pod] of view.pods) {
    for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      const waiting = c.state?.waiting;
      if (!waiting?.reason || !(CANNOT_START.has(waiting.reason) || (pulls && PULL_FAILING.has(waiting.reason)))) continue;
      const said = (waiting.message ?? `image ${c.image}`).replace(/\s+/g, ' ').trim();
      return `pod ${name} container ${c.name} cannot start: ${waiting.reason}: ${said} (${FIX[waiting.reason] ?? PULL_FIX})`;
    }
  }
  return undefined;
}
