import { defineBuild, executable, staticLibrary } from 'pogogen';

export default defineBuild({
  project: { name: 'app' },
  targets: [
    staticLibrary('app', { sources: ['lib.c'] }),
    executable('app', { sources: ['main.c'] }),
  ],
});
