import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import type { Kube } from './client.js';
import { errorText } from '../../common/errors.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * Runs a command in a container through the API (like kubectl exec) and waits for it to end.
 * The exit code comes from the final status message of the exec stream.
 */
export async function execInContainer(
  kube: Kube,
  namespace: string,
  pod: string,
  container: string,
  command: string[],
  timeoutMs = 30_000,
): Promise<ExecResult> {
  const out = collector();
  const err = collector();
  let socket: { close(): void; on(ev: 'close', fn: () => void): void } | undefined;
  return await new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      socket?.close();
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`exec in ${pod}/${container} timed out after ${timeoutMs} ms: ${command.join(' ')}`))),
      timeoutMs,
    );
    new k8s.Exec(kube.kc)
      .exec(namespace, pod, container, command, out.stream, err.stream, null, false, (status: k8s.V1Status) => {
        const code =
          status.status === 'Success' ? 0 : Number(status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message ?? -1);
        // The status frame can arrive before the last output frame; let the stream drain.
        setTimeout(() => finish(() => resolve({ stdout: out.text(), stderr: err.text(), exitCode: code, ...(code === -1 ? { stderr: err.text() || (status.message ?? '') } : {}) })), 50);
      })
      .then(
        (ws) => {
          socket = ws as unknown as typeof socket;
          ws.on('close', () => setTimeout(() => finish(() => reject(new Error(`exec in ${pod}/${container}: stream closed without a status`))), 200));
        },
        (e: unknown) => finish(() => reject(e instanceof Error ? e : new Error(`exec in ${pod}/${container} could not start: ${errorText(e)}`))),
      );
  });
}
