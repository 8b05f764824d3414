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
        make.arguments = [
            "-s", "-C", repositoryRoot.path, "install", "PREFIX=\(prefix.path)",
            "BIN=\(polyglotBinary.path)", "SWIFT=true"
        ]
        var environment = ProcessInfo.processInfo.environment
        for inherited in ["MAKEFLAGS", "MFLAGS", "MAKELEVEL"] { environment[inherited] = nil }
        make.environment = environment
        try make.run()
        make.waitUntilExit()
        XCTAssertEqual(make.terminationStatus, 0)
        let installed = prefix.appendingPathComponent("bin/polyglot")
        let r = try runPolyglot(
            [], stdin: "max([3, 7, 5])\nstudy_langs\n", cwd: URL(fileURLWithPath: "/"),
            environment: ["POLYGLOT_STDLIB": nil], executable: installed)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "7\n[\"en\", \"de\", \"fr\", \"it\", \"es\"]\n")
    }

    /// $POLYGLOT_STDLIB (development) replaces the built-in stdlib by a folder's files, relative to the folder
    /// polyglot starts in, even when a notebook runs in its own folder; a folder that cannot be read is an error.
    func testPolyglotStdlibNamesAFolderToReadInstead() throws {
        let dir = try temporaryDirectory("pg-stdlib")
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("lib"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        func write(_ text: String, _ path: String) throws {
            try text.write(to: dir.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
        try write("fn triple(x) { x * 3 }\n", "lib/extra.pg")
        try write("triple(4)\nmax([1, 2])\n", "sub/nb.pg")
        let r = try runPolyglot(["run", "sub/nb.pg"], cwd: dir, environment: ["POLYGLOT_STDLIB": "lib"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "12\n")
        XCTAssertTrue(r.stderr.contains("sub/nb.pg:2:1: error: unknown command or function 'max'"), r.stderr)
        let missing = try runPolyglot([], stdin: "1\n", cwd: dir, environment: ["POLYGLOT_STDLIB": "nope"])
        XCTAssertEqual(missing.status, 70)
        XCTAssertTrue(missing.stderr.contains("error: POLYGLOT_STDLIB=nope: cannot list the folder"), missing.stderr)
    }
}
