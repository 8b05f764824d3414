import Foundation
import XCTest

/// `polyglot fuzz`: the short version of `make fuzz`, and the driver's own checks (a worker that crashes or
/// hangs is caught, the input is rebuilt from (seed, index), reproduced in a fresh process and written out).
final class FuzzTests: XCTestCase {
    /// Every target, a few hundred inputs each: no crash, no hang, and the counts and times are printed.
    func testShortFuzzRunOfEveryTargetFindsNothing() throws {
        let findings = try temporaryDirectory("pg-fuzz")
        let r = try runPolyglot([
            "fuzz", "run", "--count", "300", "--seed", "11", "--findings", findings.path,
            "--root", repositoryRoot.path
        ])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        for target in [
            "dsl-parse", "dsl-run", "notebook", "dataset", "answers", "judgments", "bench", "config",
            "tokenizer", "safetensors", "serve-request"
        ] {
            let line = r.stdout.split(separator: "\n").first { $0.hasPrefix(target + " ") }
            XCTAssertNotNil(line, "no line for \(target) in:\n\(r.stdout)")
            XCTAssertTrue(
                line?.contains("300 inputs") == true && line?.contains("0 crash(es)  0 hang(s)") == true,
                String(line ?? ""))
        }
        XCTAssertTrue(r.stdout.contains("total: 3300 inputs"), r.stdout)
    }

    /// One worker or three sharing the inputs: the same input crashes, is reproduced and written, and the run goes on;
    /// no scratch folder is left in the temporary folder, not even the crashed worker's.
    func testACrashingWorkerIsReproducedAndItsInputWritten() throws {
        for workers in ["1", "3"] {
            let findings = try temporaryDirectory("pg-fuzz"), tmp = try temporaryDirectory("pg-fuzz-tmp")
            let r = try runPolyglot(
                [
                    "fuzz", "run", "serve-request", "--count", "40", "--inject", "crash:17",
                    "--workers", workers, "--findings", findings.path, "--root", repositoryRoot.path
                ], environment: ["TMPDIR": tmp.path])
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), [], "left in TMPDIR")
            XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
            XCTAssertTrue(r.stdout.contains("\(workers) worker(s) per target"), r.stdout)
            XCTAssertTrue(r.stdout.contains("serve-request input 17: crash (signal"), r.stdout)
            XCTAssertTrue(r.stdout.contains("reproduced"), r.stdout)
            XCTAssertTrue(r.stdout.contains("crash injected at input 17"), r.stdout)
            // The run went on after the crash: all 40 inputs were tried.
            XCTAssertTrue(r.stdout.contains("      40 inputs"), r.stdout)
            let reproducer = findings.appendingPathComponent("serve-request-seed1-input17.bin")
            let again = findings.appendingPathComponent("again.bin")
            let dumped = try runPolyglot([
                "fuzz", "dump", "serve-request", "--index", "17", "--to", again.path,
                "--root", repositoryRoot.path
            ])
            XCTAssertEqual(dumped.status, 0, dumped.stderr)
            XCTAssertEqual(
                try Data(contentsOf: reproducer), try Data(contentsOf: again),
                "input 17 is rebuilt from (seed, index) alone")
        }
    }

    func testAHangingInputIsKilledAfterTheTimeout() throws {
        let findings = try temporaryDirectory("pg-fuzz")
        let r = try runPolyglot([
            "fuzz", "run", "notebook", "--count", "10", "--inject", "hang:4", "--timeout", "0.5",
            "--findings", findings.path, "--root", repositoryRoot.path
        ])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("notebook input 4: hang, reproduced"), r.stdout)
        let reproducer = findings.appendingPathComponent("notebook-seed1-input4.bin")
        XCTAssertTrue(FileManager.default.fileExists(atPath: reproducer.path))
    }

    /// dsl-parse input 41 and dsl-run input 85 (seed 1), shrunk: a few hundred open brackets overflowed the stack
    /// of the recursive-descent parser (signal 11). Fails until the parser limits its nesting depth (the language
    /// engineer's fix); run through the binary so that the crash fails this test only.
    func testDeeplyNestedBracketsGetALocatedError() throws {
        let dir = try temporaryDirectory("pg-fuzz")
        for (name, opener) in [("lists", "["), ("parens", "("), ("records", "{a: ")] {
            let file = dir.appendingPathComponent("\(name).pg")
            try (String(repeating: opener, count: 20_000) + "1\n").write(to: file, atomically: true, encoding: .utf8)
            let r = try runPolyglot(["run", file.path])
            XCTAssertEqual(r.status, 1, "\(name): \(r.stderr.suffix(300))")
            XCTAssertTrue(r.stderr.contains("\(name).pg:1:"), "\(name): \(r.stderr.suffix(300))")
        }
    }
}
