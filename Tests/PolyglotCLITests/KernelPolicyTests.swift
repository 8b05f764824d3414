import Foundation
import XCTest

/// The OpenBLAS kernel set can be pinned (POLYGLOT_KERNELS), since kernel sets round differently and a notebook
/// recorded on one CPU must replay on another.
final class KernelPolicyTests: XCTestCase {
    private func kernelLine(_ environment: [String: String?]) throws -> String {
        #if !arch(x86_64)
        throw XCTSkip("kernel sets are pinned on x86-64 only")
        #else
        let r = try runPolyglot(["bench", "engine", "--training-only", "--presets", "tiny-dense", "--train-steps", "1",
                                 "--torch-script", "/nonexistent/bench_torch.py"], environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        return String(r.stdout.split(separator: "\n").first ?? "")
        #endif
    }

    func testUnsetLeavesTheChoiceToOpenBLAS() throws {
        XCTAssertTrue(try kernelLine(["POLYGLOT_KERNELS": nil, "OPENBLAS_CORETYPE": nil]).contains("(auto;"))
    }

    func testPortablePinsHaswellOverAnInheritedCoreType() throws {
        XCTAssertTrue(try kernelLine(["POLYGLOT_KERNELS": "portable", "OPENBLAS_CORETYPE": "Zen"])
            .hasPrefix("OpenBLAS kernels: Haswell (portable;"))
    }

    func testAnInheritedCoreTypeIsRespectedWithoutAPolicy() throws {
        XCTAssertTrue(try kernelLine(["POLYGLOT_KERNELS": nil, "OPENBLAS_CORETYPE": "Zen"])
            .hasPrefix("OpenBLAS kernels: Zen (OPENBLAS_CORETYPE;"))
    }

    func testNativeUsesAVX512KernelsWhereTheCPUHasThem() throws {
        let line = try kernelLine(["POLYGLOT_KERNELS": "native", "OPENBLAS_CORETYPE": "Haswell"])
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let avx512 = ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy { cpu.contains(" \($0)") }
        if avx512 { XCTAssertTrue(line.hasPrefix("OpenBLAS kernels: SkylakeX (native;"), line) }
        else { XCTAssertTrue(line.contains("(native;"), line) }
    }
}
