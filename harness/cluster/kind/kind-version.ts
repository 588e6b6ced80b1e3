/**
 * The kind release this suite drives, pinned in ONE place, and the node image that release
 * uses by default. Bump both together: kind only supports node images built for its release
 * (https://kind.sigs.k8s.io/docs/design/node-image).
 */
export const KIND_MODULE = 'sigs.k8s.io/kind';
export const KIND_VERSION = 'v0.32.0';

/**
 * kind v0.32.0's default node image (Kubernetes v1.36.1), from
 * pkg/apis/config/defaults/image.go at tag v0.32.0 (commit cda67ef8). Pinned by digest so the
 * same bytes run everywhere. Override with PROBE_KIND_NODE_IMAGE.
 */
export const DEFAULT_NODE_IMAGE = 'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5';
