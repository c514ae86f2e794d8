// The built-in profiles as data: optimisation, debug info and warning flags (spelled alike by gcc and clang; a
// family that differs gets its own table here), plus the defines and switches each profile turns on.

/** What a built-in profile sets; lib/model/profiles.ts merges a project's overrides and custom profiles onto it. */
export interface BuiltinProfile {
  readonly cflags?: string[];
  readonly defines?: string[];
  readonly sanitize?: ('address' | 'undefined' | 'thread' | 'leak' | 'memory')[];
  readonly lto?: boolean;
  readonly strip?: boolean;
  readonly reproducible?: boolean;
  readonly coverage?: boolean;
}

export const builtinProfiles: Readonly<Record<string, BuiltinProfile>> = {
  development: { cflags: ['-O0', '-g3', '-Wall', '-Wextra'], sanitize: ['address', 'undefined'] },
  production: { cflags: ['-O3'], defines: ['NDEBUG'], lto: true, strip: true, reproducible: true },
  testing: { cflags: ['-O1', '-g'], defines: ['TESTING'], coverage: true },
};
