// Ctrl-C: the REPL's signal handler sets the flag; loops, calls and long commands (tune, answer,
// judge) poll it and stop cleanly, so the session survives.

import Synchronization

public enum Interrupt {
    private static let flag = Atomic<Bool>(false)

    public static var isRequested: Bool { flag.load(ordering: .relaxed) }
    public static func request() { flag.store(true, ordering: .relaxed) }
    public static func clear() { flag.store(false, ordering: .relaxed) }
}
