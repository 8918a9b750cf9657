import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { sourceFiles } from './sourceFiles';

/**
 * The layering docs/ARCHITECTURE.md promises, checked on the TypeScript import graph of src/ (type-only
 * imports included: a cycle of types is still a cycle a reader has to untangle). Module specifiers are
 * resolved with the compiler's own resolver and the repository's settings (moduleResolution Bundler).
 */

const ROOT = path.resolve(__dirname, '../..');
const SRC = path.join(ROOT, 'src');
const APP = 'src/main/app/App.ts';
const DOORS = ['src/main/doors/cli/', 'src/main/doors/web/', 'src/main/electron/'];
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

interface ImportGraph {
  /** File (relative to the repository) → the files under src/ it imports. */
  local: Map<string, string[]>;
  /** File → the bare specifiers it imports that resolve outside src/ (packages, builtins). */
  external: Map<string, string[]>;
}

function buildImportGraph(): ImportGraph {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    resolveJsonModule: true,
    jsx: ts.JsxEmit.ReactJSX,
  };
  const local = new Map<string, string[]>();
  const external = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const mine: string[] = [];
    const theirs: string[] = [];
    for (const { fileName: specifier } of info.importedFiles) {
      const resolved = ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule;
      if (resolved && !resolved.isExternalLibraryImport && resolved.resolvedFileName.startsWith(SRC + path.sep))
        mine.push(path.relative(ROOT, resolved.resolvedFileName));
      else if (!specifier.startsWith('.')) theirs.push(specifier);
      else if (!/\.(css|svg|png)$/.test(specifier)) throw new Error(`${file}: cannot resolve ${specifier}`);
    }
    const rel = path.relative(ROOT, file);
    local.set(rel, mine);
    external.set(rel, theirs);
  }
  return { local, external };
}

/** Strongly connected components with more than one file (Tarjan, iterative so deep chains do not overflow). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ v: string; i: number }> = [{ v: root, i: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.v) ?? [];
      if (frame.i < edges.length) {
        const w = edges[frame.i++]!;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(frame.v, Math.min(low.get(frame.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(frame.v)!));
      if (low.get(frame.v) === index.get(frame.v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.v);
        if (component.length > 1) found.push(component.sort());
      }
    }
  }
  return found;
}

/** "file → import" for every edge from files matching `from` to files matching `to`. */
function edges(graph: Map<string, string[]>, from: (f: string) => boolean, to: (dep: string) => boolean): string[] {
  return [...graph].flatMap(([f, deps]) => (from(f) ? deps.filter(to).map((d) => `${f} → ${d}`) : []));
}

/**
 * Packages only the mail features use. Loaded on first use (`await import(…)`): a static import would load
 * them at the start of every CLI command, ~0.18 s of a 0.65 s `sysndd-admin --version`.
 */
const LOADED_ON_USE = new Set(['mailparser', 'nodemailer', 'smtp-server']);

/** "file: import … from 'pkg'" for each static import of `packages` that brings in a value, not only types. */
function staticValueImports(packages: Set<string>): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(path.join(SRC, 'main'))) {
    const text = fs.readFileSync(file, 'utf8');
    if (![...packages].some((p) => text.includes(`'${p}'`))) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    for (const node of source.statements) {
      if (!ts.isImportDeclaration(node) || !ts.isStringLiteral(node.moduleSpecifier)) continue;
      if (!packages.has(node.moduleSpecifier.text)) continue;
      const clause = node.importClause;
      const typesOnly =
        clause?.isTypeOnly ||
        (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings)
          ? clause.namedBindings.elements.every((e) => e.isTypeOnly)
          : false);
      if (!typesOnly) found.push(`${path.relative(ROOT, file)}: ${node.getText(source)}`);
    }
  }
  return found;
}

const under =
  (...dirs: string[]) =>
  (f: string) =>
    dirs.some((d) => f.startsWith(d));

describe('architecture: the import graph of src/', () => {
  let graph: ImportGraph;
  beforeAll(() => {
    graph = buildImportGraph();
  });

  it('sees the whole tree (the resolver works: App imports its services)', () => {
    expect(graph.local.size).toBeGreaterThan(200);
    expect(graph.local.get(APP)).toContain('src/main/features/backups/BackupService.ts');
  });

  it('finds cycles (a synthetic graph: a ⇄ b, and c alone)', () => {
    const synthetic = new Map([
      ['a', ['b']],
      ['b', ['a', 'c']],
      ['c', []],
    ]);
    expect(cycles(synthetic)).toEqual([['a', 'b']]);
  });

  it('has no import cycle through App', () => {
    const throughApp = cycles(graph.local).filter((c) => c.includes(APP));
    expect(throughApp).toEqual([]);
  });

  it('App is imported by the doors only (services declare their own collaborators)', () => {
    const importers = edges(
      graph.local,
      (f) => !under(...DOORS)(f),
      (d) => d === APP,
    );
    expect(importers).toEqual([]);
  });

  it('nothing below the doors imports from cli/, web/ or electron/', () => {
    const below = (f: string) => f.startsWith('src/main/') && !under(...DOORS)(f);
    expect(edges(graph.local, below, under(...DOORS))).toEqual([]);
  });

  it('services, platform and core do not import the composition root folder', () => {
    const below = (f: string) => f.startsWith('src/main/') && !under(...DOORS, 'src/main/app/')(f);
    expect(edges(graph.local, below, under('src/main/app/'))).toEqual([]);
  });

  it('src/main has exactly the three tiers, the Electron door (the only importer of electron), the composition root and core', () => {
    const top = fs.readdirSync(path.join(SRC, 'main'), { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(top.map((e) => e.name).sort()).toEqual(['app', 'core', 'doors', 'electron', 'features', 'platform']);
  });

  it('platform/ and core/ (the bottom tier) import nothing from features, doors or the App', () => {
    const bottom = under('src/main/platform/', 'src/main/core/');
    const above = under('src/main/features/', 'src/main/doors/', 'src/main/electron/', 'src/main/app/');
    expect(edges(graph.local, bottom, above)).toEqual([]);
  });

  it('src/shared imports nothing from main, renderer or preload, no Node builtin and no electron', () => {
    const isShared = under('src/shared/');
    expect(edges(graph.local, isShared, (d) => !isShared(d))).toEqual([]);
    const forbidden = [...graph.external].flatMap(([f, specs]) =>
      isShared(f) ? specs.filter((s) => NODE_BUILTINS.has(s) || s === 'electron').map((s) => `${f} → ${s}`) : [],
    );
    expect(forbidden).toEqual([]);
  });

  it('the renderer imports only shared, its own files and the browser bridge', () => {
    // preload/webBridge.ts builds window.api over HTTP/WebSocket inside the renderer bundle (browser mode).
    const allowed = under('src/shared/', 'src/renderer/', 'src/preload/webBridge.ts');
    expect(edges(graph.local, under('src/renderer/'), (d) => !allowed(d))).toEqual([]);
    expect(edges(graph.local, under('src/preload/webBridge.ts'), (d) => !under('src/shared/')(d))).toEqual([]);
  });

  it('mail-only packages are loaded when used, not when a door starts', () => {
    expect(staticValueImports(LOADED_ON_USE)).toEqual([]);
    // The check sees the files that use them (dynamic imports are edges of the graph too).
    const users = [...graph.external].filter(([, specs]) => specs.some((s) => LOADED_ON_USE.has(s))).map(([f]) => f);
    expect(users).toEqual(
      expect.arrayContaining([
        'src/main/features/mail/capture/parseCaptured.ts',
        'src/main/features/mail/capture/MailCapture.ts',
        'src/main/features/mail/smtp/smtpSend.ts',
      ]),
    );
  });

  it('only src/main/electron and the Electron preload import electron', () => {
    const importers = [...graph.external].filter(([, specs]) => specs.includes('electron')).map(([f]) => f);
    expect(importers.filter((f) => !under('src/main/electron/', 'src/preload/index.ts')(f))).toEqual([]);
    expect(importers).toContain('src/main/electron/main.ts');
  });
});
