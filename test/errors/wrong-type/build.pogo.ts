import { defineBuild } from 'pogogen';

export default defineBuild({
  project: { name: 'app' },
  targets: [
    {
      kind: 'executable',
      name: 'app',
      // @ts-expect-error: a string where a list is expected
      sources: 'main.c',
    },
  ],
});
