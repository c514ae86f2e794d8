import { defineBuild, executable } from 'pogogen';

export default defineBuild({
  project: { name: 'escaping' },
  targets: [executable('odd name', { sources: ['my src/a$b.c', 'c:d.c', "q'u\"ote#(1).c", 'ünï.c'], defines: ['PATH_SEP=":"', 'DOLLAR="$HOME"'] })],
});
