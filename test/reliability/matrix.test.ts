import * as fs from 'fs';
import * as path from 'path';

// The matrix is data; this checks that the document and the tests follow it.
const root = path.join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script, loaded as the build loads it
const { AREAS, render } = require(path.join(root, 'scripts', 'reliability-matrix.js'));
const matrix = JSON.parse(fs.readFileSync(path.join(__dirname, 'matrix.json'), 'utf8'));

test('docs/reliability.md is what scripts/reliability-matrix.js writes from matrix.json', () => {
  expect(fs.readFileSync(path.join(root, 'docs', 'reliability.md'), 'utf8')).toBe(render(matrix));
});

test('row ids are unique and every area of the matrix is rendered', () => {
  const ids = Object.values<any[]>(matrix)
    .flat()
    .map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(Object.keys(matrix).sort()).toEqual(AREAS.map((a: any) => a.key).sort());
});

describe.each<[string, any]>(AREAS.map((a: any) => [a.key, a]))('%s rows', (_key, area) => {
  // A row may name its own test file; the area's is the default.
  test.each<[string, string]>(matrix[area.key].map((r: any) => [r.id, r.test ?? area.test]))('%s has a test in its file', (id, file) => {
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    // A test (not a describe, nor a commented-out line) whose title starts with the row id.
    expect(source).toMatch(new RegExp(`^\\s*test(?:\\.each\\([^)]*\\))?\\(\\s*['\`"]${id}:`, 'm'));
  });
});
