// `run`, `replay` and `replay --check`: execute a notebook cell by cell in one session.

import Foundation

public struct NotebookRun {
    /// The notebook with every executed cell's output replaced by what it printed now.
    public var notebook: Notebook
    /// The first failing cell's index and error, if any (execution stops there).
    public var failure: (cell: Int, error: PolyglotError)?
}

public enum NotebookRunner {
    /// Executes cells in order in `session` (seeded from the header); stops at the first error.
    public static func execute(_ notebook: Notebook, file: String, session: Session) -> NotebookRun {
        if let seed = notebook.seed { session.setSeed(seed) }
        var result = notebook
        for (i, cell) in notebook.cells.enumerated() {
            let r = session.execute(cell.source, file: file, firstLine: cell.firstCodeLine)
            result.cells[i].output = r.output
            if let e = r.error { return NotebookRun(notebook: result, failure: (i, e)) }
        }
        return NotebookRun(notebook: result, failure: nil)
    }

    /// Differences between the recorded and the replayed notebook, volatile lines masked; nil when equal.
    public static func check(recorded: Notebook, replayed: Notebook, file: String) -> String? {
        let a = recorded.renderForComparison(), b = replayed.renderForComparison()
        if a == b { return nil }
        return UnifiedDiff.make(old: a, new: b, oldName: "\(file) (recorded)", newName: "\(file) (replayed)")
    }
}

/// A unified diff (`---`/`+++`/`@@` hunks with 3 lines of context) from the standard library's
/// longest-common-subsequence difference.
public enum UnifiedDiff {
    public static func make(old: [String], new: [String], oldName: String, newName: String, context: Int = 3) -> String
    {
        let diff = new.difference(from: old)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in diff {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        // The edit script: (tag, oldIndex, newIndex, text).
        var script: [(Character, Int, Int, String)] = []
        var i = 0, j = 0
        while i < old.count || j < new.count {
            if i < old.count, removed.contains(i) {
                script.append(("-", i, j, old[i])); i += 1
            } else if j < new.count, inserted.contains(j) {
                script.append(("+", i, j, new[j])); j += 1
            } else {
                script.append((" ", i, j, old[i])); i += 1; j += 1
            }
        }
        var out = ["--- \(oldName)", "+++ \(newName)"]
        var k = 0
        while k < script.count {
            guard let firstChange = script[k...].firstIndex(where: { $0.0 != " " }) else { break }
            let start = max(k, firstChange - context)
            var end = firstChange
            // Extend the hunk while the next change is within 2×context lines.
            while true {
                guard let next = script[(end + 1)...].firstIndex(where: { $0.0 != " " }), next - end <= 2 * context
                else { break }
                end = next
            }
            let stop = min(script.count, end + context + 1)
            let hunk = script[start..<stop]
            let oldCount = hunk.filter { $0.0 != "+" }.count, newCount = hunk.filter { $0.0 != "-" }.count
            let oldStart = hunk.first!.1 + (oldCount == 0 ? 0 : 1), newStart = hunk.first!.2 + (newCount == 0 ? 0 : 1)
            out.append("@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@")
            out += hunk.map { "\($0.0)\($0.3)" }
            k = stop
        }
        return out.joined(separator: "\n")
    }
}
