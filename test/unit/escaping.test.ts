import t from 'tap';
import { ninja, NinjaWriter } from '../../lib/backends/ninja/syntax.ts';
import { shell } from '../../lib/backends/shell.ts';

t.test('ninja.path escapes $, space and colon', async (t) => {
  const table: [string, string][] = [
    ['src/a.c', 'src/a.c'],
    ['my file.c', 'my$ file.c'],
    ['c:/x', 'c$:/x'],
    ['$HOME/a', '$$HOME/a'],
    ['a#b(c)\'"', 'a#b(c)\'"'],
    ['ünï/cödé.c', 'ünï/cödé.c'],
    ['-lead.c', '-lead.c'],
  ];
  for (const [input, want] of table) t.equal(ninja.path(input), want, JSON.stringify(input));
});

t.test('ninja.value escapes only $ and a leading space', async (t) => {
  const table: [string, string][] = [
    ['-O2 -g', '-O2 -g'],
    ['a:b c', 'a:b c'],
    ['$ORIGIN', '$$ORIGIN'],
    [' lead', '$ lead'],
    ['$$', '$$$$'],
  ];
  for (const [input, want] of table) t.equal(ninja.value(input), want, JSON.stringify(input));
});

t.test('shell.arg quotes what the shell would interpret', async (t) => {
  const table: [string, string][] = [
    ['-O2', '-O2'],
    ['-DNAME=1', '-DNAME=1'],
    ['out/obj/a.c.o', 'out/obj/a.c.o'],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['-DMSG="hi there"', `'-DMSG="hi there"'`],
    ['$ORIGIN', "'$ORIGIN'"],
    ['-Wl,-rpath,$ORIGIN/../lib', "'-Wl,-rpath,$ORIGIN/../lib'"],
    ['a;b&c|d', "'a;b&c|d'"],
    ['x#y', "'x#y'"],
    ['(x)', "'(x)'"],
  ];
  for (const [input, want] of table) t.equal(shell.arg(input), want, JSON.stringify(input));
  t.equal(shell.join(['rm', '-f', 'a b', { raw: '&&' }, 'ar']), "rm -f 'a b' && ar");
});

t.test('NinjaWriter emits exact text', async (t) => {
  const w = new NinjaWriter();
  w.comment('hello')
    .variable('builddir', ninja.value('out/dev'))
    .pool('link', 2)
    .rule('cc', { command: 'gcc -c $in -o $out', depfile: '$out.d', deps: 'gcc', pool: undefined })
    .build(['out/a b.o'], 'cc', ['a b.c'], { implicit: ['gen:x.h'], orderOnly: ['gen/y.h'] })
    .build(['all'], 'phony', ['out/a b.o'])
    .default(['all'])
    .include('rules.ninja');
  t.equal(
    w.toString(),
    [
      '# hello',
      'builddir = out/dev',
      'pool link',
      '  depth = 2',
      'rule cc',
      '  command = gcc -c $in -o $out',
      '  depfile = $out.d',
      '  deps = gcc',
      'build out/a$ b.o: cc a$ b.c | gen$:x.h || gen/y.h',
      'build all: phony out/a$ b.o',
      'default all',
      'include rules.ninja',
      '',
    ].join('\n'),
  );
});
