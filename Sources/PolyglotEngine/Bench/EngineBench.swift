// Engine throughput benchmark (issue 3): training and generation tokens/s, sgemm GFLOP/s at the model's
// shapes, and peak resident memory, per preset. The CLI `polyglot bench engine [--json]` prints these records.
import Foundation

/// One benchmark measurement.
public struct BenchRecord: Codable, Sendable, Equatable {
    public var config: String
    public var metric: String
    public var value: Double

    public init(config: String, metric: String, value: Double) {
        self.config = config; self.metric = metric; self.value = value
    }

    /// The record as one line of `bench … --json`: `{"config": …, "metric": …, "value": …}`.
    public var jsonLine: String { "{\"config\": \"\(config)\", \"metric\": \"\(metric)\", \"value\": \(value)}" }
}

/// The engine benchmark as a library function.
public enum EngineBench {
    /// Measures each preset: `train_tokens_per_s` (batch 16 × ctx, fwd+bwd+AdamW, median step after a warm-up
    /// step, as the PyTorch reference does; one lane, as notebooks train), `train_2lanes_tokens_per_s` (the same in
    /// two lanes, as `pretrain … config: {lanes: 2}`), `generate_tokens_per_s` (batch 1, KV cache, up to 128 new
    /// tokens), `sgemm_gflops` (mean over the model's GEMM shapes), `sgemm_fraction` (that over the 1024³ rate of
    /// this run), `train_mflop_per_token` (`ModelConfig.trainingFLOPsPerToken`), `train_sgemm_bound_tokens_per_s`
    /// (the tokens/s if all of that ran at `sgemm_gflops`: no training step can beat it with these kernels),
    /// `peak_rss_mb` (VmHWM, process-wide so far). `trainingOnly` skips all but the training rates.
    public static func run(
        presets: [String] = ModelConfig.presetNames, trainSteps: Int = 10, seed: UInt64 = 0,
        batchSize: Int = 16, trainingOnly: Bool = false
    ) throws -> [BenchRecord] {
        var records: [BenchRecord] = []
        let peak = trainingOnly ? 0 : sgemmGFLOPS(M: 1024, K: 1024, N: 1024)
        for name in presets {
            let cfg = try ModelConfig.preset(named: name)
            let T = cfg.maxPositionEmbeddings, N = batchSize * T
            for (metric, lanes) in [("train_tokens_per_s", 1), ("train_2lanes_tokens_per_s", 2)] {
                let rate = try trainTokensPerSecond(
                    cfg, batchSize: batchSize, steps: trainSteps, seed: seed, lanes: lanes)
                records.append(BenchRecord(config: name, metric: metric, value: rate))
            }
            if trainingOnly { continue }
            records.append(
                BenchRecord(
                    config: name, metric: "generate_tokens_per_s",
                    value: try generateTokensPerSecond(cfg, seed: seed)))
            let bound = trainingBound(cfg, rows: N, T: T)
            records.append(BenchRecord(config: name, metric: "sgemm_gflops", value: bound.gflops))
            records.append(BenchRecord(config: name, metric: "sgemm_fraction", value: bound.gflops / peak))
            records.append(
                BenchRecord(config: name, metric: "train_mflop_per_token", value: cfg.trainingFLOPsPerToken(T: T) / 1e6)
            )
            records.append(
                BenchRecord(config: name, metric: "train_sgemm_bound_tokens_per_s", value: bound.tokensPerSecond))
            records.append(BenchRecord(config: name, metric: "peak_rss_mb", value: peakRSSMegabytes()))
        }
        return records
    }

    static func trainTokensPerSecond(
        _ cfg: ModelConfig, batchSize: Int, steps: Int, seed: UInt64, lanes: Int
    ) throws -> Double {
        let model = try Transformer(config: cfg, seed: seed)
        var rng = SeededRNG(seed: seed, stream: "bench-data")
        let T = cfg.maxPositionEmbeddings
        let data = try (0..<batchSize).map { _ in
            try TrainingSequence(tokens: (0...T).map { _ in Int(rng.next() % UInt64(cfg.vocabSize)) })
        }
        var tc = TrainingConfig()
        tc.batchSize = batchSize; tc.sequenceLength = T; tc.totalSteps = steps + 1; tc.seed = seed
        tc.lanes = lanes
        let trainer = try Trainer(model: model, data: data, config: tc)
        try trainer.trainStep()  // warm-up: allocates activations
        var seconds: [Double] = []
        for _ in 0..<steps {
            let start = DispatchTime.now().uptimeNanoseconds
            try trainer.trainStep()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        seconds.sort()
        return Double(batchSize * T) / seconds[seconds.count / 2]
    }

    static func generateTokensPerSecond(_ cfg: ModelConfig, seed: UInt64) throws -> Double {
        let model = try Transformer(config: cfg, seed: seed)
        let newTokens = min(128, cfg.maxPositionEmbeddings - 1)
        _ = try model.generate(prompt: [1], options: GenerationOptions(maxNewTokens: 8))  // warm-up
        let start = DispatchTime.now().uptimeNanoseconds
        let out = try model.generate(prompt: [1], options: GenerationOptions(maxNewTokens: newTokens, seed: seed))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(out.tokens.count) / seconds
    }

    /// The sgemm rate of a model's products on batches of `rows` positions (the mean over its four shapes), and the
    /// training tokens/s it bounds: `trainingFLOPsPerToken` at that rate, with nothing else in a step.
    public static func trainingBound(_ cfg: ModelConfig, rows N: Int, T: Int) -> (
        gflops: Double, tokensPerSecond: Double
    ) {
        let C = cfg.hiddenSize, F = cfg.intermediateSize, V = cfg.vocabSize
        let shapes = [(N, C, C), (N, C, F), (N, F, C), (N, C, V)]
        let gflops = shapes.map { sgemmGFLOPS(M: $0.0, K: $0.1, N: $0.2) }.reduce(0, +) / Double(shapes.count)
        return (gflops, gflops * 1e9 / cfg.trainingFLOPsPerToken(T: T))
    }

    /// GFLOP/s (2·M·K·N per call) of the engine's sgemm, C(M,N) = A(M,K)·B(K,N), median of timed calls.
    static func sgemmGFLOPS(M: Int, K: Int, N: Int) -> Double {
        let a = FloatBuffer(count: M * K), b = FloatBuffer(count: K * N), c = FloatBuffer(count: M * N)
        var rng = SeededRNG(seed: 1)
        for i in 0..<a.count { a.ptr[i] = rng.nextFloat() - 0.5 }
        for i in 0..<b.count { b.ptr[i] = rng.nextFloat() - 0.5 }
        let flops = 2.0 * Double(M * K * N)
        let reps = max(5, min(200, Int(2e10 / flops)))
        var times: [Double] = []
        for rep in 0..<(reps + 2) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            sgemm(
                transA: false, transB: false, M: M, N: N, K: K, A: a.ptr, lda: K, B: b.ptr, ldb: N, C: c.ptr, ldc: N,
                beta: 0)
            if rep >= 2 { times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9) }
        }
        times.sort()
        return flops / times[times.count / 2] / 1e9
    }

    /// Peak resident set size (VmHWM from /proc/self/status) in MiB; 0 where /proc is unavailable.
    public static func peakRSSMegabytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }
}
