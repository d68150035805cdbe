// External command-line tools the int tier uses when the machine has them.
import { spawnSync } from 'node:child_process';
import { repoRoot } from './repo-files';

export const hasCommand = (cmd: string, ...args: string[]): boolean => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

export function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `describe` where the tool is there; where it is not, `describe.skip` with a warning, except under
 * CI=true: CI installs every tool the int tier uses (tools/test.sh), so there a missing one adds a
 * failing test beside the skipped ones.
 */
export function describeWithTool(tool: string, available: boolean): jest.Describe {
  if (available) return describe;
  if (process.env.CI === 'true') {
    it(`has ${tool}`, () => {
      throw new Error(`${tool} is missing; tools/test.sh installs it before the int tier`);
    });
  } else {
    console.warn(`${tool} not found: skipping the checks that need it`);
  }
  return describe.skip;
}

/** How to render a kustomization: RATCHET_KUSTOMIZE (a kustomize binary, see k8s/install-kustomize.sh), else kubectl's built-in kustomize. */
export function kustomizeCommand(): { cmd: string; args: (dir: string) => string[] } | null {
  const bin = process.env.RATCHET_KUSTOMIZE;
  if (bin && hasCommand(bin, 'version')) return { cmd: bin, args: (dir) => ['build', dir] };
  if (hasCommand('kubectl', 'version', '--client')) return { cmd: 'kubectl', args: (dir) => ['kustomize', dir] };
  return null;
}
