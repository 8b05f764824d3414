import Foundation
import XCTest

/// The built `polyglot` next to the test bundle.
let polyglotBinary: URL = {
    var dir = Bundle.main.bundleURL
    if dir.pathExtension == "xctest" { dir.deleteLastPathComponent() }
    return dir.appendingPathComponent("polyglot")
}()

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the binary (or another `executable`) to completion with the given arguments and stdin (`environment` changes
/// the inherited one; a nil value removes a variable). Both pipes are drained at once (a child filling one while the
/// test waits on the other would deadlock); a child still running after `timeout` seconds is killed and the result
/// says so in its stderr and status, so a hang fails its test instead of the whole run.
func runPolyglot(
    _ args: [String], stdin: String = "", cwd: URL? = nil, environment: [String: String?] = [:],
    executable: URL = polyglotBinary, timeout: TimeInterval = 600
) throws -> ProcessResult {
    let p = Process()
    p.executableURL = executable
    p.arguments = args
    if !environment.isEmpty {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        p.environment = env
    }
    if let cwd { p.currentDirectoryURL = cwd }
    let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
    p.standardInput = inPipe
    p.standardOutput = outPipe
    p.standardError = errPipe
    let exited = DispatchSemaphore(value: 0)
    p.terminationHandler = { _ in exited.signal() }
    try p.run()
    let drained = DispatchGroup(), out = PipeContents(), err = PipeContents()
    DispatchQueue.global().async(group: drained) { out.data = outPipe.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: drained) { err.data = errPipe.fileHandleForReading.readDataToEndOfFile() }
    inPipe.fileHandleForWriting.write(Data(stdin.utf8))
    try inPipe.fileHandleForWriting.close()
    let timedOut = exited.wait(timeout: .now() + timeout) == .timedOut
    if timedOut {
        kill(p.processIdentifier, SIGKILL)
        exited.wait()
    }
    drained.wait()
    let note = timedOut ? "\n[test] polyglot \(args.joined(separator: " ")) was killed after \(Int(timeout)) s" : ""
    return ProcessResult(
        status: timedOut ? -9 : p.terminationStatus, stdout: String(decoding: out.data, as: UTF8.self),
        stderr: String(decoding: err.data, as: UTF8.self) + note)
}

/// What one pipe delivered; written by its reader before the DispatchGroup is left, read after it is waited for.
private final class PipeContents: @unchecked Sendable {
    var data = Data()
}

extension XCTestCase {
    /// A fresh folder `name-UUID` in the temporary folder, removed when the test ends.
    func temporaryDirectory(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }
}

/// The REPL on a real pseudo-terminal: the child is a session leader whose controlling terminal is
/// the pty, so Ctrl-C typed into it raises SIGINT exactly as at a keyboard. `cwd` starts it in that folder
/// (through `env --chdir`, which execs it: glibc's posix_spawn_file_actions_addchdir_np is not visible to Swift).
final class PseudoTerminal {
    let pid: pid_t
    private let master: Int32
    private(set) var transcript = ""

    init(arguments: [String], environment: [String: String], cwd: URL? = nil) throws {
        var m: Int32 = 0, s: Int32 = 0
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&m, &s, nil, nil, &size) == 0 else { throw POSIXError(.ENOTTY) }
        master = m
        let slaveName = String(cString: ttyname(s))
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        posix_spawnattr_setflags(&attr, 0x80)  // POSIX_SPAWN_SETSID (glibc, needs _GNU_SOURCE in C)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addclose(&actions, m)
        posix_spawn_file_actions_addclose(&actions, s)
        posix_spawn_file_actions_addopen(&actions, 0, slaveName, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        let command = (cwd.map { ["/usr/bin/env", "--chdir=\($0.path)"] } ?? []) + [polyglotBinary.path] + arguments
        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        var child: pid_t = 0
        let rc = posix_spawn(&child, command[0], &actions, &attr, argv, envp)
        argv.forEach { free($0) }
        envp.forEach { free($0) }
        close(s)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        pid = child
    }

    func send(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
    }

    /// Characters of the transcript already matched by `expect`.
    private var matched = 0

    /// Reads until `text` appears after the previous match.
    @discardableResult
    func expect(_ text: String, timeout: Double = 10, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let start = matched
        let deadline = Date().addingTimeInterval(timeout)
        func found() -> Bool {
            let rest = String(transcript.dropFirst(start))
            guard let r = rest.range(of: text) else { return false }
            matched = start + rest.distance(from: rest.startIndex, to: r.upperBound)
            return true
        }
        while Date() < deadline {
            if found() { return true }
            var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&fds, 1, 100) > 0 {
                var buf = [UInt8](repeating: 0, count: 4096)
                let n = read(master, &buf, buf.count)
                if n <= 0 { break }
                transcript += String(decoding: buf[0..<n], as: UTF8.self)
            }
        }
        if found() { return true }
        XCTFail(
            "expected \(text.debugDescription) in terminal output; got \(String(transcript.dropFirst(start)).debugDescription)",
            file: file, line: line)
        return false
    }

    /// Ctrl-D at the prompt, answering the offer to save: no, or yes and the file name `saveTo`; asserts a clean exit.
    func endSession(saveTo: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
        leave(file: file, line: line)
        if let saveTo {
            answer("y")
            expect("File name", file: file, line: line)
            answer(saveTo)
        } else {
            answer("n")
        }
        XCTAssertEqual(waitForExit(), 0, file: file, line: line)
    }

    /// Ctrl-D at the prompt, up to the offer to save the unsaved cells.
    func leave(file: StaticString = #filePath, line: UInt = #line) {
        endInput()
        expect("unsaved cell(s) as a notebook? (y/n)", file: file, line: line)
    }

    /// Types a line at a question, once libedit is reading again.
    func answer(_ text: String) {
        // libedit flushes input typed before it switches the terminal to raw mode: let it settle first.
        Thread.sleep(forTimeInterval: 0.3)
        send(text + "\r")
    }

    /// Ctrl-D on an empty line, once libedit is reading again.
    func endInput() {
        Thread.sleep(forTimeInterval: 0.3)
        send("\u{04}")
    }

    func waitForExit(timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while Date() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid { return (status >> 8) & 0xff }
            var buf = [UInt8](repeating: 0, count: 4096)
            var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&fds, 1, 50) > 0 {
                let n = read(master, &buf, buf.count)
                if n > 0 { transcript += String(decoding: buf[0..<n], as: UTF8.self) }
            }
        }
        kill(pid, SIGKILL)
        return nil
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }
}
