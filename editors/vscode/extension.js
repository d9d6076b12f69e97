// Starts `migration-lint lsp` for SQL files. Plain JavaScript, no bundler: `npm install` then
// load the folder as an extension (see README.md).
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('migrationLint').get('path', 'migration-lint');
  client = new LanguageClient(
    'migration-lint',
    'MigrationLint',
    { command, args: ['lsp'] },
    {
      documentSelector: [{ scheme: 'file', language: 'sql' }],
      // The server reloads its configuration when the editor reports a change to it.
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/.migration-lint.{yml,yaml}') },
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
