import { action, defineBuild, executable, objectSet, sharedLibrary, staticLibrary } from 'pogogen';

export default defineBuild({
  project: { name: 'small' },
  settings: { cflags: ['-std=c11'] },
  targets: () => {
    const gen = action('gen', { command: ['sh', '-c', 'echo "#define N 1" > "$1"', 'gen', '{out}'], outputs: ['n.h'] });
    const base = staticLibrary('base', { sources: ['base.c'], public: { includeDirs: ['.'], defines: ['BASE'], libs: ['m'] } });
    const objs = objectSet('objs', { sources: ['obj.c'], deps: [base] });
    const plug = sharedLibrary('plug', { sources: ['plug.c'], version: '2.0.1' });
    return [gen, base, objs, plug, executable('app', { sources: ['main.c'], deps: [objs, plug, gen], defines: { MSG: '"hi there"' }, ldflags: ['-Wl,--as-needed'] })];
  },
});
