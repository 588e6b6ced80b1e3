import { delimiter, resolve } from 'node:path';
import { z } from 'zod';

/** The schemas the options' values are parsed with: raw text in, typed value out. */
const CONTROL = /[\u0000-\u001f\u007f]/;

export const text = z.string().refine((s) => !CONTROL.test(s));

export const trimmedText = text.transform((s) => s.trim());

export function choice<const V extends readonly [string, ...string[]]>(values: V) {
  return z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(z.enum(values));
}

const YES = ['1', 'true', 'yes'];

export const yesNo = choice(['1', 'true', 'yes', '0', 'false', 'no']).transform((v) => YES.includes(v));

export function wholeNumber(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^[0-9]+$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

export const directory = trimmedText.transform((s) => resolve(s));

export const pathList = text.transform((s) => s.split(delimiter).filter((f) => f !== ''));

/** A,B,C: trimmed, non-empty names without spaces; an empty value counts as unset. */
export const idList = text.transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)).pipe(z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)).min(1));

/** Name=true,Other=false (a bare Name is on): Kubernetes feature gates; an empty value counts as unset. */
export const featureGateList = text
  .transform((s, ctx) => {
    const gates: Record<string, boolean> = {};
    for (const item of s.split(',').map((x) => x.trim()).filter(Boolean)) {
      const m = /^([A-Z][A-Za-z0-9]*)(?:=(true|false))?$/.exec(item);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `"${item}" is not Name=true or Name=false` });
        return z.NEVER;
      }
      gates[m[1]!] = m[2] !== 'false';
    }
    return gates;
  });

/** A Kubernetes minor or release: 1.36, 1.36.3, v1.36.3. */
export const kubernetesVersion = z.string().trim().regex(/^v?\d+\.\d+(\.\d+)?$/);

export const imageReference = z.string().trim().regex(/^[^\s-]\S*$/);

/** host[:port] then optional lower-case path components: localhost:5000, ghcr.io/me, 10.0.0.5:5000/team. */
const REGISTRY = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export const registryPrefix = z
  .string()
  .transform((s) => s.trim().replace(/\/+$/, ''))
  .pipe(z.string().regex(REGISTRY));

/** How the existing provider reaches the nodes, as JSON: {"kind":"local"}, {"kind":"docker"} or {"kind":"none","reason":"..."}. */
export const nodeAccessJson = z
  .string()
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.union([z.strictObject({ kind: z.literal('local') }), z.strictObject({ kind: z.literal('docker') }), z.strictObject({ kind: z.literal('none'), reason: z.string().min(1) })]));

export const archiveUri = z
  .string()
  .trim()
  .regex(/^(https?|file):\/\/\S+$/i)
  .transform((s) => s.replace(/\/+$/, ''));
