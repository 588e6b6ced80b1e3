/** The version a go.mod requires a module at, e.g. v1.34.4 for k8s.io/kubernetes. */
export function requiredVersion(goModText: string, modulePath: string): string {
  const escaped = modulePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(goModText);
  if (!match?.[1]) throw new Error(`go.mod does not require ${modulePath}`);
  return match[1];
}
