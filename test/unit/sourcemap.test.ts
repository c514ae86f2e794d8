// The source-map reader: VLQ decoding by hand-made cases, and every marked statement of a real esbuild bundle
// mapped back to the line and column where it is written in the original TypeScript files.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { runEsbuildSync } from '../../lib/load/esbuild.ts';
import { decodeMappings, originalPosition } from '../../lib/load/sourcemap.ts';
import { project } from '../helpers.ts';

t.test('VLQ: signs, multi-digit values, empty lines, segments without a source', async (t) => {
  // "AAAA": 0,0,0,0. "gBAAgB": column 16, source 0, line 0, column 16. ";;" an empty line. "D": column -1 alone.
  // "kBCDE": column +18, source +1, line -1, column +2.
  const lines = decodeMappings('AAAA,gBAAgB;;CAAC,D,kBCDE');
  t.equal(lines.length, 3);
  t.same([...lines[0]!], [0, 0, 0, 0, 16, 0, 0, 16]);
  t.same([...lines[1]!], []);
  // Line 3: column 1 → (0, 0, 17); "D" moves the column to 0 but carries no source; then column 18 → (1, -1, 19).
  t.same([...lines[2]!], [1, 0, 0, 17, 18, 1, -1, 19]);
  t.same(originalPosition(lines, 0, 20), { source: 0, line: 0, column: 16 }, 'the last segment at or before the column');
  t.same(originalPosition(lines, 0, 15), { source: 0, line: 0, column: 0 });
  t.same(originalPosition(lines, 2, 0), { source: 0, line: 0, column: 17 }, 'before the first segment: the first one');
  t.equal(originalPosition(lines, 1, 0), undefined, 'a line without segments');
  t.equal(originalPosition(lines, 9, 0), undefined, 'past the end');
  t.same([...decodeMappings('CAAC,DAAD')[0]!], [0, 0, 0, 0, 1, 0, 0, 1], 'out-of-order segments are sorted');
  for (const bad of ['AA!A', 'g', 'AAAAAA']) t.throws(() => decodeMappings(bad), /source map/, `malformed: ${bad}`);
});

t.test('a real esbuild bundle: each marked call maps to its original file, line and column', async (t) => {
  const files = {
    'build.pogo.ts': "import { helper } from './lib/helper.ts';\n\ninterface X { a: number }\nconst x: X = { a: 1 };\nmark('main-1', x);\nexport default helper(\n  2,\n);\nfunction mark(_n: string, _x: unknown): void {}\n",
    'lib/helper.ts': "type N = number;\nexport function helper(n: N): N {\n  const y: N = n * 2;\n  return   ping('helper-3', y);\n}\nfunction ping(_s: string, v: N): N { return v; }\n",
    'api.ts': 'export {};\n',
  };
  const dir = project(files);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const outfile = path.join(dir, 'out', 'b.mjs');
  fs.mkdirSync(path.dirname(outfile));
  const r = runEsbuildSync({ entry: path.join(dir, 'build.pogo.ts'), apiEntry: path.join(dir, 'api.ts'), outfile, sourcemap: true });
  t.ok(r.ok, 'bundled');
  const code = fs.readFileSync(outfile, 'utf8');
  t.notMatch(code, /sourceMappingURL/, 'the code carries no map comment: it is the same as without a map');
  const map = JSON.parse(fs.readFileSync(`${outfile}.map`, 'utf8')) as { sources: string[]; mappings: string };
  const lines = decodeMappings(map.mappings);
  const sources = map.sources.map((s) => path.resolve(path.dirname(outfile), s));
  for (const [marker, file] of [
    ["mark('main-1'", 'build.pogo.ts'],
    ["ping('helper-3'", 'lib/helper.ts'],
  ] as const) {
    const genLine = code.split('\n').findIndex((l) => l.includes(marker.replace(/'/g, '"')));
    t.ok(genLine >= 0, `${marker} is in the bundle`);
    const genColumn = code.split('\n')[genLine]!.indexOf(marker.replace(/'/g, '"'));
    const o = originalPosition(lines, genLine, genColumn);
    const srcLines = files[file].split('\n');
    const origLine = srcLines.findIndex((l) => l.includes(marker));
    t.same(o === undefined ? undefined : { file: sources[o.source], line: o.line, column: o.column }, { file: path.join(dir, file), line: origLine, column: srcLines[origLine]!.indexOf(marker) }, `${marker} maps back`);
  }
});
