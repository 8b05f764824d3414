// How deep the parser and the interpreter may recurse. A fixed count makes a program fail at the same place on
// every machine; a look at the thread's remaining stack makes a small stack (a 512 KiB secondary thread, a debug
// build's large frames) fail with the same located error instead of crashing.

import Foundation

struct NestingLimit {
    /// Brackets, blocks, prefix operators and `.field`/`[index]` links the parser accepts inside each other.
    static let parserDepth = 1_000
    /// Nested evaluations (expressions, blocks, calls) the interpreter runs inside each other.
    static let interpreterDepth = 4_000
    /// Stack kept free for the commands and lab code that run at the deepest level.
    static let reservedStack = 128 * 1024

    let maxDepth: Int
    /// What a level is, for the error's note.
    private let levels: String
    /// Addresses below this one are too close to the end of the current thread's stack.
    private let stackFloor: UInt

    static func parser() -> NestingLimit {
        NestingLimit(maxDepth: parserDepth, levels: "levels of brackets, blocks and operators")
    }

    static func interpreter() -> NestingLimit {
        NestingLimit(maxDepth: interpreterDepth, levels: "nested evaluations (expressions, blocks, calls)")
    }

    /// Measures the calling thread's stack: create the limit on the thread that parses or evaluates.
    private init(maxDepth: Int, levels: String) {
        self.maxDepth = maxDepth
        self.levels = levels
        stackFloor = NestingLimit.stackBottom().map { $0 + UInt(NestingLimit.reservedStack) } ?? 0
    }

    func allows(_ depth: Int) -> Bool {
        guard depth <= maxDepth else { return false }
        var marker = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) } > stackFloor
    }

    /// Why a nesting error happened, for its notes.
    var explanation: String { "expected at most \(maxDepth) \(levels) inside each other" }

    private typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32

    /// glibc's pthread_getattr_np, which Swift's Glibc module does not export (a GNU extension).
    private static let getAttributes: GetAttributes? = dlsym(dlopen(nil, RTLD_NOW), "pthread_getattr_np")
        .map { unsafeBitCast($0, to: GetAttributes.self) }

    /// The lowest address of the current thread's stack (it grows down), nil when the system does not say.
    private static func stackBottom() -> UInt? {
        var attributes = pthread_attr_t()
        guard let getAttributes, getAttributes(pthread_self(), &attributes) == 0 else { return nil }
        defer { pthread_attr_destroy(&attributes) }
        var address: UnsafeMutableRawPointer?
        var size = 0
        guard pthread_attr_getstack(&attributes, &address, &size) == 0, let address else { return nil }
        return UInt(bitPattern: address)
    }
}
