// A runbook step as a quick pick: the title says where we are, the items show the evidence
// found, and picking an item moves on. Escape ends the runbook.
import * as vscode from 'vscode';

export interface StepItem<T> extends vscode.QuickPickItem {
  value: T;
}

export async function step<T>(
  runbook: string,
  index: number,
  total: number,
  name: string,
  items: Array<StepItem<T>>,
  placeHolder?: string,
): Promise<T | undefined> {
  const pick = await vscode.window.showQuickPick(items, {
    title: `${runbook} · ${index}/${total} · ${name}`,
    placeHolder,
    ignoreFocusOut: true,
    matchOnDetail: true,
  });
  return pick?.value;
}

export const mark = (ok: boolean): string => (ok ? '$(pass-filled)' : '$(circle-large-outline)');
