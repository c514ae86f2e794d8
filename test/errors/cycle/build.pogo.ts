import { defineBuild, executable, staticLibrary } from 'pogogen';

export default defineBuild({
  project: { name: 'app' },
  targets: [
    staticLibrary('a', { sources: ['a.c'], deps: ['b'] }),
    staticLibrary('b', { sources: ['b.c'], deps: ['c'] }),
    staticLibrary('c', { sources: ['c.c'], deps: ['a'] }),
    executable('app', { sources: ['main.c'], deps: ['a'] }),
  ],
});
