// One status bar item: runtime state, active sessions, loop lag, open breakers. Click → tree;
// during a loop block, click → the blamed line.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { summarise } from '../model/status-summary';

export function createStatusBar(controller: Controller, revealCommand: string): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('openrtc.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'OpenRTC';
  const update = (): void => {
    const s = summarise(controller.model.allWorkers());
    item.text = s.text;
    item.tooltip = s.tooltip;
    item.command = s.blamedLine
      ? {
          title: 'Open the blocking line',
          command: 'vscode.open',
          arguments: [
            vscode.Uri.file(s.blamedLine.file),
            { selection: new vscode.Range(s.blamedLine.line - 1, 0, s.blamedLine.line - 1, 0), preview: false },
          ],
        }
      : revealCommand;
    item.backgroundColor = s.error
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : s.warning
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
  };
  update();
  item.show();
  const sub = controller.onDidChange(update);
  return vscode.Disposable.from(item, sub);
}
