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
    case binary(BinaryOperator, Expr, Expr, Span)
    case field(Expr, String, Span)
    case index(Expr, Expr, Span)
    /// A user function or a command, written `name(args)` or `name args…` (command style).
    case call(String, [CallArgument], Span)
    case ifElse(condition: Expr, then: [Stmt], otherwise: [Stmt]?, Span)

    public var span: Span {
        switch self {
        case .literal(_, let s), .interpolated(_, let s), .variable(_, let s), .list(_, let s), .record(_, let s),
             .negate(_, let s), .not(_, let s), .binary(_, _, _, let s), .field(_, _, let s), .index(_, _, let s),
             .call(_, _, let s), .ifElse(_, _, _, let s):
            return s
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

public struct FunctionDecl {
    public var name: String
    public var parameters: [String]
    public var body: [Stmt]
    public var span: Span
}
