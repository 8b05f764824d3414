// A small byte-level JSON reader for flat instruction records. Foundation's JSONSerialization is
// several times slower on Linux and reports no positions; this one parses straight from the file's
// bytes, rejects invalid UTF-8 inside strings, and reports the byte offset of every error.

/// A parsed JSON value. Objects keep their key order; records are small, so lookups are linear.
enum JSONValue: Equatable {
    case string(String)
    /// Numbers keep their source text (ids such as `107` stay exact; records need no arithmetic).
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }

    /// The JSON type name, for "expected string, found number" messages.
    var typeName: String {
        switch self {
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        case .array: "array"
        case .object: "object"
        }
    }

    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)), (.number(let x), .number(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)):
            x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }
}

/// A syntax error at a byte offset of the parsed buffer.
struct JSONSyntaxError: Error, Equatable {
    var offset: Int
    var message: String
}

/// Recursive-descent parser over a byte buffer; `position` advances as values are read.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    let end: Int
    /// Deep nesting would overflow the stack; instruction records are at most 3 levels deep.
    static let maxDepth = 256

    init(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.position = start
        self.end = end ?? bytes.count
    }

    var atEnd: Bool { position >= end }

    mutating func skipWhitespace() {
        while position < end {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// Parses one value and requires that only whitespace follows it (one JSON Lines record).
    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if position < end { throw fail("expected end of record after the JSON value, found \(describeByte())") }
        return value
    }

    mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth < Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth) levels") }
        guard position < end else { throw fail("unexpected end of input, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("expected a value, found \(describeByte())")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        position += 1  // {
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if position < end, bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard position < end else { throw fail("unexpected end of input inside an object") }
            guard bytes[position] == UInt8(ascii: "\"") else {
                throw fail("expected a quoted key, found \(describeByte())")
            }
            let key = try parseString()
            skipWhitespace()
            guard position < end, bytes[position] == UInt8(ascii: ":") else {
                throw fail("expected ':' after key \"\(key)\", found \(describeByte())")
            }
            position += 1
            skipWhitespace()
            members.append((key, try parseValue(depth: depth + 1)))
            skipWhitespace()
            guard position < end else { throw fail("unexpected end of input inside an object") }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(members)
            default: throw fail("expected ',' or '}' in object, found \(describeByte())")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < end, bytes[position] == UInt8(ascii: "]") { position += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard position < end else { throw fail("unexpected end of input inside an array") }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(elements)
            default: throw fail("expected ',' or ']' in array, found \(describeByte())")
            }
        }
    }

    /// Reads a string; the common case without escapes becomes a String straight from the bytes.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = position + 1
        var i = start
        while i < end {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                position = i + 1
                return try makeString(start..<i)
            }
            if b == UInt8(ascii: "\\") { return try parseEscapedString(start: start, firstEscape: i) }
            if b < 0x20 {
                position = i; throw fail("control character \(describeByte()) inside a string (must be escaped)")
            }
            i += 1
        }
        position = end
        throw fail("unexpected end of input inside a string")
    }

    private mutating func parseEscapedString(start: Int, firstEscape: Int) throws(JSONSyntaxError) -> String {
        var buffer = [UInt8](bytes[start..<firstEscape])
        var i = firstEscape
        var runStart = firstEscape  // plain bytes since the last escape are copied in one go
        while i < end {
            let b = bytes[i]
            if b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") && b >= 0x20 { i += 1; continue }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
            if b == UInt8(ascii: "\"") {
                position = i + 1
                guard let s = buffer.withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) else {
                    position = start
                    throw fail("invalid UTF-8 inside a string")
                }
                return s
            }
            if b < 0x20 {
                position = i; throw fail("control character \(describeByte()) inside a string (must be escaped)")
            }
            guard i + 1 < end else { break }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): buffer.append(0x22)
            case UInt8(ascii: "\\"): buffer.append(0x5C)
            case UInt8(ascii: "/"): buffer.append(0x2F)
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(at: i)
                i += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate (JSON encodes U+10000+ as a pair).
                    guard i + 6 <= end, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        position = i - 6
                        throw fail("unpaired surrogate \\u\(String(scalar, radix: 16)) in string")
                    }
                    let low = try hex4(at: i + 2)
                    guard (0xDC00..<0xE000).contains(low) else {
                        position = i
                        throw fail("invalid low surrogate \\u\(String(low, radix: 16)) in string")
                    }
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    position = i - 6
                    throw fail("unpaired surrogate \\u\(String(scalar, radix: 16)) in string")
                }
                guard let u = Unicode.Scalar(scalar) else { position = i - 6; throw fail("invalid \\u escape") }
                Unicode.UTF8.encode(u) { buffer.append($0) }
            default:
                position = i - 2
                throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))' in string")
            }
            runStart = i
        }
        position = end
        throw fail("unexpected end of input inside a string")
    }

    private mutating func hex4(at i: Int) throws(JSONSyntaxError) -> UInt32 {
        guard i + 4 <= end else { position = end; throw fail("unexpected end of input inside a \\u escape") }
        var v: UInt32 = 0
        for k in i..<(i + 4) {
            let b = bytes[k]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: position = k; throw fail("expected 4 hex digits after \\u, found \(describeByte())")
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    private func makeString(_ range: Range<Int>) throws(JSONSyntaxError) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        guard let s = String(validating: slice, as: UTF8.self) else {
            // Point at the first byte that breaks the encoding.
            var copy = self
            copy.position = range.lowerBound + Self.validUTF8PrefixLength(slice)
            throw copy.fail("invalid UTF-8 inside a string")
        }
        return s
    }

    /// Number of leading bytes that decode cleanly, to locate an encoding error.
    static func validUTF8PrefixLength(_ slice: UnsafeBufferPointer<UInt8>) -> Int {
        var decoder = Unicode.UTF8.ForwardParser()
        var iterator = slice.makeIterator()
        var consumed = 0
        while true {
            switch decoder.parseScalar(from: &iterator) {
            case .valid(let encoded): consumed += encoded.count
            case .emptyInput, .error: return consumed
            }
        }
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = position
        func digits(_ s: inout JSONScanner) -> Int {
            let from = s.position
            while s.position < s.end, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(s.bytes[s.position]) {
                s.position += 1
            }
            return s.position - from
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard digits(&self) > 0 else { throw fail("expected digits in number, found \(describeByte())") }
        if position < end, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else { throw fail("expected digits after '.', found \(describeByte())") }
        }
        if position < end, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < end, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits(&self) > 0 else { throw fail("expected digits in exponent, found \(describeByte())") }
        }
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONSyntaxError) {
        let n = word.utf8CodeUnitCount
        guard position + n <= end,
            (0..<n).allSatisfy({ bytes[position + $0] == word.utf8Start[$0] })
        else {
            throw fail("expected '\(word)', found \(describeByte())")
        }
        position += n
    }

    func describeByte() -> String {
        guard position < end else { return "end of input" }
        let b = bytes[position]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x" + String(b, radix: 16, uppercase: true)
    }

    func fail(_ message: String) -> JSONSyntaxError { JSONSyntaxError(offset: position, message: message) }
}
