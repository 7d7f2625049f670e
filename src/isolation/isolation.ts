import { execa } from 'execa';
import { usageError } from '../errors.js';
import { findExecutable } from '../pty/preflight.js';

/** What the user asks for (config `isolation`, flag `--isolation`): `auto` is the sandbox wherever it works. */
export type IsolationSetting = 'auto' | 'sandbox' | 'none';
export const ISOLATION_SETTINGS: readonly IsolationSetting[] = ['auto', 'sandbox', 'none'];

/** The isolation in force for a run, as recorded in its manifest and journal. */
export interface Isolation {
  mode: 'sandbox' | 'none';
  /** The sandbox program's version (`bubblewrap 0.8.0`) and path. */
  tool?: string;
  program?: string;
  /** Why there is no sandbox (asked for `none`, or the platform has none). */
  why?: string;
}

export type SandboxProbe = { ok: true; bwrap: string; version: string } | { ok: false; reason: string };

const FIX = 'install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap)';

/**
 * Can agents run in a bubblewrap sandbox here? Tries the very mounts a run uses (a PID namespace and a fresh
 * /proc), because bwrap can be installed yet refused by the kernel or a container's seccomp profile.
 */
export async function probeSandbox(pathValue: string | undefined, platform = process.platform): Promise<SandboxProbe> {
  if (platform !== 'linux') return { ok: false, reason: `no sandbox for ${platform} yet (bubblewrap needs Linux)` };
  const bwrap = findExecutable('bwrap', pathValue, '/');
  if (!bwrap) return { ok: false, reason: `bubblewrap (bwrap) is not installed; ${FIX}` };
  const version = await execa(bwrap, ['--version'], { reject: false, timeout: 5000 });
  const trial = await execa(bwrap, ['--dev-bind', '/', '/', '--unshare-pid', '--proc', '/proc', '--die-with-parent', '--', 'true'], { reject: false, timeout: 10_000 });
  if (trial.exitCode !== 0) {
    const detail = (trial.stderr || trial.stdout || `exit ${trial.exitCode}`).trim().split('\n')[0];
    return { ok: false, reason: `bubblewrap cannot create a PID namespace here (${detail}); allow unprivileged user namespaces, or run loop where they are allowed` };
  }
  return { ok: true, bwrap, version: version.stdout.trim() || 'bubblewrap' };
}

/** Turn the setting into the isolation in force; asking for `sandbox` where there is none is a usage error. */
export async function resolveIsolation(setting: IsolationSetting, pathValue: string | undefined): Promise<Isolation> {
  if (setting === 'none') return { mode: 'none', why: 'isolation "none" was asked for' };
  const probe = await probeSandbox(pathValue);
  if (probe.ok) return { mode: 'sandbox', tool: probe.version, program: probe.bwrap };
  if (setting === 'sandbox') throw usageError(`isolation "sandbox": ${probe.reason}`, 'or run with --isolation none (agents are then not isolated; see loop doctor)');
  return { mode: 'none', why: probe.reason };
}

/** What is and is not protected, in plain words (run start, `loop doctor`, README). */
export function isolationStatement(isolation: Isolation): { summary: string; protects: string[]; exposes: string[] } {
  if (isolation.mode === 'sandbox') {
    return {
      summary: `sandbox (${isolation.tool}): each agent in its own PID namespace, seeing only its own drop-box`,
      protects: [
        "an agent cannot see the other agent's processes, environment or open files (/proc)",
        "an agent's messages count only as its own role: LOOP_ROLE, --to and \"from\" fields cannot change that",
        "the journal, manifest, proof logs and the other agent's drop-box are read-only or hidden; writes to its view of them are refused and journaled",
      ],
      exposes: [
        'both agents share the repository, $HOME and the network, as the harnesses need',
      ],
    };
  }
  return {
    summary: `none (${isolation.why}): agents run as you, unisolated`,
    protects: [
      'a message must be signed with its role key (LOOP_TOKEN): LOOP_ROLE alone, or a file written into spool/, is refused and journaled',
      'the journal is a hash chain: an appended or edited line is refused while loop runs and stops a resume',
    ],
    exposes: [
      "a worker that reads the reviewer's environment through /proc can take its key and forge its review",
      'a determined agent can rewrite the run records; loop verify then reports it',
    ],
  };
}
