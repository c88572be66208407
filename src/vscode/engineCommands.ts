/**
 * Commands that reach the Docker engine or open a terminal. In a workspace the user has not trusted they refuse
 * with a reason, and package.json hides them from menus with `isWorkspaceTrusted`: a Dockerfile or compose file
 * from an unknown source must not get its `RUN` steps or containers run by a click. Language features (diagnostics,
 * hovers, quick fixes) only read files and stay on. test/unit/trust.test.ts keeps this table (id → title) and the
 * manifest in step.
 * No `vscode` import here, so that plain-Node tests can read the table.
 */
export const ENGINE_COMMANDS: Readonly<Record<string, string>> = {
  'dockside.container.start': 'Start',
  'dockside.container.stop': 'Stop',
  'dockside.container.restart': 'Restart',
  'dockside.container.pause': 'Pause',
  'dockside.container.unpause': 'Resume',
  'dockside.container.remove': 'Remove',
  'dockside.container.logs': 'Show Logs',
  'dockside.container.logsWithTimestamps': 'Show Logs with Timestamps',
  'dockside.container.shell': 'Open Shell',
  'dockside.container.openPort': 'Open Published Port in Browser',
  'dockside.inspect': 'Inspect',
  'dockside.image.remove': 'Remove Image',
  'dockside.volume.remove': 'Remove Volume',
  'dockside.network.remove': 'Remove Network',
  'dockside.prune': 'Prune',
  'dockside.compose.up': 'Compose Up',
  'dockside.compose.down': 'Compose Down',
  'dockside.compose.restart': 'Compose Restart',
  'dockside.compose.upFile': 'Compose Up from File',
  'dockside.compose.downFile': 'Compose Down from File',
  'dockside.compose.pullFile': 'Compose Pull from File',
  'dockside.compose.upService': 'Compose Up One Service',
  'dockside.compose.logsService': 'Compose Service Logs',
  'dockside.walkthrough.openApp': 'Open the Running App',
  'dockside.engine.choose': 'Choose Engine',
  'dockside.showLayers': 'Show Image Layers',
  'dockside.showPorts': 'Show Port Map',
  'dockside.buildImage': 'Build Image',
  'dockside.runImage': 'Run Image',
  'dockside.registry.pull': 'Pull',
  'dockside.image.push': 'Push to Registry',
};
