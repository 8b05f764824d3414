// A worker child process: spawned with its progress on a pipe and its stderr in a file, read with a
// timeout, and waited for with its peak memory (wait4's rusage).

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How a worker ended.
public enum WorkerTermination: Equatable, Sendable {
    case exited(Int32)
    case signaled(Int32)
    /// Killed by the driver after the time limit.
    case timedOut
}

final class WorkerProcess {
    let pid: pid_t
    private let progress: Int32
    private var buffer: [UInt8] = []
    private var finished = false
    private(set) var peakRSSKilobytes = 0

    init(executable: String, arguments: [String], stderrFile: URL) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw FuzzError("cannot create a pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, stderrFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // Dictionary order must not vary between the worker and the process that reproduces its finding; no
        // symbolicated backtrace: it takes seconds per crash, and the trap message is enough to triage.
        let environment = ProcessInfo.processInfo.environment
            .merging(["SWIFT_DETERMINISTIC_HASHING": "1", "SWIFT_BACKTRACE": "enable=no"]) { $1 }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, nil, argv, envp)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw FuzzError("cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        pid = child
        progress = fds[0]
    }

    deinit { close(progress) }

    /// The next line the worker reported; nil at the end of its output or when `seconds` pass without one
    /// (`timedOut` then says which).
    func nextLine(within seconds: Double, timedOut: inout Bool) -> String? {
        timedOut = false
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            if finished { return nil }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { timedOut = true; return nil }
            var fd = pollfd(fd: progress, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fd, 1, Int32(min(left, 1) * 1000) + 1)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = read(progress, &chunk, chunk.count)
            if n <= 0 { finished = true } else { buffer += chunk[..<n] }
        }
    }

    func kill() { _ = Glibc.kill(pid, SIGKILL) }

    /// Waits for the worker to end.
    func wait() -> WorkerTermination {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0, errno == EINTR {}
        peakRSSKilobytes = usage.ru_maxrss
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signal)
    }
}
