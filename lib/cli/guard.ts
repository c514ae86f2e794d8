// Guarding a run against its description's own code where no call of pogogen's can catch it: a throw from a timer
// or a callback, a rejected Promise nothing handles. Each is caught for the process, placed in build.pogo.ts through
// the loader's source map, and ends the run with exit 1 before anything is written.
import path from 'node:path';
import { DEFAULT_LOAD_TIMEOUT_MS, type FrameOf } from '../load/load.ts';
import { DiagnosticsError, thrownText, type Diagnostic } from '../model/diagnostics.ts';

interface Fault {
  readonly value: unknown;
  readonly how: 'threw' | 'rejected';
}

export class Guard {
  private fault: Fault | undefined;
  private frameOf: FrameOf | undefined;
  private fail: (err: unknown) => void = () => {};
  /** Rejects at the first fault: with a DiagnosticsError when it is the description's, else with what was thrown. */
  readonly raised: Promise<never>;
  private readonly onThrow = (err: unknown): void => this.record({ value: err, how: 'threw' });
  private readonly onReject = (reason: unknown): void => this.record({ value: reason, how: 'rejected' });

  constructor(private readonly root: string) {
    this.raised = new Promise<never>((_, reject) => (this.fail = reject));
    this.raised.catch(() => {});
    process.on('uncaughtException', this.onThrow);
    process.on('unhandledRejection', this.onReject);
  }

  /** The loader's frame mapper, for placing faults raised by the description from now on. */
  watch(frameOf: FrameOf): void {
    this.frameOf = frameOf;
  }

  /**
   * Waits one turn of the event loop, so that what the description scheduled with no delay (a `setTimeout(...,
   * 0)`, which runs before this later one, or a rejection nothing handles) has happened, then throws what `raised`
   * rejects with if anything did: called just before files are written.
   */
  async settle(): Promise<void> {
    await new Promise((done) => setTimeout(done, 0));
    if (this.fault !== undefined) throw this.error(this.fault);
  }

  stop(): void {
    process.off('uncaughtException', this.onThrow);
    process.off('unhandledRejection', this.onReject);
  }

  private record(fault: Fault): void {
    if (this.fault !== undefined) return;
    this.fault = fault;
    this.fail(this.error(fault));
  }

  /**
   * The description's fault as a diagnostic: an Error with a frame in its files, or anything pogogen would never
   * throw (a value that is no Error, an Error whose stack cannot be read as text). Any other Error is pogogen's
   * own, reported as an internal error.
   */
  private error({ value, how }: Fault): unknown {
    const at = this.frameOf?.(value);
    if (at === undefined && value instanceof Error && stackOf(value) !== undefined) return value;
    const file = at?.file ?? path.join(this.root, 'build.pogo.ts');
    const d: Diagnostic = {
      file: file.startsWith(`${this.root}/`) ? file.slice(this.root.length + 1) : file,
      ...(at === undefined ? {} : { line: at.line, column: at.column }),
      path: '',
      message: how === 'threw' ? `the description threw outside any call of pogogen's (from a timer or a callback): ${thrownText(value)}` : `a Promise the description made was rejected and nothing handled it: ${thrownText(value)}`,
      help: 'pogogen uses the value build.pogo.ts exports: do the work before exporting it, or catch the error there',
    };
    return new DiagnosticsError([d]);
  }
}

/** An Error's stack, or undefined when reading it throws (V8 formats it on first access, calling user getters). */
export function stackOf(err: Error): string | undefined {
  try {
    const stack: unknown = err.stack;
    return typeof stack === 'string' ? stack : undefined;
  } catch {
    return undefined;
  }
}

/** POGOGEN_LOAD_TIMEOUT (seconds) as milliseconds, the default when unset, or a diagnostic for a bad value. */
export function loadTimeout(env: NodeJS.ProcessEnv): number {
  const raw = env.POGOGEN_LOAD_TIMEOUT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_LOAD_TIMEOUT_MS;
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0) throw new DiagnosticsError([{ file: '<environment>', path: 'POGOGEN_LOAD_TIMEOUT', message: `expected a number of seconds greater than 0, got ${JSON.stringify(raw)}` }]);
  return Math.ceil(s * 1000);
}
