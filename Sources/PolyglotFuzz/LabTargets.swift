// The lab's file readers: instruction datasets (every record format, JSON and JSON Lines) and the
// FastChat evaluation files (questions, model answers, judgments), each followed by the step that
// uses what was read (the built-in judge, scores), as `load …` in a notebook would.

import Foundation
import PolyglotLab

/// `load dataset`: Alpaca/Bactrian-X JSON and JSONL, LIMA, ShareGPT, messages, in fail and skip mode.
final class DatasetTarget: FuzzTarget {
    let name = "dataset"
    let summary = "dataset loader: Alpaca/Bactrian-X, LIMA, ShareGPT and messages records, JSON and JSON Lines"
    let dialect = InputDialect.json
    private let env: FuzzEnvironment

    init(_ env: FuzzEnvironment) { self.env = env }

    func seeds() throws -> [FuzzSeed] {
        try env.seeds(under: env.fixtures.appendingPathComponent("data"), extensions: ["json", "jsonl"])
            + env.seeds(under: env.root.appendingPathComponent("notebooks/data"), extensions: ["json", "jsonl"])
    }

    func run(_ input: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            // The file name names a language, so records without one load too.
            let path = try env.write(input, to: "dataset/train_de.jsonl").path
            let skipping =
                (try? DatasetLoader.load(path, options: LoadOptions(onError: .skip)))
                .map { "\($0.items.count) item(s) when skipping" } ?? "nothing when skipping"
            let dataset = try DatasetLoader.load(path)
            return "\(dataset.items.count) item(s), \(dataset.warnings.count) warning(s); \(skipping)"
        }
    }
}

/// The benchmark answers and judgments refer to: MT-Bench-X when present, else the fixture's questions.
private func evaluationBenchmark(_ env: FuzzEnvironment) throws -> Benchmark {
    try Benchmark.load((env.mtBenchX ?? env.fixtures.appendingPathComponent("eval")).path)
}

/// FastChat `model_answer` files, then judged by the built-in judge (`load answers`, `judge`).
final class AnswersTarget: FuzzTarget {
    let name = "answers"
    let summary = "FastChat model_answer JSONL reader, and the built-in judge on what it read"
    let dialect = InputDialect.json
    private let env: FuzzEnvironment
    private let benchmark: Benchmark

    init(_ env: FuzzEnvironment) throws {
        self.env = env
        benchmark = try evaluationBenchmark(env)
    }

    static let referenceAnswersPerSeed = 3

    func seeds() throws -> [FuzzSeed] {
        var seeds = try [FuzzSeed(file: env.fixtures.appendingPathComponent("eval/model_answer.jsonl"), root: env.root)]
        // The first answers of each reference file: real GPT-4 answers in five languages, few enough that one
        // input is judged in milliseconds (a whole file takes a tenth of a second, 10,000 times fewer inputs/hour).
        if let mtBenchX = env.mtBenchX {
            seeds += try env.files(under: mtBenchX, extensions: ["jsonl"])
                .filter { $0.path.contains("reference_answer") }
                .map { file in
                    let whole = try FuzzSeed(file: file, root: env.root)
                    let lines = whole.bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                    let head = lines.prefix(Self.referenceAnswersPerSeed).joined(separator: [UInt8(ascii: "\n")])
                    return FuzzSeed(
                        origin: whole.origin + " (first \(Self.referenceAnswersPerSeed) lines)",
                        bytes: Array(head) + [UInt8(ascii: "\n")])
                }
        }
        return seeds
    }

    func run(_ input: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            let path = try env.write(input, to: "answers/fuzz-model.jsonl").path
            let answers = try AnswerSet.load(path, benchmark: benchmark)
            let judgments = BuiltinJudge().judge(answers)
            let count = answers.answers.values.map(\.count).reduce(0, +)
            return "\(count) answer(s), \(judgments.single.count) judgment(s)"
        }
    }
}

/// FastChat `model_judgment` files, single and pairwise, then scored and compared (`load judgments`, `score`).
final class JudgmentsTarget: FuzzTarget {
    let name = "judgments"
    let summary = "FastChat model_judgment JSONL reader (single and pairwise), with scores, win rates and agreement"
    let dialect = InputDialect.json
    private let env: FuzzEnvironment
    private let benchmark: Benchmark

    init(_ env: FuzzEnvironment) throws {
        self.env = env
        benchmark = try evaluationBenchmark(env)
    }

    func seeds() throws -> [FuzzSeed] {
        try ["judgment_single.jsonl", "judgment_pair.jsonl"].map {
            try FuzzSeed(file: env.fixtures.appendingPathComponent("eval/\($0)"), root: env.root)
        }
    }

    func run(_ input: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            let path = try env.write(input, to: "judgments/mt_bench_DE/fuzz_single.jsonl").path
            let judgments = try JudgmentSet.load(path, bench: benchmark)
            let scores = ScoreAnalysis.score(judgments, by: [.model, .lang, .category, .turn], resamples: 20)
            let wins = ScoreAnalysis.winRates(judgments)
            let agreement = ScoreAnalysis.agreement(judgments, judgments, resamples: 20)
            let truth = ScoreAnalysis.agreementWithTruth(judgments, benchmark: benchmark, resamples: 20)
            return "\(judgments.single.count) single, \(judgments.pairs.count) pairwise; "
                + "\(scores.rows.count)/\(wins.rows.count)/\(agreement.rows.count)/\(truth.rows.count) table row(s)"
        }
    }
}

/// MT-Bench `question.jsonl` files (`load bench`).
final class BenchTarget: FuzzTarget {
    let name = "bench"
    let summary = "MT-Bench(-X) question.jsonl reader"
    let dialect = InputDialect.json
    private let env: FuzzEnvironment

    init(_ env: FuzzEnvironment) { self.env = env }

    func seeds() throws -> [FuzzSeed] {
        let fixture = env.fixtures.appendingPathComponent("eval/mt_bench_DE/question.jsonl")
        var seeds = try [FuzzSeed(file: fixture, root: env.root)]
        if let mtBenchX = env.mtBenchX {
            seeds += try env.files(under: mtBenchX, extensions: ["jsonl"])
                .filter { $0.lastPathComponent == "question.jsonl" }.map { try FuzzSeed(file: $0, root: env.root) }
        }
        return seeds
    }

    func run(_ input: [UInt8]) -> FuzzOutcome {
        FuzzOutcome.of {
            let path = try env.write(input, to: "bench/mt_bench_DE/question.jsonl").deletingLastPathComponent().path
            let bench = try Benchmark.load(path)
            return "\(bench.questions.count) question(s), \(bench.warnings.count) warning(s)"
        }
    }
}
