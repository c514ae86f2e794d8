import { defineBuild, executable } from 'pogogen';

export default defineBuild({
  project: { name: 'app' },
  targets: [
    executable('app', {
      sources: ['main.c', '-vendor/*.c'],
    }),
  ],
});
