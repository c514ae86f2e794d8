import { defineBuild, executable, staticLibrary } from 'pogogen';

export default defineBuild({
  project: { name: 'app' },
  targets: [
    staticLibrary('util', { sources: ['util.c'] }),
    executable('app', {
      sources: ['main.c'],
      deps: ['utill'],
    }),
  ],
});
