// Which compiler launcher and linker a generation uses when the command line and environment leave it open: the
// knowledge of ccache, mold and lld, as pure functions of what is on PATH.

/** `--launcher` / POGOGEN_LAUNCHER given as words (`none` for no launcher), or undefined to detect ccache. */
export function chooseLauncher(spec: readonly string[] | 'none' | undefined, onPath: (tool: string) => boolean): string[] {
  if (spec === 'none') return [];
  if (spec !== undefined) return [...spec];
  return onPath('ccache') ? ['ccache'] : [];
}

/**
 * The linker for `-fuse-ld=`, or undefined for the compiler's own. Links against big static dependencies built with
 * -g spend seconds in GNU ld; mold or lld link the same in a fraction. Used when on PATH, except for cross builds (a
 * cross gcc looks for <triple>-ld.lld) and gcc's LTO (it needs its own linker plugin, which lld lacks); clang's
 * ThinLTO links with lld, which runs ThinLTO itself. `spec` is POGOGEN_LINKER: a name (bfd, gold, lld, mold), or
 * `default` for the compiler's.
 */
export function chooseLinker(
  spec: string | undefined,
  build: { readonly cross: boolean; readonly lto: boolean; readonly family: 'gcc' | 'clang' },
  onPath: (tool: string) => boolean,
): string | undefined {
  if (spec === 'default') return undefined;
  if (spec !== undefined && spec !== '') return spec;
  if (build.cross) return undefined;
  if (build.lto) return build.family === 'clang' && onPath('ld.lld') ? 'lld' : undefined;
  return onPath('mold') ? 'mold' : onPath('ld.lld') ? 'lld' : undefined;
}
