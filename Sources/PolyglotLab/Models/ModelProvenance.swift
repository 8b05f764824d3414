// What a tuned model is in a study grid, typed: its base, dataset, composition, training regime and seed. `tune`
// records it, saved models, answers and judgments carry it, and `findings` reads a model's role from it, never from
// the model's name.
import Foundation

/// How long a tuning run is, as a grid compares runs: the same passes over every composition (the paper's), or the
/// same number of optimizer updates whatever the composition's size.
public enum TrainingRegime: Hashable, Sendable, Codable, CustomStringConvertible {
    case epochs(Int)
    case steps(Int)

    /// The dimension `findings` compares within: runs of one kind, whatever their count.
    public enum Kind: String, Sendable, CaseIterable, Comparable {
        case epochs, steps

        public static func < (a: Kind, b: Kind) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }

        /// "equal epochs": how findings.md names the regime.
        public var title: String { "equal \(rawValue)" }
    }

    public var kind: Kind {
        switch self {
        case .epochs: .epochs
        case .steps: .steps
        }
    }

    public var count: Int {
        switch self {
        case .epochs(let n), .steps(let n): n
        }
    }

    /// The regime of a run with these options: its steps when it has them, else its epochs.
    public init(_ options: TuneOptions) { self = options.steps.map(Self.steps) ?? .epochs(options.epochs) }

    /// "epochs 3" or "steps 189"; nil for anything else (a count must be positive).
    public init?(parsing text: String) {
        let parts = text.split(separator: " ")
        guard parts.count == 2, let n = Int(parts[1]), n > 0, let kind = Kind(rawValue: String(parts[0])) else {
            return nil
        }
        self = kind == .epochs ? .epochs(n) : .steps(n)
    }

    /// What `init(parsing:)` reads, for error messages.
    public static let expected = "\"epochs N\" or \"steps N\" (N > 0)"

    /// "epochs 3" or "steps 189", as `TuneOptions.lengthSummary` says it.
    public var description: String { "\(kind.rawValue) \(count)" }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let regime = Self(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected \(Self.expected), got \(text)"))
        }
        self = regime
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A tuned model's place in a study grid. Saved in `polyglot.json` and as `model_provenance` in answer and
/// judgment JSONL (a Polyglot extension of FastChat's records; files without it still load).
public struct ModelProvenance: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The base model: its architecture ("dense", "moe") unless tagged otherwise.
    public var base: String
    /// The instruction dataset before composition: "lima", "bactrian_small", …
    public var dataset: String
    /// The composition, a study name spelt as the grid spells it (`ENDEFRITES_sampled`) when it is one.
    public var composition: String
    public var regime: TrainingRegime
    /// The tuning run's seed (data order, sampled draws, answer sampling of the grid's recipe).
    public var seed: UInt64

    public init(base: String, dataset: String, composition: String, regime: TrainingRegime, seed: UInt64) {
        self.base = base
        self.dataset = dataset
        self.composition = StudyComposition.parse(composition)?.identifier ?? composition
        self.regime = regime
        self.seed = seed
    }

    /// What a run of `options` on `data` from `base` records when nobody tags it: the base's architecture (dense or
    /// moe, whatever its name), the dataset the composition was drawn from and the study composition its languages
    /// and mode make, else the data's name.
    public init(base: LabModel, data: Dataset, options: TuneOptions) {
        let step = data.provenance
        let composition = Self.studyComposition(mode: step.mode, languages: step.languages)
        self.init(
            base: base.config.isMoE ? "moe" : "dense", dataset: composition == nil ? data.name : step.source,
            composition: composition?.identifier ?? data.name, regime: TrainingRegime(options), seed: options.seed)
    }

    static func studyComposition(mode: String, languages: [Lang]) -> StudyComposition? {
        guard mode == "parallel" || mode == "sampled" else { return nil }
        return StudyComposition.all.first { $0.isSampled == (mode == "sampled") && $0.languages == languages.sorted() }
    }

    /// "dense·lima·ENDEFRITES, epochs 3, seed 1".
    public var description: String { "\(base)·\(dataset)·\(composition), \(regime), seed \(seed)" }

    /// The record as JSONSerialization writes it, for JSONL lines.
    public var jsonObject: Any {
        // Encoding five plain fields cannot fail.
        (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(self))) ?? [:]
    }

    /// A `model_provenance` value read from a JSONL line; nil when it is not one.
    public init?(json: Any) {
        guard JSONSerialization.isValidJSONObject(json), let data = try? JSONSerialization.data(withJSONObject: json),
            let decoded = try? JSONDecoder().decode(Self.self, from: data)
        else { return nil }
        self.init(
            base: decoded.base, dataset: decoded.dataset, composition: decoded.composition, regime: decoded.regime,
            seed: decoded.seed)
    }

    /// What a `model_provenance` value must look like, for error messages.
    public static let expectedJSON =
        "{\"base\": string, \"dataset\": string, \"composition\": string, \"regime\": \"epochs N\" or "
        + "\"steps N\", \"seed\": integer}"
}

extension StudyComposition {
    /// The composition's name as the grid writes it and a record key can hold: `EN`, `ENDEFRITES_sampled`.
    public var identifier: String { Dataset.label(languages) + (isSampled ? "_sampled" : "") }
}
