import Foundation
import XCTest
@testable import PolyglotEngine

final class AtomicFileTests: XCTestCase {
    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// A pid that no process has: a child that has exited and been reaped.
    func deadPid() throws -> pid_t {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    func testWriteReplacesTheFileKeepsItsModeAndLeavesNoTemporary() throws {
        let dir = try folder()
        let url = dir.appendingPathComponent("sub/nb.pg")
        try atomicWrite(Data("old".utf8), to: url)
        XCTAssertEqual(chmod(url.path, 0o600), 0)
        try atomicWrite(Data("new".utf8), to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "new")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int, 0o600)
        let names = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        XCTAssertEqual(names, ["nb.pg"])
    }

    func testAFailedProducerChangesNothing() throws {
        let url = try folder().appendingPathComponent("history")
        try atomicWrite(Data("kept".utf8), to: url)
        struct Refused: Error {}
        XCTAssertThrowsError(
            try atomicWrite(to: url) { tmp in
                try Data("half".utf8).write(to: tmp)
                throw Refused()
            })
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "kept")
        let names = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        XCTAssertEqual(names, ["history"])
    }

    /// The folder is exchanged whole; what killed writers left next to it is removed, a live writer's is not.
    func testFolderIsExchangedWholeAndAbandonedTemporariesGo() throws {
        let dir = try folder()
        let target = dir.appendingPathComponent("ckpt")
        try atomicWriteFolder(target, files: [("a.json", Data("1".utf8)), ("b.bin", Data([1, 2]))])
        let abandoned = dir.appendingPathComponent(".ckpt.tmp-\(try deadPid())-1")
        let live = dir.appendingPathComponent(".ckpt.tmp-\(getppid())-2")
        for leftover in [abandoned, live] {
            try FileManager.default.createDirectory(at: leftover, withIntermediateDirectories: true)
        }
        try atomicWriteFolder(target, files: [("a.json", Data("2".utf8))])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: target.path), ["a.json"])
        XCTAssertEqual(try String(contentsOf: target.appendingPathComponent("a.json"), encoding: .utf8), "2")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertEqual(names, [live.lastPathComponent, "ckpt"])
    }

    func testAFileIsNotReplacedByAFolder() throws {
        let file = try folder().appendingPathComponent("notes.txt")
        try atomicWrite(Data("mine".utf8), to: file)
        XCTAssertThrowsError(try atomicWriteFolder(file, files: [("a", Data())])) {
            XCTAssertEqual("\($0)", "io: \(file.path): exists and is not a folder")
        }
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "mine")
    }

    /// `save` to a folder of other files (a typo in a path) must not wipe it: only model folders are replaced.
    func testCheckpointRefusesToReplaceAFolderThatIsNotAModel() throws {
        let dir = try folder()
        try atomicWrite(Data("# %%\n".utf8), to: dir.appendingPathComponent("notebook.pg"))
        let model = try Transformer(config: TrainerTests.config, seed: 1)
        XCTAssertThrowsError(try Checkpoint.save(model, to: dir)) {
            XCTAssertTrue("\($0)".contains("\(dir.path): exists and is not a model folder"), "\($0)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["notebook.pg"])
        let ckpt = dir.appendingPathComponent("model")
        try Checkpoint.save(model, to: ckpt)
        try Checkpoint.save(model, to: ckpt)  // a model folder is replaced
        XCTAssertEqual(try Checkpoint.load(from: ckpt).params.toArray(), model.params.toArray())
    }
}
