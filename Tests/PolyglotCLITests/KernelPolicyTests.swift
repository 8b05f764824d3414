import Foundation
import XCTest

/// The OpenBLAS kernel set can be pinned (POLYGLOT_KERNELS), since kernel sets round differently and a notebook
/// recorded on one CPU must replay on another.
final class KernelPolicyTests: XCTestCase {
    private func kernelLine(_ environment: [String: String?], _ extra: [String] = []) throws -> String {
        try kernelRun(environment, extra).line
    }

    /// The first line `bench engine` prints (the kernel set) and what it wrote to stderr.
    private func kernelRun(_ environment: [String: String?], _ extra: [String] = []) throws -> (
        line: String, stderr: String
    ) {
        #if !arch(x86_64)
            throw XCTSkip("kernel sets are pinned on x86-64 only")
        #else
            let r = try runPolyglot(
                [
                    "bench", "engine", "--training-only", "--presets", "tiny-dense", "--train-steps", "1",
                    "--torch-script", "/nonexistent/bench_torch.py"
                ] + extra, environment: environment)
            XCTAssertEqual(r.status, 0, r.stderr)
            return (String(r.stdout.split(separator: "\n").first ?? ""), r.stderr)
        #endif
    }

    func testPortableIsTheNotebookDefaultAndPinsHaswellOverAnInheritedCoreType() throws {
        #if arch(x86_64)
            // A failed `replay --check` names the kernel set its run used.
            let dir = try temporaryDirectory("pg-kernels")
            let file = dir.appendingPathComponent("wrong.pg")
            try "# polyglot notebook v1 · seed 1\n1 + 1\n#> 3\n".write(to: file, atomically: true, encoding: .utf8)
            let r = try runPolyglot(
                ["replay", "--check", file.path],
                environment: ["POLYGLOT_KERNELS": nil, "OPENBLAS_CORETYPE": "SkylakeX"])
            XCTAssertEqual(r.status, 1)
            XCTAssertTrue(r.stderr.contains("(this run: OpenBLAS Haswell kernels, portable;"), r.stderr)
        #endif
        let line = try kernelLine(["POLYGLOT_KERNELS": "portable", "OPENBLAS_CORETYPE": "SkylakeX"])
        XCTAssertTrue(line.hasPrefix("OpenBLAS kernels: Haswell (portable;"), line)
    }

    func testTheEngineBenchMeasuresNativeKernelsUnlessTold() throws {
        let line = try kernelLine(["POLYGLOT_KERNELS": nil, "OPENBLAS_CORETYPE": nil])
        XCTAssertTrue(line.contains("(native;"), line)
        let told = try kernelLine(["POLYGLOT_KERNELS": "native", "OPENBLAS_CORETYPE": nil], ["--kernels", "portable"])
        // the option wins over the environment
        XCTAssertTrue(told.hasPrefix("OpenBLAS kernels: Haswell (portable;"), told)
    }

    func testAnUnknownPolicyWarnsAndFallsBackToPortable() throws {
        let run = try kernelRun(["POLYGLOT_KERNELS": "fastest", "OPENBLAS_CORETYPE": nil])
        XCTAssertTrue(run.line.hasPrefix("OpenBLAS kernels: Haswell (portable;"), run.line)
        XCTAssertTrue(run.stderr.contains("POLYGLOT_KERNELS=fastest is not one of: portable, native, auto"), run.stderr)
    }

    func testAutoLeavesTheChoiceToOpenBLASAndAnInheritedCoreType() throws {
        XCTAssertTrue(try kernelLine(["POLYGLOT_KERNELS": "auto", "OPENBLAS_CORETYPE": nil]).contains("(auto;"))
        let line = try kernelLine(["POLYGLOT_KERNELS": "auto", "OPENBLAS_CORETYPE": "Zen"])
        XCTAssertTrue(line.hasPrefix("OpenBLAS kernels: Zen (auto, OPENBLAS_CORETYPE;"), line)
    }

    func testNativeUsesAVX512KernelsWhereTheCPUHasThem() throws {
        let line = try kernelLine(["POLYGLOT_KERNELS": "native", "OPENBLAS_CORETYPE": "Haswell"])
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let avx512 = ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy { cpu.contains(" \($0)") }
        if avx512 {
            XCTAssertTrue(line.hasPrefix("OpenBLAS kernels: SkylakeX (native;"), line)
        } else {
            XCTAssertTrue(line.contains("(native;"), line)
        }
    }
}
