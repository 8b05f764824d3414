// The user's home folder, for the REPL history, the base-model cache and `~/` in paths.
// `$HOME` wins, as in every Unix tool (a sandbox, a CI job or a test moves it); only without it does the
// passwd entry count. Foundation's homeDirectoryForCurrentUser reads the passwd entry alone on Linux.

import Foundation

public enum UserHome {
    public static var directory: URL {
        if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home, isDirectory: true)
        }
        return FileManager.default.homeDirectoryForCurrentUser
    }

    /// `~/rest` as a path under the home folder; any other path unchanged.
    public static func expandingTilde(_ path: String) -> String {
        guard path.hasPrefix("~/") else { return path }
        let home = directory.path
        return (home.hasSuffix("/") ? String(home.dropLast()) : home) + path.dropFirst(1)
    }
}
