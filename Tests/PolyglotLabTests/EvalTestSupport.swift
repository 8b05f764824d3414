import Foundation
import XCTest

@testable import PolyglotLab

/// Shared helpers for the Eval… tests.
enum EvalFixtures {
    /// `<package root>/../shared/data/mt-bench-x`, or nil (tests skip) when the shared data is absent.
    static var mtBenchX: String? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.deletingLastPathComponent().appendingPathComponent("shared/data/mt-bench-x").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static func requireMTBenchX() throws -> String {
        guard let p = mtBenchX else {
            throw XCTSkip(
                "MT-Bench-X not found at <package root>/../shared/data/mt-bench-x; skipping the real-data test")
        }
        return p
    }

    static func write(_ text: String, _ name: String, in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

extension XCTestCase {
    /// A fresh folder `polyglot-eval-UUID` in the temporary folder, removed when the test ends.
    func temporaryDirectory() -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("polyglot-eval-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }
}
