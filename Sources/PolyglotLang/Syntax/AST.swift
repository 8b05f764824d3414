// The syntax tree. Every node keeps its span so runtime errors point at the source.

public struct CallArgument {
    public var label: String?  // nil for positional
    public var value: Expr
    public var span: Span
}

public enum BinaryOperator: String {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and, or
}

/// One `op operand` step of a chain `a + b - c`: operators of one precedence level, applied left to right.
/// Chains are flat (not a tree one level deeper per operator), so 100,000 terms neither recurse nor nest.
public struct ChainLink {
    public var op: BinaryOperator
    public var operand: Expr
    public var span: Span  // the operator
}

public enum StringPart {
    case text(String)
    case expr(Expr)
}

public indirect enum Expr {
    case literal(Value, Span)
    case interpolated([StringPart], Span)
    case variable(String, Span)
    case list([Expr], Span)
    case record([(String, Expr)], Span)
    case negate(Expr, Span)
    case not(Expr, Span)
    /// `first op₁ x₁ op₂ x₂ …`, left-associative; its span is the last operator's.
    case chain(Expr, [ChainLink])
    /// `record with {field: value}`: a copy with those fields replaced or added.
    case update(Expr, Expr, Span)
    case field(Expr, String, Span)
    case index(Expr, Expr, Span)
    /// A user function or a command, written `name(args)` or `name args…` (command style).
    case call(String, [CallArgument], Span)
    case ifElse(condition: Expr, then: [Stmt], otherwise: [Stmt]?, Span)

    public var span: Span {
        switch self {
        case .literal(_, let s), .interpolated(_, let s), .variable(_, let s), .list(_, let s), .record(_, let s),
            .negate(_, let s), .not(_, let s), .update(_, _, let s), .field(_, _, let s), .index(_, _, let s),
            .call(_, _, let s), .ifElse(_, _, _, let s):
            return s
        case .chain(let first, let links):
            return links.last?.span ?? first.span
        }
    }
}

public indirect enum Stmt {
    case letBinding(String, Expr, Span)
    case assign(String, Expr, Span)
    case expression(Expr)
    case function(FunctionDecl)
    case forLoop(variable: String, sequence: Expr, body: [Stmt], Span)
}

/// `name` or `name: default`; the default is evaluated at each call that leaves the parameter out.
public struct FunctionParameter {
    public var name: String
    public var defaultValue: Expr?
    /// The default as written, for signatures in errors and `vars`.
    public var defaultSource: String?

    /// `name` or `name: source`, as in the declaration.
    public var signature: String { defaultSource.map { "\(name): \($0)" } ?? name }
}

public struct FunctionDecl {
    public var name: String
    public var parameters: [FunctionParameter]
    public var body: [Stmt]
    public var span: Span

    /// `name(a, b, langs: study_langs)`, for errors and `vars`.
    public var signature: String { "\(name)(\(parameters.map(\.signature).joined(separator: ", ")))" }
}
