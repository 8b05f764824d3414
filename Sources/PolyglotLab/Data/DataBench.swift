// `polyglot bench data`: generates a Bactrian-X-sized multilingual set (5 languages × 64K items,
// ~300 MB of JSONL) in a temporary folder, loads it, and reports time, throughput and peak memory.

import Foundation
import PolyglotEngine

/// Measured numbers of one data-loading benchmark.
public struct DataBenchResult: Sendable {
    public var files: Int
    public var megabytes: Double
    public var items: Int
    public var examples: Int
    public var seconds: Double
    /// Process CPU time (user + system) spent loading; above `seconds` when both cores worked.
    public var cpuSeconds: Double
    /// Peak resident memory (VmHWM) while loading, in MiB; nil where /proc is unavailable.
    public var peakRSSMiB: Double?
    /// Whether the peak was reset before loading (else it is the process peak so far).
    public var peakIsLoadOnly: Bool

    public var megabytesPerSecond: Double { megabytes / seconds }

    /// One row per measure, for printing.
    public var table: Table {
        Table(
            title: "bench data: load \(files) files", columns: ["measure", "value"],
            rows: [
                [.text("size (MB)"), .number(megabytes)],
                [.text("items"), .int(items)],
                [.text("examples"), .int(examples)],
                [.text("load time (s)"), .number(seconds)],
                [.text("CPU time (s)"), .number(cpuSeconds)],
                [.text("throughput (MB/s)"), .number(megabytesPerSecond)],
                [.text("peak RSS (MiB)"), peakRSSMiB.map { .number($0) } ?? .missing]
            ],
            notes: [
                peakIsLoadOnly
                    ? "peak RSS = VmHWM, reset before loading"
                    : "peak RSS = VmHWM of the whole process (reset not available)"
            ])
    }
}

/// Data-loading benchmark (library side of `polyglot bench data`).
public enum DataBench {
    /// Writes `itemsPerLanguage` Bactrian-style records per language (about `bytesPerRecord` each)
    /// into a fresh temp folder, loads it with `DatasetLoader`, removes the folder and reports.
    public static func run(
        itemsPerLanguage: Int = 64_000, languages: [Lang] = Lang.allCases,
        bytesPerRecord: Int = 980, seed: UInt64 = 1
    ) throws -> DataBenchResult {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("polyglot-bench-data-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        var bytes = 0
        for lang in languages {
            let file = dir.appendingPathComponent("bactrian_\(lang.rawValue).jsonl")
            bytes += try writeSyntheticFile(
                file, lang: lang, items: itemsPerLanguage, bytesPerRecord: bytesPerRecord, seed: seed)
        }
        let reset = resetPeakRSS()
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = processCPUSeconds()
        let data = try DatasetLoader.load(dir.path)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return DataBenchResult(
            files: languages.count, megabytes: Double(bytes) / 1e6, items: data.itemCount,
            examples: data.exampleCount, seconds: seconds, cpuSeconds: processCPUSeconds() - cpuStart,
            peakRSSMiB: peakRSSMiB(), peakIsLoadOnly: reset)
    }

    /// Writes one synthetic language file and returns its size. Text mixes the language's accented
    /// letters, escaped quotes and newlines, so the reader's slow paths are exercised too.
    static func writeSyntheticFile(_ url: URL, lang: Lang, items: Int, bytesPerRecord: Int, seed: UInt64) throws -> Int
    {
        var rng = SeededRNG(seed: seed, stream: "bench.data.\(lang.rawValue)")
        let words = vocabulary[lang] ?? []
        let wordBytes = words.map { Array($0.utf8) }
        var scratch: [UInt8] = []
        func text(_ targetBytes: Int, into out: inout JSONWriter) {
            scratch.removeAll(keepingCapacity: true)
            while scratch.count < targetBytes {
                if !scratch.isEmpty { scratch.append(rng.next() % 17 == 0 ? 0x0A : 0x20) }
                scratch += wordBytes[Int(rng.next() % UInt64(wordBytes.count))]
            }
            out.string(String(decoding: scratch, as: UTF8.self))
        }
        var out = JSONWriter()
        var total = 0
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw DataError(file: url.path, "cannot create benchmark file")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        for i in 0..<items {
            let hasInput = rng.next() % 10 < 4  // about 40% of Bactrian-X records have an input
            out.raw("{\"instruction\":"); text(bytesPerRecord / 5, into: &out)
            out.raw(",\"input\":")
            if hasInput { text(bytesPerRecord / 5, into: &out) } else { out.raw("\"\"") }
            out.raw(",\"output\":"); text(bytesPerRecord * (hasInput ? 2 : 3) / 4 - 60, into: &out)
            out.raw(",\"id\":"); out.string("alpaca-\(i)"); out.raw("}\n")
            if out.bytes.count > 1 << 22 || i == items - 1 {
                try handle.write(contentsOf: out.bytes)
                total += out.bytes.count
                out.bytes.removeAll(keepingCapacity: true)
            }
        }
        return total
    }

    private static let vocabulary: [Lang: [String]] = [
        .en: [
            "the", "answer", "write", "a", "short", "story", "about", "\"quoted\"", "list", "three", "reasons", "why",
            "water", "is", "important"
        ],
        .de: [
            "die", "Antwort", "schreiben", "eine", "kurze", "Geschichte", "über", "„Zitat“", "Gründe", "warum",
            "Wasser", "wichtig", "ist", "größer"
        ],
        .fr: [
            "la", "réponse", "écrire", "une", "courte", "histoire", "à", "propos", "«citation»", "raisons", "pourquoi",
            "l'eau", "est", "très"
        ],
        .it: [
            "la", "risposta", "scrivere", "una", "breve", "storia", "perché", "l'acqua", "è", "importante",
            "\"citazione\"", "tre", "città", "più"
        ],
        .es: [
            "la", "respuesta", "escribir", "una", "breve", "historia", "sobre", "¿por", "qué?", "el", "agua", "es",
            "importante", "niño"
        ]
    ]

    /// Resets VmHWM (Linux `clear_refs` value 5) so the next reading covers only what follows.
    static func resetPeakRSS() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    /// User + system CPU time of this process so far (on a shared machine wall time alone misleads).
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
            getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// VmHWM from /proc/self/status in MiB.
    static func peakRSSMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return nil }
        return kb / 1024
    }
}
