// Cross toolchains as data: a target triple and the tools that build for it (Debian's cross packages), the
// pkg-config directory of its libraries, the emulator that runs its programs here, and how dependency builds name
// the target (configure --host, OpenSSL's Configure target, CMake's processor).

export interface CrossToolchain {
  /** GNU triple, e.g. aarch64-linux-gnu; also the output directory suffix (out/<profile>.<triple>). */
  readonly triple: string;
  readonly cc: readonly string[];
  readonly ar: readonly string[];
  /** gcc's LTO-aware archiver for the target. */
  readonly ltoAr: readonly string[];
  readonly ranlib: readonly string[];
  readonly strip: readonly string[];
  /** Where the target's .pc files live; absent: no system package can be used (features fall back). */
  readonly pkgConfigLibdir?: string;
  /** Runs a target program here, e.g. qemu-aarch64 -L /usr/aarch64-linux-gnu. */
  readonly emulator?: readonly string[];
  /** OpenSSL's Configure target name. */
  readonly opensslTarget?: string;
  /** CMAKE_SYSTEM_PROCESSOR. */
  readonly cmakeProcessor: string;
}

const debian = (triple: string, qemu: string, opensslTarget: string, cmakeProcessor: string): CrossToolchain => ({
  triple,
  cc: [`${triple}-gcc`],
  ar: [`${triple}-ar`],
  ltoAr: [`${triple}-gcc-ar`],
  ranlib: [`${triple}-ranlib`],
  strip: [`${triple}-strip`],
  pkgConfigLibdir: `/usr/lib/${triple}/pkgconfig`,
  emulator: [qemu, '-L', `/usr/${triple}`],
  opensslTarget,
  cmakeProcessor,
});

/** The toolchains `--toolchain=NAME` knows (Debian's gcc-<triple> packages and qemu-user). */
export const crossToolchains: Readonly<Record<string, CrossToolchain>> = {
  'aarch64-linux-gnu': debian('aarch64-linux-gnu', 'qemu-aarch64', 'linux-aarch64', 'aarch64'),
  'arm-linux-gnueabihf': debian('arm-linux-gnueabihf', 'qemu-arm', 'linux-armv4', 'arm'),
  'riscv64-linux-gnu': debian('riscv64-linux-gnu', 'qemu-riscv64', 'linux64-riscv64', 'riscv64'),
  'x86_64-linux-gnu': { ...debian('x86_64-linux-gnu', 'qemu-x86_64', 'linux-x86_64', 'x86_64'), emulator: [] },
};

/**
 * A toolchain by name, or from a JSON file with the same fields (`triple` and `cc` required; the rest default to
 * `<triple>-ar`, ...), read through `readFile` (the caller's: rules/ reads no files). Returns an error message
 * instead when it cannot.
 */
export function toolchainFromSpec(spec: string, readFile: (file: string) => string): CrossToolchain | string {
  const known = crossToolchains[spec];
  if (known !== undefined) return known;
  if (!spec.endsWith('.json')) return `unknown toolchain "${spec}"; known: ${Object.keys(crossToolchains).join(', ')}, or a .json file describing one`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFile(spec));
  } catch (err) {
    return `toolchain file ${spec} could not be read: ${(err as Error).message}`;
  }
  return toolchainFromJson(spec, raw);
}

/** A toolchain file's parsed JSON, checked, with the defaults filled in; or what is wrong with it. */
function toolchainFromJson(spec: string, raw: unknown): CrossToolchain | string {
  const o = raw as Partial<Record<keyof CrossToolchain, unknown>>;
  const strs = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (typeof o.triple !== 'string' || !/^[A-Za-z0-9_]+(-[A-Za-z0-9_.]+)+$/.test(o.triple)) return `toolchain file ${spec}: "triple" must be a target triple such as aarch64-linux-gnu`;
  if (!strs(o.cc) || o.cc.length === 0) return `toolchain file ${spec}: "cc" must be a non-empty list of strings (the compiler argv)`;
  for (const k of ['ar', 'ltoAr', 'ranlib', 'strip', 'emulator'] as const) if (o[k] !== undefined && !strs(o[k])) return `toolchain file ${spec}: "${k}" must be a list of strings`;
  const t = o.triple;
  return {
    triple: t,
    cc: o.cc,
    ar: (o.ar as string[] | undefined) ?? [`${t}-ar`],
    ltoAr: (o.ltoAr as string[] | undefined) ?? [`${t}-gcc-ar`],
    ranlib: (o.ranlib as string[] | undefined) ?? [`${t}-ranlib`],
    strip: (o.strip as string[] | undefined) ?? [`${t}-strip`],
    ...(typeof o.pkgConfigLibdir === 'string' ? { pkgConfigLibdir: o.pkgConfigLibdir } : {}),
    ...(o.emulator === undefined ? {} : { emulator: o.emulator as string[] }),
    ...(typeof o.opensslTarget === 'string' ? { opensslTarget: o.opensslTarget } : {}),
    cmakeProcessor: typeof o.cmakeProcessor === 'string' ? o.cmakeProcessor : t.split('-')[0]!,
  };
}
