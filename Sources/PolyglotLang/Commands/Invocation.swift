// The checked arguments of one command call, read by the command's body through typed accessors.

import PolyglotLab

public struct Invocation {
    public let session: Session
    public let spec: CommandSpec
    public let span: Span
    public let positional: [Value]
    public let keywords: [String: Value]
    let argumentSpans: [String: Span]

    public func value(_ name: String) -> Value {
        if let v = keywords[name] { return v }
        guard let i = spec.positionals.firstIndex(where: { $0.name == name }), i < positional.count else {
            return .none
        }
        return positional[i]
        return .none
    }

    public func span(of name: String) -> Span { argumentSpans[name] ?? span }

    public func error(_ message: String, at name: String? = nil, notes: [String] = []) -> PolyglotError {
        PolyglotError.runtime(message, at: name.map { span(of: $0) } ?? span, notes: notes)
    }

    // MARK: - Parameters that always have a value: required, or with a default of their type

    public func string(_ name: String) -> String { guaranteed(name, Invocation.string) }
    public func int(_ name: String) -> Int { guaranteed(name, Invocation.int) }
    public func double(_ name: String) -> Double { guaranteed(name, \.double) }
    public func bool(_ name: String) -> Bool { guaranteed(name, Invocation.bool) }
    public func strings(_ name: String) -> [String] { guaranteed(name, Invocation.strings) }
    public func list(_ name: String) -> [Value] { guaranteed(name, Invocation.list) }
    public func record(_ name: String) -> Record { guaranteed(name, Invocation.record) }
    public func language(_ name: String) -> Lang { guaranteed(name, Invocation.language) }
    public func languages(_ name: String) -> [Lang] { guaranteed(name, Invocation.languages) }
    /// A `.choice(of: T.self)` parameter as its enum case.
    public func choice<T: RawRepresentable>(_ name: String, as type: T.Type) -> T where T.RawValue == String {
        guaranteed(name) { Invocation.string($0).flatMap(T.init(rawValue:)) }
    }
    /// A `.listOf(.choice(of: T.self))` parameter as its enum cases.
    public func choices<T: RawRepresentable>(_ name: String, as type: T.Type) -> [T] where T.RawValue == String {
        guaranteed(name) { v in
            let cases = Invocation.strings(v)?.compactMap(T.init(rawValue:))
            return cases?.count == Invocation.list(v)?.count ? cases : nil
        }
    }
    public func object<T: LabObject>(_ name: String, as type: T.Type) -> T {
        guaranteed(name) { if case .object(let o) = $0 { o as? T } else { nil } }
    }

    // MARK: - Parameters whose default is none: nil when the call leaves them out (or passes none)

    public func string(ifGiven name: String) -> String? { Invocation.string(value(name)) }
    public func int(ifGiven name: String) -> Int? { Invocation.int(value(name)) }
    public func bool(ifGiven name: String) -> Bool? { Invocation.bool(value(name)) }
    public func strings(ifGiven name: String) -> [String]? { Invocation.strings(value(name)) }
    public func list(ifGiven name: String) -> [Value]? { Invocation.list(value(name)) }
    public func record(ifGiven name: String) -> Record? { Invocation.record(value(name)) }
    public func ints(ifGiven name: String) -> [Int]? {
        guard let xs = list(ifGiven: name) else { return nil }
        let ints = xs.compactMap(Invocation.int)
        return ints.count == xs.count ? ints : nil
    }
    public func language(ifGiven name: String) -> Lang? { Invocation.language(value(name)) }
    public func languages(ifGiven name: String) -> [Lang]? { Invocation.languages(value(name)) }
    public func choice<T: RawRepresentable>(ifGiven name: String, as type: T.Type) -> T? where T.RawValue == String {
        Invocation.string(value(name)).flatMap(T.init(rawValue:))
    }
    public func object<T: LabObject>(ifGiven name: String, as type: T.Type) -> T? {
        if case .object(let o) = value(name) { o as? T } else { nil }
    }

    /// `seed:` when given, else the next seed of the session (so a replay draws the same).
    func seed(_ name: String = "seed") throws -> UInt64 {
        guard let s = int(ifGiven: name) else { return session.nextSeed() }
        guard s >= 0 else { throw error("seed must be non-negative", at: name) }
        return UInt64(s)
    }

    /// Runs a lab call and turns its errors into diagnostics at this command.
    func lab<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as PolyglotError {
            throw e
        } catch {
            throw self.error("\(error)")
        }
    }

    private func guaranteed<T>(_ name: String, _ extract: (Value) -> T?) -> T {
        guard let v = extract(value(name)) else {
            // The binding checked the argument's type and filled in the default, so only a command reading a
            // parameter it does not declare with this type (or with a none default) gets here: a bug, not bad input.
            preconditionFailure("\(spec.name) reads '\(name)' as a value its parameters do not guarantee")
        }
        return v
    }

    private static func string(_ v: Value) -> String? { if case .string(let s) = v { s } else { nil } }
    private static func int(_ v: Value) -> Int? { if case .int(let i) = v { i } else { nil } }
    private static func bool(_ v: Value) -> Bool? { if case .bool(let b) = v { b } else { nil } }
    private static func record(_ v: Value) -> Record? { if case .record(let r) = v { r } else { nil } }
    private static func list(_ v: Value) -> [Value]? { if case .list(let xs) = v { xs } else { nil } }
    private static func strings(_ v: Value) -> [String]? {
        guard case .list(let xs) = v else { return nil }
        let strings = xs.compactMap(string)
        return strings.count == xs.count ? strings : nil
    }
    private static func language(_ v: Value) -> Lang? { string(v).flatMap(Lang.init(rawValue:)) }
    private static func languages(_ v: Value) -> [Lang]? {
        guard case .list(let xs) = v else { return nil }
        let langs = xs.compactMap(language)
        return langs.count == xs.count ? langs : nil
    }
}
