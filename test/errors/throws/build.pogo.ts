import { defineBuild } from 'pogogen';

export default defineBuild({
  project: { name: 'app' },
  targets: ({ options }) => {
    if (Object.keys(options).length === 0) throw new Error('no options declared');
    return [];
  },
});
