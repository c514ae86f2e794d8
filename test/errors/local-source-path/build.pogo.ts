import { defineBuild, dependency, executable } from 'pogogen';

const build = { kind: 'make' } as const;

export default defineBuild({
  project: { name: 'app' },
  targets: [
    dependency('up', { recipe: { name: 'up', version: 'vendored', source: { path: '../libz' }, build, provides: {} } }),
    dependency('abs', { recipe: { name: 'abs', version: 'vendored', source: { path: '/opt/libz' }, build, provides: {} } }),
    dependency('both', { recipe: { name: 'both', version: 'vendored', source: { path: 'deps/libz', urls: [] } as never, build, provides: {} } }),
    executable('app', { sources: ['main.c'], deps: ['up', 'abs', 'both'] }),
  ],
});
