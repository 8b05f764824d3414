import Foundation
import XCTest

final class InstallTests: XCTestCase {
    /// `make install PREFIX=…` gives a binary that needs no checkout: run from `/` with no $POLYGLOT_STDLIB, it has
    /// the stdlib (`max` comes from stdlib/prelude.pg, `study_langs` from stdlib/study.pg).
    func testInstalledBinaryRunsFromAnotherFolderWithItsStdlib() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/make") else {
            throw XCTSkip("make is not installed")
        }
        let prefix = try temporaryDirectory("pg-prefix")
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/make")
        // The binary under test is already built: SWIFT=true makes the build step a no-op, BIN names that binary.
        make.arguments = ["-s", "-C", repositoryRoot.path, "install", "PREFIX=\(prefix.path)",
                          "BIN=\(polyglotBinary.path)", "SWIFT=true"]
        var environment = ProcessInfo.processInfo.environment
        for inherited in ["MAKEFLAGS", "MFLAGS", "MAKELEVEL"] { environment[inherited] = nil }
        make.environment = environment
        try make.run()
        make.waitUntilExit()
        XCTAssertEqual(make.terminationStatus, 0)
        let installed = prefix.appendingPathComponent("bin/polyglot")
        let r = try runPolyglot([], stdin: "max([3, 7, 5])\nstudy_langs\n", cwd: URL(fileURLWithPath: "/"),
                                environment: ["POLYGLOT_STDLIB": nil], executable: installed)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "7\n[\"en\", \"de\", \"fr\", \"it\", \"es\"]\n")
    }
}
