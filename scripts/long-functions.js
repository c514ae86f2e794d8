// Maintenance check (not a test): lists the functions over 80 lines and the files over 400 lines in lib/ and
// rules/, longest first, so a long one is split or its file says at the top why it is not. Exit code 0 always.
// Usage: node scripts/long-functions.js [--max-function N] [--max-file N] [DIR...]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  if (i === -1) return fallback;
  const v = Number(argv.splice(i, 2)[1]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const maxFunction = opt('--max-function', 80);
const maxFile = opt('--max-file', 400);
const dirs = argv.length > 0 ? argv : ['lib', 'rules'];

function* tsFiles(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* tsFiles(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) yield p;
  }
}

/** A function's name as a reader would look for it: its own, or the variable, property or method holding it. */
function nameOf(node) {
  if (node.name !== undefined) return node.name.getText();
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent !== undefined && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) return parent.name.getText();
  return '(anonymous)';
}

const longFunctions = [];
const longFiles = [];
for (const dir of dirs) {
  for (const file of tsFiles(path.resolve(root, dir))) {
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(root, file);
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines > maxFile) longFiles.push({ rel, lines });
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
        if (end - start + 1 > maxFunction) longFunctions.push({ where: `${rel}:${start}`, name: nameOf(node), lines: end - start + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
}
longFunctions.sort((a, b) => b.lines - a.lines || (a.where < b.where ? -1 : 1));
longFiles.sort((a, b) => b.lines - a.lines);
console.log(`functions over ${maxFunction} lines in ${dirs.join(', ')}: ${longFunctions.length}`);
for (const f of longFunctions) console.log(`  ${String(f.lines).padStart(4)}  ${f.name}  ${f.where}`);
console.log(`files over ${maxFile} lines: ${longFiles.length}`);
for (const f of longFiles) console.log(`  ${String(f.lines).padStart(4)}  ${f.rel}`);
