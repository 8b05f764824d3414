// Where the DSL's standard library (`stdlib/*.pg`) lives: `$POLYGLOT_STDLIB`, or the `stdlib`
// folder of the checkout the binary was built in (found by walking up from the executable), or
// from the current directory.

import Foundation

public enum Stdlib {
    /// The running binary (Linux: /proc/self/exe, immune to later `chdir`).
    public static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    public static func locate(executable: String = Stdlib.executablePath) -> URL? {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["POLYGLOT_STDLIB"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        for start in [exe.deletingLastPathComponent(), URL(fileURLWithPath: fm.currentDirectoryPath)] {
            var dir = start
            for _ in 0..<8 {
                let candidate = dir.appendingPathComponent("stdlib")
                if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
                   fm.fileExists(atPath: candidate.path) {
                    return candidate
                }
                dir.deleteLastPathComponent()
            }
        }
        return nil
    }
}
