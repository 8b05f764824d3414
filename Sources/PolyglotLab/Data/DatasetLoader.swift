// Loads a multilingual dataset from files or folders: one file per language (language from the
// file name or given), or records carrying a language field. Files are parsed in parallel, every
// record keeps its file:line, and bad records either stop the load or are skipped and counted.

import Foundation

/// What to do with a bad record.
public enum OnError: String, CaseIterable, Sendable {
    /// Stop at the first bad record (default).
    case fail
    /// Skip bad records; the summary reports their count and first locations. Whole-file problems
    /// (empty, not JSON, a syntax error inside a JSON array) still fail.
    case skip
}

/// Options of `DatasetLoader.load`.
public struct LoadOptions: Sendable {
    /// Record format; nil detects it from each record's keys.
    public var format: RecordFormat?
    public var onError: OnError
    /// Language of every file; nil takes it from the file name or a record field.
    public var language: Lang?
    /// Per-record language field; nil uses `lang` or `language` when a record has one.
    public var languageField: String?
    /// Dataset name; nil uses the first path's base name.
    public var name: String?
    /// Shell pattern for file names inside folders (`train_limax_??.jsonl` picks Lima-X's five
    /// monolingual train files and leaves out the val and combined ones); nil takes every .json/.jsonl.
    public var filePattern: String?

    public init(
        format: RecordFormat? = nil, onError: OnError = .fail, language: Lang? = nil,
        languageField: String? = nil, name: String? = nil, filePattern: String? = nil
    ) {
        self.format = format
        self.onError = onError
        self.language = language
        self.languageField = languageField
        self.name = name
        self.filePattern = filePattern
    }
}

/// Reads instruction datasets (`load dataset` in the DSL).
public enum DatasetLoader {
    /// How many skipped-record locations the warnings list.
    static let reportedLocations = 5

    /// Loads files and folders (folders: their `.json`/`.jsonl` files) into one aligned dataset.
    /// Throws `DataError` (with file:line for bad records).
    public static func load(_ paths: [String], options: LoadOptions = LoadOptions()) throws -> Dataset {
        let files = try expand(paths, pattern: options.filePattern)
        let results = parseInParallel(files, options: options)
        var skipped: [DataError] = []
        for result in results {
            if let fatal = result.fatal { throw fatal }
            if options.onError == .fail, let first = result.errors.first { throw first }
            skipped += result.errors
        }
        let records = results.map(\.records)  // per file, in file order
        var warnings: [String] = []
        if !skipped.isEmpty {
            let shown = skipped.prefix(reportedLocations).map(\.description).joined(separator: "; ")
            warnings.append(
                "skipped \(skipped.count) bad record\(skipped.count == 1 ? "" : "s"): \(shown)\(skipped.count > reportedLocations ? "; …" : "")"
            )
        }
        guard records.contains(where: { !$0.isEmpty }) else {
            throw DataError(
                file: paths.joined(separator: ", "), "no records loaded" + (warnings.first.map { "; \($0)" } ?? ""))
        }
        let name = options.name ?? baseName(paths.first ?? "dataset")
        let (items, alignment, alignWarnings) = align(records)
        warnings += alignWarnings + emptyTurnWarnings(items)
        let source = paths.joined(separator: ", ") + (options.filePattern.map { " (\($0))" } ?? "")
        let provenance = Provenance(
            source: source, mode: "load", languages: Set(items.flatMap(\.translations.keys)).sorted())
        return Dataset(name: name, items: items, alignment: alignment, provenance: provenance, warnings: warnings)
    }

    /// Loads a single file or folder.
    public static func load(_ path: String, options: LoadOptions = LoadOptions()) throws -> Dataset {
        try load([path], options: options)
    }

    /// The language a file name names (`train_limax_DE.jsonl`, `de.json`, `bactrian_en.jsonl`), nil when
    /// it names none or several (`EN_DE_FR_IT_ES`).
    public static func language(fromFileName path: String) -> Lang? {
        let stem = URL(fileURLWithPath: path).lastPathComponent
        let words = stem.split(whereSeparator: { !$0.isLetter }).map(String.init)
        let langs = Set(words.compactMap(Lang.parse))
        return langs.count == 1 ? langs.first : nil
    }

    // MARK: - Files

    private static func expand(_ paths: [String], pattern: String?) throws -> [String] {
        guard !paths.isEmpty else { throw DataError(file: "(none)", "no dataset path given") }
        let fm = FileManager.default
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw DataError(file: path, "no such file or folder")
            }
            guard isDirectory.boolValue else {
                if path.hasSuffix(".gz") {
                    throw DataError(file: path, "compressed files are not read; decompress it first (gunzip -k)")
                }
                files.append(path)
                continue
            }
            let entries: [String]
            do {
                entries = try fm.contentsOfDirectory(atPath: path).sorted()
            } catch {
                throw DataError(file: path, "cannot list folder: \(error.localizedDescription)")
            }
            let names = entries.filter { name in
                !name.hasPrefix(".") && (name.hasSuffix(".json") || name.hasSuffix(".jsonl"))
                    && (pattern.map { fnmatch($0, name, 0) == 0 } ?? true)
            }
            guard !names.isEmpty else {
                let hint = entries.contains { $0.hasSuffix(".gz") } ? " (decompress the .gz files first)" : ""
                throw DataError(
                    file: path, "folder has no .json or .jsonl files" + (pattern.map { " matching \($0)" } ?? "") + hint
                )
            }
            files += names.map { (path as NSString).appendingPathComponent($0) }
        }
        return files
    }

    private static func baseName(_ path: String) -> String {
        var name = URL(fileURLWithPath: path).lastPathComponent
        for ext in [".jsonl", ".json"] where name.hasSuffix(ext) { name.removeLast(ext.count) }
        return name.isEmpty ? "dataset" : name
    }

    /// Parses files on all cores (one file per task); results come back in file order.
    private static func parseInParallel(_ files: [String], options: LoadOptions) -> [FileResult] {
        let box = ResultBox(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            box.set(i, RecordFileParser(path: files[i], options: options).parse())
        }
        return box.results.map { $0 ?? FileResult() }
    }

    private final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var results: [FileResult?]
        init(count: Int) { results = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ result: FileResult) {
            lock.lock()
            results[i] = result
            lock.unlock()
        }
    }

    // MARK: - Alignment

    /// Groups records into items: by `id` when every record has one, else by position within each language.
    private static func align(_ files: [[LocatedRecord]]) -> ([DataItem], Alignment, [String]) {
        var warnings: [String] = []
        let total = files.reduce(0) { $0 + $1.count }
        let withoutID = files.reduce(0) { n, file in n + file.reduce(0) { $0 + ($1.record.id == nil ? 1 : 0) } }
        let alignment: Alignment = withoutID == 0 ? .id : .lineOrder
        if withoutID > 0 && withoutID < total,
            let first = files.lazy.flatMap({ $0 }).first(where: { $0.record.id == nil })
        {
            warnings.append(
                "\(withoutID) of \(total) records have no id (first at \(first.location)); all languages aligned by line order"
            )
        }
        var ordinal: [Lang: Int] = [:]
        var indexByID: [String: Int] = [:]
        indexByID.reserveCapacity(files.map(\.count).max() ?? 0)
        var items: [DataItem] = []
        var duplicates: [Lang: [SourceLocation]] = [:]
        for file in files {
            for r in file {
                let id: String
                if alignment == .id, let recordID = r.record.id {
                    id = recordID
                } else {
                    ordinal[r.lang, default: 0] += 1
                    id = "#\(ordinal[r.lang, default: 0])"
                }
                let example = Example(
                    itemID: id, lang: r.lang, conversation: r.record.conversation,
                    location: r.location, source: r.record.source)
                if let i = indexByID[id] {
                    if items[i].translations[r.lang] != nil {
                        duplicates[r.lang, default: []].append(r.location); continue
                    }
                    items[i].translations[r.lang] = example
                } else {
                    indexByID[id] = items.count
                    items.append(DataItem(id: id, translations: [r.lang: example]))
                }
            }
        }
        for (lang, locations) in duplicates.sorted(by: { $0.key < $1.key }) {
            warnings.append(
                "\(lang.code): \(locations.count) duplicate id\(locations.count == 1 ? "" : "s") kept only at first occurrence (e.g. \(locations.prefix(3).map(\.description).joined(separator: ", ")))"
            )
        }
        warnings += coverageWarnings(items)
        return (items, alignment, warnings)
    }

    /// Languages that lack items other languages have (their id sets differ).
    private static func coverageWarnings(_ items: [DataItem]) -> [String] {
        let langs = Set(items.flatMap(\.translations.keys)).sorted()
        guard langs.count > 1 else { return [] }
        return langs.compactMap { lang in
            let missing = items.filter { $0.translations[lang] == nil }
            guard !missing.isEmpty else { return nil }
            return
                "\(lang.code) lacks \(missing.count) of \(items.count) items present in other languages (e.g. \(missing.prefix(3).map(\.id).joined(separator: ", ")))"
        }
    }

    private static func emptyTurnWarnings(_ items: [DataItem]) -> [String] {
        var emptyUser: [SourceLocation] = [], emptyAssistant: [SourceLocation] = []
        for item in items {
            for lang in Lang.allCases {
                guard let ex = item.translations[lang] else { continue }
                let loc = ex.location ?? SourceLocation(file: item.id, line: 0)
                if ex.conversation.messages.contains(where: { $0.role == .user && isBlank($0.content) }) {
                    emptyUser.append(loc)
                }
                if ex.conversation.messages.contains(where: { $0.role == .assistant && isBlank($0.content) }) {
                    emptyAssistant.append(loc)
                }
            }
        }
        var warnings: [String] = []
        for (what, locs) in [("instruction", emptyUser), ("output", emptyAssistant)] where !locs.isEmpty {
            warnings.append(
                "\(locs.count) record\(locs.count == 1 ? " has an" : "s have") empty \(what) (e.g. \(locs.prefix(3).map(\.description).joined(separator: ", ")))"
            )
        }
        return warnings
    }

    private static func isBlank(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }
    }
}

/// A decoded record with its language resolved and its file:line.
struct LocatedRecord {
    var record: DecodedRecord
    var lang: Lang
    var location: SourceLocation
}

struct FileResult {
    var records: [LocatedRecord] = []
    /// Bad records; in fail mode at most one, after which parsing stopped.
    var errors: [DataError] = []
    /// A problem with the whole file (unreadable, empty, not JSON, broken array): fails the load in any mode.
    var fatal: DataError?
}
