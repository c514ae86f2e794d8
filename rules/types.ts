// The shape of a toolchain's rule table: argv templates and flag spellings as data, read by lib/plan/.

/**
 * An argv template element. Strings may contain placeholders: `{cflags}`, `{ldflags}`, `{libs}` (spliced lists),
 * `{cc}`, `{ar}` (spliced commands), and `{in}`, `{out}`, `{depfile}`, `{soname}` which the plan either fills or
 * leaves for the backend (ninja's $in/$out). `{ raw: '&&' }` is a shell operator, never quoted.
 */
export type TemplateElement = string | { readonly raw: string };

export interface RuleTable {
  readonly family: 'gcc' | 'clang';
  /** Compile one C source, writing a gcc-style depfile (`-MMD`: what make, ninja and samurai all read). */
  readonly compile: readonly TemplateElement[];
  /** Archive objects into a static library; removes the old archive first so deleted objects do not linger. */
  readonly archive: readonly TemplateElement[];
  /** Link an executable. */
  readonly link: readonly TemplateElement[];
  /** Link a shared library. */
  readonly linkShared: readonly TemplateElement[];
  /** Move debug info into `{debug}` and leave `{out}` stripped with a .gnu_debuglink to it. */
  readonly splitDebug: readonly TemplateElement[];
  /** Archiver command: plain, and the LTO-aware one (plugin-loading wrapper). */
  readonly ar: { readonly plain: readonly string[]; readonly lto: readonly string[] };
  readonly flags: {
    readonly define: (d: string) => string;
    readonly include: (dir: string) => string;
    readonly lib: (name: string) => string;
    readonly pic: readonly string[];
    readonly lto: {
      readonly compile: readonly string[];
      readonly link: readonly string[];
      /**
       * Link flags that keep the LTO backend's per-module output in `dir` and reuse it when a module and what it
       * imports are unchanged (ThinLTO's cache), for the `-fuse-ld=` linker given (undefined: the compiler's
       * default). Absent: the toolchain re-optimises the whole program at every link (gcc 12 has no such cache).
       */
      readonly cache?: (dir: string, linker: string | undefined) => string[];
    };
    readonly sanitize: (names: readonly string[]) => { compile: string[]; link: string[] };
    readonly coverage: { readonly compile: readonly string[]; readonly link: readonly string[] };
    readonly strip: readonly string[];
    readonly rpath: (dir: string) => string;
    readonly march: (cpu: string) => string;
    readonly mtune: (cpu: string) => string;
    /** Debug info to keep when splitting it out of a stripped binary. */
    readonly debug: readonly string[];
    /** Line tables only (file:line in backtraces, no variables or macros): what dependencies get by default. */
    readonly debugLines: readonly string[];
    readonly filePrefixMap: (from: string, to: string) => string;
    /** Profile-guided optimisation: instrumenting compile and link flags, and the flags using a profile. */
    readonly pgo: {
      readonly generate: readonly string[];
      readonly generateLink: readonly string[];
      /** gcc reads `<object>.gcda` beside each object (no file given); clang reads one merged .profdata. */
      readonly use: (profdata: string | undefined) => string[];
      readonly format: 'gcda' | 'profdata';
    };
    readonly soname: (name: string) => string;
    /** Link with another linker than the compiler's default (`lld`, `mold`, `gold`, `bfd`). */
    readonly linker: (name: string) => string;
  };
}
