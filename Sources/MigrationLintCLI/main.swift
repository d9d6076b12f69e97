import Foundation

exit(MigrationLintCommand.exitStatus(Array(CommandLine.arguments.dropFirst())))
