import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Finds an executable the way `command -v` does, from a PATH string instead of the process's
 * own (so checks can be pointed at a directory of fake executables). No child process.
 */
export function findExecutable(name: string, path: string = process.env.PATH ?? ''): string | undefined {
  const candidates = isAbsolute(name) ? [name] : path.split(delimiter).filter((d) => d !== '').map((d) => join(d, name));
  return candidates.find(isExecutableFile);
}

export function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
