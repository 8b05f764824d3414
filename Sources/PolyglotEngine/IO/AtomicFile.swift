// Crash-safe writes of user files (notebooks, checkpoints, exports, figures). The protocol: write a temporary in the
// destination's own folder, fsync it, rename it over the destination, fsync the folder. A kill -9 (or a power cut)
// at any moment leaves the old version or the new one, never a mix; a full disk or a read-only folder is an error
// naming the destination, and the old version stays.
import Foundation
#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Writes `data` to `url` atomically, creating the folder when needed.
public func atomicWrite(_ data: Data, to url: URL) throws {
    let mode = existingMode(url)
    try atomicWrite(to: url) { tmp in try writeFully(data, to: tmp.path, mode: mode) }
}

/// Replaces the file at `url` by the one `produce` writes at the temporary path it is given (for writers that
/// need a path of their own, such as libedit's history); nothing changes when `produce` throws.
public func atomicWrite(to url: URL, using produce: (URL) throws -> Void) throws {
    let folder = url.deletingLastPathComponent()
    try createFolder(folder, for: url)
    removeAbandonedTemporaries(of: url)
    let tmp = temporaryURL(for: url)
    do {
        try produce(tmp)
        try syncPath(tmp.path)
        try check(rename(tmp.path, url.path))
        try syncPath(folder.path)
    } catch {
        unlink(tmp.path)
        throw writeError(error, url)
    }
}

/// Replaces the folder `dir` by one holding exactly `files` (plain names), in one step: the new folder is written
/// and synced next to it, then the two are exchanged (`renameat2(RENAME_EXCHANGE)`), so `dir` always exists
/// whole, old or new.
public func atomicWriteFolder(_ dir: URL, files: [(name: String, data: Data)]) throws {
    for (name, _) in files where name.isEmpty || name.contains("/") || name.hasPrefix(".") {
        throw EngineError.io("\(dir.path): file name \"\(name)\" must be a plain name")
    }
    let parent = dir.deletingLastPathComponent()
    try createFolder(parent, for: dir)
    var isFolder: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: dir.path, isDirectory: &isFolder)
    guard !exists || isFolder.boolValue else { throw EngineError.io("\(dir.path): exists and is not a folder") }
    removeAbandonedTemporaries(of: dir)
    let tmp = temporaryURL(for: dir)
    do {
        try check(mkdir(tmp.path, 0o777))
        for (name, data) in files { try writeFully(data, to: tmp.appendingPathComponent(name).path, mode: nil) }
        try syncPath(tmp.path)
        if exists { try exchange(tmp.path, dir.path) } else { try check(rename(tmp.path, dir.path)) }
        try syncPath(parent.path)
        try? FileManager.default.removeItem(at: tmp)  // the old version, after an exchange
    } catch {
        try? FileManager.default.removeItem(at: tmp)  // whichever version is not at `dir`
        throw writeError(error, dir)
    }
}

/// A failed system call: its errno.
private struct SystemCallFailure: Error {
    var code: Int32
    var reason: String { String(cString: strerror(code)) }
}

private func check(_ result: Int32) throws {
    if result != 0 { throw SystemCallFailure(code: errno) }
}

private func writeError(_ error: Error, _ url: URL) -> Error {
    switch error {
    case let e as SystemCallFailure: return EngineError.io("\(url.path): cannot write (\(e.reason))")
    case let e as EngineError: return e
    default: return EngineError.io("\(url.path): cannot write (\(error.localizedDescription))")
    }
}

private func createFolder(_ folder: URL, for url: URL) throws {
    do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
        throw EngineError.io("\(url.path): cannot create its folder \(folder.path) (\(error.localizedDescription))")
    }
}

/// `.NAME.tmp-PID-RANDOM` in the destination's folder: same file system, so the rename is atomic; the pid tells
/// a temporary of a killed process from one being written right now.
private func temporaryURL(for url: URL) -> URL {
    let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(random)")
}

/// Deletes what killed processes left while writing `url` (a checkpoint's temporary is as large as the model).
private func removeAbandonedTemporaries(of url: URL) {
    let folder = url.deletingLastPathComponent(), prefix = ".\(url.lastPathComponent).tmp-"
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
    for name in names where name.hasPrefix(prefix) {
        guard let pid = pid_t(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid != getpid(),
            kill(pid, 0) != 0, errno == ESRCH
        else { continue }
        try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
    }
}

private func existingMode(_ url: URL) -> mode_t? {
    var info = stat()
    return stat(url.path, &info) == 0 ? info.st_mode & 0o7777 : nil
}

/// Creates `path` (which must not exist), writes all of `data`, fsyncs and closes it.
private func writeFully(_ data: Data, to path: String, mode: mode_t?) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else { throw SystemCallFailure(code: errno) }
    var failure: SystemCallFailure?
    data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
        var offset = 0
        while offset < raw.count {
            let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                failure = SystemCallFailure(code: errno)
                return
            }
            offset += n
        }
    }
    if failure == nil, let mode, fchmod(fd, mode) != 0 { failure = SystemCallFailure(code: errno) }
    if failure == nil, fsync(fd) != 0 { failure = SystemCallFailure(code: errno) }
    if close(fd) != 0, failure == nil { failure = SystemCallFailure(code: errno) }
    if let failure { throw failure }
}

/// Flushes a file or folder to the disk (a folder's fsync makes the renames in it durable).
private func syncPath(_ path: String) throws {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw SystemCallFailure(code: errno) }
    defer { close(fd) }
    // Some file systems cannot sync a folder (EINVAL): the rename is still atomic there, only less durable.
    if fsync(fd) != 0, errno != EINVAL { throw SystemCallFailure(code: errno) }
}

/// Swaps two paths atomically. File systems without an exchange (EINVAL) get two renames: `b` is missing
/// for an instant, and a kill in that instant leaves the old version in a temporary next to it.
private func exchange(_ a: String, _ b: String) throws {
    #if canImport(Glibc)
        if let renameat2 = renameExchange, renameat2(AT_FDCWD, a, AT_FDCWD, b, 2 /* RENAME_EXCHANGE */) == 0 { return }
        let code = renameExchange == nil ? ENOSYS : errno
    #else
        if renamex_np(a, b, UInt32(RENAME_SWAP)) == 0 { return }
        let code = errno
    #endif
    guard code == EINVAL || code == ENOSYS || code == ENOTSUP else { throw SystemCallFailure(code: code) }
    let old = temporaryURL(for: URL(fileURLWithPath: b)).path
    try check(rename(b, old))
    try check(rename(a, b))
    try check(rename(old, a))
}

#if canImport(Glibc)
    private typealias RenameAt2 =
        @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    /// glibc ≥ 2.28 has renameat2, but Swift's Glibc module does not declare it (it needs _GNU_SOURCE).
    private let renameExchange: RenameAt2? = dlsym(nil, "renameat2").map { unsafeBitCast($0, to: RenameAt2.self) }
#endif
