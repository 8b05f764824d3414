// Errors and source locations of the data layer: every bad record names its file and line.

/// Where a record starts: the file as given and its 1-based line.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }
    public var description: String { "\(file):\(line)" }
}

/// A data problem with its location (`file:line:col: message`, or `file: message` for whole-file problems).
public struct DataError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based line, 0 when the problem concerns the whole file or a path.
    public var line: Int
    /// 1-based byte column, when known.
    public var column: Int?
    public var message: String

    public init(file: String, line: Int = 0, column: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public init(at location: SourceLocation, _ message: String) {
        self.init(file: location.file, line: location.line, message)
    }

    /// `file:line:col` (or shorter when line/column are unknown).
    public var location: String {
        guard line > 0 else { return file }
        return column.map { "\(file):\(line):\($0)" } ?? "\(file):\(line)"
    }

    public var description: String { "\(location): \(message)" }
}
