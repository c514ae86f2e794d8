import { defineBuild, executable, option } from 'pogogen';

export default defineBuild({
  project: { name: 'app' },
  options: { tls: option.feature('auto', 'TLS support'), buckets: option.string('64') },
  targets: [executable('app', { sources: ['main.c'] })],
});
