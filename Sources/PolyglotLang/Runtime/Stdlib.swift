// The DSL's standard library (`stdlib/*.pg`), loaded at start-up. The binary carries it: the EmbedStdlib build
// plugin generates `Stdlib.embedded` from those files. `$POLYGLOT_STDLIB` names a folder to read instead
// (development: edit a .pg file and rerun without rebuilding).

import Foundation

public enum Stdlib {
    public struct Source: Sendable {
        /// The name errors show, e.g. `stdlib/study.pg`.
        public var file: String
        public var text: String
    }

    /// The folder `$POLYGLOT_STDLIB` names (its `*.pg` files in name order), else the embedded files.
    public static func sources(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [Source] {
        guard let folder = environment["POLYGLOT_STDLIB"], !folder.isEmpty else { return embedded }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".pg") }.sorted()
        } catch {
            throw PolyglotError.runtime(
                "POLYGLOT_STDLIB=\(folder): cannot list the folder (\(error.localizedDescription))", at: nil,
                notes: ["expected a folder of .pg files, or unset it to use the built-in stdlib"])
        }
        return try names.map { name in
            let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path),
                let text = String(data: data, encoding: .utf8)
            else {
                throw PolyglotError.runtime("cannot read '\(path)' as UTF-8 text", at: nil)
            }
            return Source(file: path, text: text)
        }
    }
}
