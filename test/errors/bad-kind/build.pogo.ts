import { defineBuild } from 'pogogen';

export default defineBuild({
  project: { name: 'app' },
  targets: [
    // @ts-expect-error: not a target kind
    { kind: 'program', name: 'app', sources: ['main.c'] },
  ],
});
