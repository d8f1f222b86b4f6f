// The readers of project files (outside input): the TOML subset for pyproject.toml, setup.cfg
// as configparser reads it, JSON with comments for tsconfig.json; and what each concludes about
// where modules live (tsconfig paths/extends, workspaces' package entries, Python roots).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseJsonc } from '../../server/project/jsonc';
import { pythonRootsOf } from '../../server/project/python-roots';
import { cfgMapping, parseSetupCfg } from '../../server/project/setup-cfg';
import { parseToml, TomlError } from '../../server/project/toml-subset';
import { loadTsConfig, TsConfigError } from '../../server/project/tsconfig';
import { workspaceDirs, workspacePackage } from '../../server/project/workspaces';

describe('TOML subset', () => {
  it('reads the shapes pyproject.toml files use', () => {
    const doc = parseToml(
      [
        '# comment',
        '[project]',
        'name = "agent"  # trailing comment',
        "version = '1.0'",
        'dependencies = [',
        '  "livekit-agents>=1.0",',
        '  "numpy", # why',
        ']',
        'dynamic = []',
        '',
        '[tool.setuptools.package-dir]',
        '"" = "src"',
        '[tool.poetry]',
        'packages = [{ include = "mypkg", from = "lib" }, {include="other"}]',
        'description = """',
        'multi "line"',
        '"""',
        '[[tool.mypy.overrides]]',
        'module = "a.*"',
        'strict = true',
        '[[tool.mypy.overrides]]',
        'module = "b"',
        'x.y = 1_000',
        'when = 1979-05-27 07:32:00Z',
        'esc = "tab\\there \\u00e9"',
      ].join('\n'),
    );
    assert.deepEqual(doc['project'], {
      name: 'agent',
      version: '1.0',
      dependencies: ['livekit-agents>=1.0', 'numpy'],
      dynamic: [],
    });
    assert.deepEqual(doc['tool'], {
      setuptools: { 'package-dir': { '': 'src' } },
      poetry: {
        packages: [{ include: 'mypkg', from: 'lib' }, { include: 'other' }],
        description: 'multi "line"\n',
      },
      mypy: {
        overrides: [
          { module: 'a.*', strict: true },
          { module: 'b', x: { y: 1000 }, when: '1979-05-27 07:32:00Z', esc: 'tab\there é' },
        ],
      },
    });
  });

  it('names the line of what it cannot read', () => {
    for (const [text, line, why] of [
      ['[project]\nname = "a\n', 2, /newline in a string/],
      ['a = 1\na = 2\n', 2, /defined twice/],
      ['[x]\ny = [1, 2\n', 3, /expected "," or "]"|expected a value/],
      ['ok = true\nbad = nope\n', 2, /bad value/],
      ['k = "v" extra\n', 1, /after a value/],
    ] as const) {
      assert.throws(
        () => parseToml(text),
        (e: unknown) => e instanceof TomlError && e.message.startsWith(`line ${line}:`) && why.test(e.message),
        text,
      );
    }
  });
});

describe('setup.cfg', () => {
  it('reads continuation lines as configparser does', () => {
    const cfg = parseSetupCfg(
      '[metadata]\nname = agent\n\n[options]\npackage_dir =\n    =src\n    tools = scripts/tools\n; comment\n[options.packages.find]\nwhere: src\n',
    );
    assert.equal(cfg['metadata']?.['name'], 'agent');
    assert.deepEqual(cfgMapping(cfg['options']?.['package_dir'] ?? ''), { '': 'src', tools: 'scripts/tools' });
    assert.equal(cfg['options.packages.find']?.['where'], 'src');
    assert.throws(() => parseSetupCfg('name = x\n'), /line 1: an entry before any \[section\]/);
  });
});

describe('Python roots', () => {
  const none = (): boolean => false;
  const roots = (pyproject: string | null, setupCfg: string | null, isDir: (p: string) => boolean = none) =>
    pythonRootsOf({ dir: '/p', pyproject, setupCfg }, isDir);

  it('follows each build back end', () => {
    assert.deepEqual(roots('[tool.setuptools.package-dir]\n"" = "src"\n', null).roots, ['/p/src', '/p']);
    assert.deepEqual(roots('[tool.setuptools.packages.find]\nwhere = ["lib"]\n', null).roots, ['/p/lib', '/p']);
    assert.deepEqual(roots('[tool.hatch.build.targets.wheel]\npackages = ["src/foo"]\n', null).roots, ['/p/src', '/p']);
    assert.deepEqual(roots('[tool.poetry]\npackages = [{include = "a", from = "code"}]\n', null).roots, [
      '/p/code',
      '/p',
    ]);
    assert.deepEqual(roots('[tool.pytest.ini_options]\npythonpath = ["tests/helpers"]\n', null).roots, [
      '/p/tests/helpers',
      '/p',
    ]);
    assert.deepEqual(roots(null, '[options]\npackage_dir =\n    =source\n').roots, ['/p/source', '/p']);
    assert.deepEqual(roots(null, '[options.packages.find]\nwhere = lib\n').roots, ['/p/lib', '/p']);
    assert.deepEqual(roots('[tool.setuptools.package-dir]\nmypkg = "lib/x"\n', null).packageDirs, [
      { name: 'mypkg', dir: '/p/lib/x' },
    ]);
  });

  it('a src/ folder with nothing declared is a src layout; paths outside the project are not followed', () => {
    assert.deepEqual(roots('[project]\nname = "a"\n', null, (p) => p === '/p/src').roots, ['/p/src', '/p']);
    assert.deepEqual(roots('[project]\nname = "a"\n', null).roots, ['/p']);
    assert.deepEqual(roots('[tool.setuptools.packages.find]\nwhere = ["../../etc", "/abs"]\n', null).roots, ['/p']);
  });

  it('a broken file is named and left out; the folder still counts', () => {
    const r = roots('[tool.setuptools\n', '[options]\npackage_dir = =src\n');
    assert.deepEqual(r.roots, ['/p/src', '/p']);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0] as string, /^\/p\/pyproject\.toml: line 1: /);
  });
});

describe('tsconfig', () => {
  const files: Record<string, string> = {
    '/r/tsconfig.base.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["libs/*/src"] } } }',
    '/r/apps/web/tsconfig.json': `{
      // comments and trailing commas, as tsc allows
      "extends": "../../tsconfig.base.json",
      "compilerOptions": { "strict": true, },
    }`,
    '/r/apps/api/tsconfig.json': '{ "extends": ["@tsconfig/node20", "./local.json"] }',
    '/r/apps/api/local.json':
      '{ "compilerOptions": { "paths": { "~/*": ["./src/*"], "cfg": ["./config/index.ts"] } } }',
    '/r/node_modules/@tsconfig/node20/tsconfig.json': '{ "compilerOptions": { "baseUrl": "/elsewhere" } }',
    '/r/bad/tsconfig.json': '{ "extends": "./missing.json" }',
    '/r/bad2/tsconfig.json': '{ "compilerOptions": { "paths": { "a": "b" } } }',
    '/r/bad3/tsconfig.json': '{ nope',
  };
  const read = (p: string): string | null => files[p] ?? null;

  it('applies extends: baseUrl relative to the config that sets it, paths to baseUrl or their own config', () => {
    assert.deepEqual(loadTsConfig('/r/apps/web/tsconfig.json', read), {
      dir: '/r/apps/web',
      baseUrl: '/r',
      paths: [{ pattern: '@lib/*', targets: ['/r/libs/*/src'] }],
    });
    // The package's baseUrl is inherited, so local.json's paths resolve against it (as tsc does).
    assert.deepEqual(loadTsConfig('/r/apps/api/tsconfig.json', read), {
      dir: '/r/apps/api',
      baseUrl: '/elsewhere',
      paths: [
        { pattern: '~/*', targets: ['/elsewhere/src/*'] },
        { pattern: 'cfg', targets: ['/elsewhere/config/index.ts'] },
      ],
    });
  });

  it('says which file is wrong and why', () => {
    assert.throws(() => loadTsConfig('/r/bad/tsconfig.json', read), /\/r\/bad\/tsconfig\.json: "extends" names/);
    assert.throws(() => loadTsConfig('/r/bad2/tsconfig.json', read), /paths\.a" must be a list of strings/);
    assert.throws(
      () => loadTsConfig('/r/bad3/tsconfig.json', read),
      (e: unknown) => e instanceof TsConfigError && /bad3\/tsconfig\.json: not JSON/.test(e.message),
    );
  });

  it('jsonc keeps strings as written', () => {
    assert.deepEqual(parseJsonc('{"a": "//not a comment, ]", /* c */ "b": [1,],}'), {
      a: '//not a comment, ]',
      b: [1],
    });
  });
});

describe('workspaces', () => {
  it('expands the globs workspaces use, with exclusions', () => {
    const tree: Record<string, string[]> = {
      '/m': ['packages', 'apps', 'docs'],
      '/m/packages': ['util', 'core', 'legacy'],
      '/m/apps': ['web'],
    };
    const list = (d: string): string[] => tree[d] ?? [];
    assert.deepEqual(workspaceDirs('/m', ['packages/*', 'apps/web', '!packages/legacy', '../outside'], list), [
      '/m/apps/web',
      '/m/packages/core',
      '/m/packages/util',
    ]);
  });

  it('a package by name means its source: build folders read as src/', () => {
    const pkg = workspacePackage(
      '/m/packages/util',
      JSON.stringify({
        name: '@acme/util',
        main: './dist/index.js',
        types: 'dist/index.d.ts',
        exports: { '.': { import: './dist/index.mjs' }, './fs': './dist/fs.js' },
      }),
    );
    assert.ok(pkg !== null);
    assert.equal(pkg.name, '@acme/util');
    assert.deepEqual(pkg.entries.slice(0, 4), [
      '/m/packages/util/dist/index.mjs',
      '/m/packages/util/src/index',
      '/m/packages/util/dist/index.js',
      '/m/packages/util/dist/index.d.ts',
    ]);
    assert.deepEqual(pkg.subpaths['./fs'], [path.join('/m/packages/util/dist/fs.js'), '/m/packages/util/src/fs']);
    assert.equal(workspacePackage('/m/x', '{"version": "1"}'), null);
    assert.equal(workspacePackage('/m/x', 'not json'), null);
  });
});
