import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The parts of Ginkgo v2's JSON report (--ginkgo.json-report) the summary reads: a JSON array
 * of types.Report, each with SpecReports (types.SpecReport, github.com/onsi/ginkgo/v2/types/types.go,
 * v2.27 for Kubernetes v1.35). Durations (RunTime) are nanoseconds; State and LeafNodeType are
 * strings ("passed", "failed", "skipped", "timedout", "interrupted" ...; "It", "BeforeSuite",
 * "SynchronizedBeforeSuite", "ReportAfterSuite" ...). Other fields are kept, unread.
 */
const failure = z.looseObject({ Message: z.string().optional().default('') });

const specReport = z.looseObject({
  ContainerHierarchyTexts: z.array(z.string()).nullish().transform((v) => v ?? []),
  LeafNodeType: z.string(),
  LeafNodeText: z.string().optional().default(''),
  LeafNodeLabels: z.array(z.string()).nullish(),
  State: z.string(),
  RunTime: z.number().optional().default(0),
  Failure: failure.optional(),
});
export type GinkgoSpecReport = z.infer<typeof specReport>;

const suiteReport = z.looseObject({
  SuiteDescription: z.string().optional().default(''),
  SuiteSucceeded: z.boolean(),
  SpecialSuiteFailureReasons: z.array(z.string()).nullish().transform((v) => v ?? []),
  PreRunStats: z.looseObject({ TotalSpecs: z.number(), SpecsThatWillRun: z.number() }).optional(),
  RunTime: z.number().optional().default(0),
  SpecReports: z.array(specReport).nullish().transform((v) => v ?? []),
});
export type GinkgoSuiteReport = z.infer<typeof suiteReport>;

export function parseGinkgoReport(json: unknown, what = 'the Ginkgo JSON report'): GinkgoSuiteReport[] {
  const parsed = z.array(suiteReport).min(1).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${what}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return parsed.data;
}

export function readGinkgoReport(file: string): GinkgoSuiteReport[] {
  return parseGinkgoReport(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** Ginkgo's SpecReport.FullText(): the container texts and the leaf text, joined by single spaces. */
export function fullText(spec: Pick<GinkgoSpecReport, 'ContainerHierarchyTexts' | 'LeafNodeText'>): string {
  return [...spec.ContainerHierarchyTexts, ...(spec.LeafNodeText ? [spec.LeafNodeText] : [])].join(' ');
}

export const seconds = (nanoseconds: number) => Math.round(nanoseconds / 1e8) / 10;

/** The first non-empty line of a message, cut to 300 characters. */
export function firstLine(message: string | undefined): string | undefined {
  const line = message?.split('\n').map((l) => l.trim()).find(Boolean);
  return line && line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
