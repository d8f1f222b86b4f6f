// package.json's command contributions against the extension's one command table
// (client/commands/command-table.ts): every contributed command has a table row, and so a
// handler (the handler map is typed by the table's keys), and every row is contributed, with the
// same title, icon and menus. Read from package.json itself: no VS Code needed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMMAND_NAMES,
  COMMAND_PREFIX,
  COMMANDS,
  commandId,
  type CommandSpec,
  type MenuId,
} from '../../client/commands/command-table';

interface Contribution {
  command: string;
  title: string;
  category?: string;
  icon?: string;
}
interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}
interface Manifest {
  activationEvents?: string[];
  contributes: { commands: Contribution[]; menus: Record<string, MenuEntry[]> };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as Manifest;
const spec = (name: string): CommandSpec | undefined =>
  Object.hasOwn(COMMANDS, name) ? (COMMANDS as Record<string, CommandSpec>)[name] : undefined;
const nameOf = (id: string): string => (id.startsWith(COMMAND_PREFIX) ? id.slice(COMMAND_PREFIX.length) : id);
const MENUS: MenuId[] = ['view/title', 'view/item/context'];

describe('the command table and package.json', () => {
  it('has a table row (and so a handler) for every contributed command', () => {
    const missing = manifest.contributes.commands.map((c) => c.command).filter((id) => !spec(nameOf(id)));
    assert.deepEqual(missing, [], 'contributed without a handler');
  });

  it('contributes every command in the table, with its title, icon and category', () => {
    const byId = new Map(manifest.contributes.commands.map((c) => [c.command, c]));
    for (const name of COMMAND_NAMES) {
      const c = byId.get(commandId(name));
      assert.ok(c, `${commandId(name)} has a handler but no contribution in package.json`);
      const row: CommandSpec = COMMANDS[name];
      assert.equal(c.title, row.title, `${name}: title`);
      assert.equal(c.icon, row.icon, `${name}: icon`);
      assert.equal(c.category, 'OpenRTC', `${name}: category`);
    }
    assert.equal(byId.size, COMMAND_NAMES.length, 'a command is contributed twice');
  });

  it('shows each command in exactly the menus the table gives it', () => {
    for (const menu of MENUS) {
      const contributed = (manifest.contributes.menus[menu] ?? [])
        .map((m) => `${m.command} | ${m.when} | ${m.group}`)
        .sort();
      const declared = COMMAND_NAMES.flatMap((name) =>
        ((COMMANDS[name] as CommandSpec).menus ?? [])
          .filter((m) => m.menu === menu)
          .map((m) => `${commandId(name)} | ${m.when} | ${m.group}`),
      ).sort();
      assert.deepEqual(contributed, declared, menu);
    }
    const hidden = (manifest.contributes.menus.commandPalette ?? [])
      .filter((m) => m.when === 'false')
      .map((m) => m.command)
      .sort();
    const declaredHidden = COMMAND_NAMES.filter((n) => (COMMANDS[n] as CommandSpec).paletteHidden)
      .map(commandId)
      .sort();
    assert.deepEqual(hidden, declaredHidden, 'commandPalette');
    const knownMenus = new Set<string>([...MENUS, 'commandPalette']);
    assert.deepEqual(
      Object.keys(manifest.contributes.menus).filter((m) => !knownMenus.has(m)),
      [],
      'a menu the table does not describe',
    );
  });

  it('leaves command and view activation to VS Code (no onCommand:/onView: lines)', () => {
    const redundant = (manifest.activationEvents ?? []).filter((e) => /^on(Command|View):/.test(e));
    assert.deepEqual(redundant, []);
  });
});
