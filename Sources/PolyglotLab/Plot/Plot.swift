import Foundation
import PolyglotEngine
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Entry points the DSL calls: a `Table` plus a `PlotSpec` become SVG text, an SVG file, or a
// terminal drawing. Everything is deterministic for the same input.

/// Renders tables as figures.
public enum Plot {
    /// Self-contained SVG for `table` drawn as `spec` (same input, same bytes).
    public static func svg(_ table: Table, _ spec: PlotSpec) throws -> String {
        try figure(table, spec).svg()
    }

    /// Writes the SVG atomically to `url`.
    public static func writeSVG(_ table: Table, _ spec: PlotSpec, to url: URL) throws {
        try atomicWrite(Data(svg(table, spec).utf8), to: url)
    }

    /// Text drawing of the same figure, at most `width` terminal columns wide; ANSI colour when `color`.
    public static func terminal(_ table: Table, _ spec: PlotSpec, width: Int = 80, color: Bool = false) throws -> String
    {
        let canvas = TerminalCanvas(width: max(24, width), color: color)
        switch spec.kind {
        case .lines: return canvas.lines(try spec.lineData(table))
        case .heatmap: return canvas.heatmap(try spec.gridData(table), range: spec.yRange)
        case .radar: return canvas.radar(try spec.gridData(table), range: spec.yRange)
        case .bars, .paired, .diverging:
            let d = try spec.gridData(table)
            if spec.kind == .paired, d.groups.count != 2 { throw PlotError.needsTwoGroups(found: d.groups) }
            return canvas.bars(d, kind: spec.kind, range: spec.yRange)
        }
    }

    /// Whether terminal output should use colour: off with `--no-color` or a non-empty `NO_COLOR`.
    public static func colorEnabled(
        noColorFlag: Bool, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Bool {
        !noColorFlag && (environment["NO_COLOR"] ?? "").isEmpty
    }

    /// Columns of the terminal on standard output, else `COLUMNS`, else 80 (for `terminal(width:)`).
    public static func terminalColumns(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let c = environment["COLUMNS"].flatMap({ Int($0) }), c > 0 { return c }
        return 80
    }

    /// Short content fingerprint of a figure file ("fnv1a64:<16 hex digits>") so a notebook's recorded
    /// output can name the bytes it produced and replay can check them; a change detector, not a security hash.
    public static func fingerprint(_ data: Data) -> String {
        let hex = String(FNV1a64.hash(data), radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Fingerprint of the file at `url`; throws with the path when it cannot be read.
    public static func fingerprint(of url: URL) throws -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PlotError.io(path: url.path, reason: "cannot read figure file")
        }
        return fingerprint(data)
    }

    /// The laid-out figure (marks and text boxes); tests inspect it for overlaps.
    static func figure(_ table: Table, _ spec: PlotSpec) throws -> Figure {
        switch spec.kind {
        case .bars, .paired, .diverging:
            return try BarChart.figure(spec.gridData(table), kind: spec.kind, yRange: spec.yRange)
        case .radar: return RadarChart.figure(try spec.gridData(table), yRange: spec.yRange)
        case .heatmap: return HeatmapChart.figure(try spec.gridData(table), yRange: spec.yRange)
        case .lines: return LineChart.figure(try spec.lineData(table), yRange: spec.yRange)
        }
    }
}
