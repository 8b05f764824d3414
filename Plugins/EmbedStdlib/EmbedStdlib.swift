// Build-tool plugin of PolyglotLang: turns stdlib/*.pg into a generated Swift source at every build, so the
// binary carries its standard library wherever it is installed and the .pg files stay the single source.

import Foundation
import PackagePlugin

@main
struct EmbedStdlib: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "stdlib")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "pg" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedStdlib.swift")
        return [
            .buildCommand(
                displayName: "Embedding stdlib/*.pg in \(target.name)",
                executable: try context.tool(named: "StdlibSourceGenerator").url,
                arguments: [output.path] + files.map(\.path),
                inputFiles: files, outputFiles: [output])
        ]
    }
}
