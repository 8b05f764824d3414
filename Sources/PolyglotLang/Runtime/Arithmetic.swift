// Binary operators on values. Integers stay integers except under `/`, which always gives a
// number (7 / 2 = 3.5); integer overflow is an error rather than a wrap-around.

enum Arithmetic {
    static func apply(_ op: BinaryOperator, _ a: Value, _ b: Value, at span: Span) throws -> Value {
        switch op {
        case .equal: return .bool(a == b)
        case .notEqual: return .bool(a != b)
        case .less, .lessEqual, .greater, .greaterEqual: return .bool(try compare(op, a, b, span))
        case .add:
            switch (a, b) {
            case let (.string(x), .string(y)): return .string(x + y)
            case let (.list(x), .list(y)): return .list(x + y)
            case let (.object(x as any CombinableObject), .object(y)) where x.typeName == y.typeName:
                do {
                    if let union = try x.combined(withAny: y) { return .object(union) }
                } catch {
                    throw PolyglotError.runtime("cannot combine these \(x.typeName): \(error)", at: span)
                }
                return try numeric(op, a, b, span, +)
            default: return try numeric(op, a, b, span, +)
            }
        case .subtract: return try numeric(op, a, b, span, -)
        case .multiply: return try numeric(op, a, b, span, *)
        case .divide:
            guard let x = a.double, let y = b.double else { throw mismatch(op, a, b, span) }
            if y == 0 { throw PolyglotError.runtime("division by zero", at: span) }
            return .float(x / y)
        case .remainder:
            if case let (.int(x), .int(y)) = (a, b) {
                if y == 0 { throw PolyglotError.runtime("remainder by zero", at: span) }
                // The sign follows the divisor; written so that Int.min % -1 and large operands cannot overflow.
                let r = x.remainderReportingOverflow(dividingBy: y).partialValue
                return .int(r != 0 && (r < 0) != (y < 0) ? r + y : r)
            }
            guard let x = a.double, let y = b.double else { throw mismatch(op, a, b, span) }
            if y == 0 { throw PolyglotError.runtime("remainder by zero", at: span) }
            return .float(x - y * (x / y).rounded(.down))
        case .and, .or:
            throw PolyglotError.runtime("'\(op.rawValue)' is evaluated by the interpreter", at: span)
        }
    }

    private static func numeric(
        _ op: BinaryOperator, _ a: Value, _ b: Value, _ span: Span,
        _ floatOp: (Double, Double) -> Double
    ) throws -> Value {
        if case let (.int(x), .int(y)) = (a, b) {
            let (r, overflow): (Int, Bool)
            switch op {
            case .add: (r, overflow) = x.addingReportingOverflow(y)
            case .subtract: (r, overflow) = x.subtractingReportingOverflow(y)
            default: (r, overflow) = x.multipliedReportingOverflow(by: y)
            }
            if overflow {
                throw PolyglotError.runtime(
                    "integer overflow in '\(op.rawValue)'", at: span,
                    notes: ["write one operand as a number, e.g. 2.0, to compute in floating point"])
            }
            return .int(r)
        }
        guard let x = a.double, let y = b.double else { throw mismatch(op, a, b, span) }
        return .float(floatOp(x, y))
    }

    private static func compare(_ op: BinaryOperator, _ a: Value, _ b: Value, _ span: Span) throws -> Bool {
        let order: Int
        if let x = a.double, let y = b.double {
            order = x < y ? -1 : (x > y ? 1 : 0)
        } else if case let (.string(x), .string(y)) = (a, b) {
            order = x < y ? -1 : (x > y ? 1 : 0)
        } else {
            throw mismatch(op, a, b, span)
        }
        switch op {
        case .less: return order < 0
        case .lessEqual: return order <= 0
        case .greater: return order > 0
        default: return order >= 0
        }
    }

    private static func mismatch(_ op: BinaryOperator, _ a: Value, _ b: Value, _ span: Span) -> PolyglotError {
        PolyglotError.runtime(
            "cannot apply '\(op.rawValue)' to \(a.typeName) and \(b.typeName)", at: span,
            notes: ["expected two numbers\(op == .add ? ", two strings, two lists, two answers or two judgments" : "")"]
        )
    }
}
