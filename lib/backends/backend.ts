// The shape every backend has: Steps in, files out, pure. The CLI iterates the chosen build-file backend and
// compile_commands.json's; adding a backend means one module implementing `Backend`, its name in `buildBackends`
// (lib/backends/index.ts) and nothing else in the CLI but the `--backend` help text.
import type { Diagnostic } from '../model/diagnostics.ts';
import type { Steps } from '../plan/steps.ts';

/** Names of the backends that write the build file (`--backend=NAME`), and the file each writes by default. */
export const buildFileDefaults = { ninja: 'build.ninja', make: 'Makefile' } as const;
export type BuildBackendName = keyof typeof buildFileDefaults;
export const buildBackendNames = Object.keys(buildFileDefaults) as readonly BuildBackendName[];

/** Where the CLI put a backend's main file (--build-file, --compdb), root-relative. */
export interface BackendTarget {
  readonly file: string;
  /** Where a target is declared in build.pogo.ts, for a refusal. */
  readonly where: (target: string) => { readonly file: string; readonly line?: number };
}

/** A file a backend writes: root-relative path and text (or pieces of text written in order). */
export type BackendFile = readonly [path: string, text: string | Iterable<string>];

export interface Backend {
  readonly name: BuildBackendName | 'compdb';
  /** The file it writes when the command line names none. */
  readonly defaultFile: string;
  /** What in `steps` this backend cannot express, as diagnostics (nothing is written when there are any). */
  refuses(steps: Steps, at: BackendTarget): Diagnostic[];
  /** Every file it writes, in a stable order. */
  files(steps: Steps, at: BackendTarget): BackendFile[];
  /**
   * A file the CLI touches whenever the main file is written or the stamp is missing (make's regeneration rule
   * compares against it), or undefined.
   */
  readonly stamp?: string;
}
