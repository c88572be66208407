/**
 * "Why Did It Stop?": the failure doctor in VS Code. The command gathers the evidence (gather.ts), finds the
 * Dockerfile and compose file in the workspace folders (sources.ts), and shows the answer in a notification with
 * the responsible line and the lesson one click away; the whole answer goes to a plain-text output channel. A
 * container that gets into trouble while Dockside watches brings a notification that offers the command.
 */
import * as vscode from 'vscode';
import type { CommandTable } from '../commands';
import type { Ctx } from '../ctx';
import { diagnose, type Diagnosis } from '../docker/doctor/diagnose';
import { folderFiles } from '../docker/doctor/folderFiles';
import { DoctorError, gatherEvidence, readLocalFile } from '../docker/doctor/gather';
import type { Location } from '../docker/doctor/locate';
import { reportLines, troubleWords, TroubleWatch } from '../docker/doctor/report';
import { findSources } from '../docker/doctor/sources';
import { plainText } from '../docker/doctor/words';
import type { ContainerItem } from '../docker/types';
import { engineOnThisMachine, type DockerSession } from './explorer/dockerSession';
import type { DockerNode } from './explorer/trees';

export const WHY_STOPPED = 'dockside.container.whyStopped';

/** At most one "it stopped" notification per container in this time. */
const NOTIFY_EVERY_MS = 60_000;

export function registerDoctor(ctx: Ctx, session: DockerSession): CommandTable {
  let channel: vscode.OutputChannel | undefined;
  const watch = new TroubleWatch();
  const notified = new Map<string, number>();

  const workspace = () =>
    folderFiles(
      (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    );

  const openLine = async (location: Location) => {
    let at: Location | undefined = location;
    while (at) {
      try {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(at.file));
        const line = Math.min(at.line, Math.max(0, doc.lineCount - 1));
        await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line, 0, line, 0) });
        return;
      } catch {
        // A script the COPY names may be missing from the workspace: its COPY line is the next best place.
        at = at.fallback;
      }
    }
    void vscode.window.showWarningMessage('Dockside could not open the file behind this container.');
  };

  const answer = async (name: string, d: Diagnosis, files: ReturnType<typeof workspace>) => {
    if (!channel) {
      channel = vscode.window.createOutputChannel('Dockside: Why Did It Stop?');
      ctx.subscriptions.push(channel);
    }
    channel.clear();
    channel.appendLine(reportLines(name, d, (f) => files.display(f)).join('\n'));
    const location = d.location;
    const actions = [...(location ? ['Open the Line'] : []), 'Learn Why', 'Show Details'];
    const first = plainText(d.explanation[0] ?? []);
    const line = location ? ` The line: ${files.display(location.file)}:${location.line + 1}.` : '';
    const message = `${name}: ${plainText(d.title)}.${line}${first ? ` ${first}` : ''}`.slice(0, 600);
    const choice = d.trouble
      ? await vscode.window.showWarningMessage(message, ...actions)
      : await vscode.window.showInformationMessage(message, ...actions);
    if (choice === 'Open the Line' && location) await openLine(location);
    else if (choice === 'Learn Why') await vscode.commands.executeCommand('dockside.openLesson', d.lesson);
    else if (choice === 'Show Details') channel.show(true);
  };

  const whyStopped = async (node?: DockerNode | { id: string; name: string }) => {
    const target = node && 'kind' in node ? (node.kind === 'container' ? node.item : undefined) : node;
    if (!target) {
      void vscode.window.showInformationMessage('Choose a container in the Containers view, then "Why Did It Stop?".');
      return;
    }
    await session.settle();
    const why = session.whyNotConnected();
    const api = session.api();
    if (why || !api) throw new Error(why ?? 'Docker is not connected.');
    const local = engineOnThisMachine(session.target());
    const files = workspace();
    try {
      const d = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Looking at ${target.name}` },
        async () => {
          const evidence = await gatherEvidence(api, target.id, local ? { readHostFile: readLocalFile } : {});
          return diagnose(evidence, await findSources(evidence.container, evidence.image, files));
        },
      );
      ctx.log.info(`Diagnosed ${target.name}: ${d.cause}`);
      await answer(target.name, d, files);
    } catch (err) {
      if (err instanceof DoctorError) {
        void vscode.window.showWarningMessage(`${target.name}: ${err.message}`);
        return;
      }
      throw err;
    }
  };

  const offer = (c: ContainerItem) => {
    const now = Date.now();
    if (now - (notified.get(c.id) ?? 0) < NOTIFY_EVERY_MS) return;
    notified.set(c.id, now);
    void vscode.window
      .showWarningMessage(`Container ${c.name} ${troubleWords(c)}.`, 'Why Did It Stop?')
      .then((choice) => {
        if (choice)
          void vscode.commands.executeCommand(WHY_STOPPED, { id: c.id, name: c.name }).then(undefined, () => undefined);
      });
  };

  ctx.subscriptions.push(
    session.onDidChange((change) => {
      if (!change.kinds.includes('container')) return;
      const model = session.model();
      if (model) for (const c of watch.update([...model.containers.values()].map((c) => model.described(c)))) offer(c);
    }),
  );

  return { [WHY_STOPPED]: whyStopped };
}
