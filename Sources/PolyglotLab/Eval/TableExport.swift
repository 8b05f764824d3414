// Exporting result tables (scores, improvement, agreement) to CSV or JSON, chosen by the file extension.
import Foundation
import PolyglotEngine

extension Table {
    /// CSV with a header row and one row per group; notes are not part of the CSV.
    public func csv() -> String {
        func quote(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        let raw: (Cell) -> String = { c in
            if case .number(let d) = c { return d.isNaN ? "" : String(d) }  // full precision in files
            return c.text
        }
        return
            ([columns.map(quote).joined(separator: ",")] + rows.map { $0.map { quote(raw($0)) }.joined(separator: ",") })
            .joined(separator: "\n") + "\n"
    }

    /// JSON object `{title, columns, rows: [{column: value}], notes}`; missing cells are null.
    public func json() throws -> Data {
        let objects: [[String: Any]] = rows.map { row in
            var o: [String: Any] = [:]
            for (name, cell) in zip(columns, row) {
                switch cell {
                case .text(let s): o[name] = s
                case .int(let i): o[name] = i
                case .number(let d): o[name] = d.isFinite ? d : NSNull()
                case .missing: o[name] = NSNull()
                }
            }
            return o
        }
        let doc: [String: Any] = ["title": title, "columns": columns, "rows": objects, "notes": notes]
        return try JSONSerialization.data(
            withJSONObject: doc, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    /// Writes `.csv` or `.json` atomically, by the path's extension.
    public func export(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        switch url.pathExtension.lowercased() {
        case "csv": try atomicWrite(Data(csv().utf8), to: url)
        case "json": try atomicWrite(try json(), to: url)
        default: throw EvalError(file: path, "unknown export format `.\(url.pathExtension)`; expected .csv or .json")
        }
    }
}
