// Models: `load model`, `new model`, `pretrain`, `probe`, `chat`, `complete`, `logits` (tuning: TuneCommands).

import Foundation
import PolyglotEngine
import PolyglotLab

public final class ModelObject: LabObject {
    public let model: LabModel
    public init(_ model: LabModel) { self.model = model }

    public var typeName: String { "model" }

    public func display() -> String {
        let c = model.config, counts = model.parameterCounts
        var lines = [
            "model \(model.name)",
            "  architecture  \(c.isMoE ? "Mixtral-style MoE, \(c.numLocalExperts) experts, top-\(c.numExpertsPerTok)" : "dense Llama-style")",
            "  shape         d_model \(c.hiddenSize), \(c.numHiddenLayers) layers, \(c.numAttentionHeads) heads (\(c.numKeyValueHeads) kv), ffn \(c.intermediateSize), context \(c.maxPositionEmbeddings)",
            "  vocabulary    \(c.vocabSize) (tokenizer: \(model.tokenizer.vocabSize) tokens, \(model.tokenizer.mergeCount) merges)",
            "  parameters    \(Self.millions(counts.total)) total, \(Self.millions(counts.active)) active per token"
        ]
        lines += model.provenance.map { "  \($0.key.padding(toLength: 13, withPad: " ", startingAt: 0)) \($0.value)" }
        return lines.joined(separator: "\n")
    }

    static func millions(_ n: Int) -> String { String(format: "%.2fM", Double(n) / 1e6) }

    public var fieldNames: [String] { ["name", "params", "active_params", "history", "config", "tag"] }

    public func field(_ name: String) -> Value? {
        switch name {
        case "name": return .string(model.name)
        case "tag":  // what `tune … tag:` takes: the model's place in a study grid, or none
            guard let p = model.modelProvenance else { return Value.none }
            return .record(
                Record([
                    ("base", .string(p.base)), ("dataset", .string(p.dataset)), ("composition", .string(p.composition)),
                    ("regime", .string(p.regime.description)),
                    // A session-drawn seed can exceed the language's integers: none rather than another number.
                    ("seed", Int(exactly: p.seed).map(Value.int) ?? Value.none)
                ]))
        case "params": return .int(model.parameterCounts.total)
        case "active_params": return .int(model.parameterCounts.active)
        case "history":
            let rows: [[Table.Cell]] = model.history.map {
                [.text($0.run), .int($0.step), .text($0.split), .number($0.loss)]
            }
            return .object(
                TableObject(
                    Table(
                        title: "training history of \(model.name)", columns: ["run", "step", "split", "loss"],
                        rows: rows)))
        case "config":
            let c = model.config
            return .record(
                Record([
                    ("vocab", .int(c.vocabSize)), ("d_model", .int(c.hiddenSize)), ("layers", .int(c.numHiddenLayers)),
                    ("heads", .int(c.numAttentionHeads)), ("kv_heads", .int(c.numKeyValueHeads)),
                    ("ffn", .int(c.intermediateSize)), ("context", .int(c.maxPositionEmbeddings)),
                    ("experts", .int(c.numLocalExperts)), ("top_k", .int(c.numExpertsPerTok))
                ]))
        default: return nil
        }
    }
}

extension Invocation {
    func model(_ name: String) -> LabModel { object(name, as: ModelObject.self).model }
}

extension CommandRegistry {
    static let modelCommands: [CommandSpec] = [
        loadModel, newModel, pretrain, probe, chat, complete, logits
    ]

    static let complete = CommandSpec(
        "complete", category: "models",
        summary: "Continue a plain text (no chat template): what a base model learnt in pre-training.",
        positionals: [
            Parameter("model", .object("model"), "a model"), Parameter("text", .string, "the beginning of a text")
        ],
        keywords: [
            Parameter("max_tokens", .int, default: .int(16), "tokens to add"),
            Parameter("temperature", .number, default: .float(0), "0 = greedy"), seedKeyword
        ],
        example: "complete base \"Die Hauptstadt von Österreich ist\""
    ) { inv in
        let model = inv.model("model")
        let seed = try inv.seed()
        let text = inv.string("text"), prompt = model.tokenizer.encode(text)
        guard !prompt.isEmpty else { throw inv.error("the text is empty", at: "text") }
        let end = model.template.endId
        let options = GenerationOptions(
            maxNewTokens: inv.int("max_tokens"),
            temperature: Float(inv.double("temperature")),
            seed: seed, stopTokens: [end])
        let result = try inv.lab { try model.transformer.generate(prompt: prompt, options: options) }
        let continuation = try inv.lab { try model.tokenizer.decode(result.tokens, skippingSpecial: true) }
        return .string(text + continuation)
    }

    static let probe = CommandSpec(
        "probe", category: "models",
        summary: "Check what a base model knows: greedy completion of the held-out facts in plain text, per language.",
        positionals: [Parameter("model", .object("model"), "a model pre-trained on builtin:corpus")],
        example: "probe base",
        details: """
            The benchmark's facts are stated in the corpus but held out of both instruction sets; a probe completes a
            corpus-style prefix ("Die Hauptstadt von Österreich ist") and is correct when the continuation starts with
            the fact word ("Wien"). 70 facts × 5 languages.
            """
    ) { inv in
        let model = inv.model("model")
        return .object(TableObject(try inv.lab { try model.knowledgeCheck(Builtins.world.knowledgeProbes()) }))
    }

    static let loadModel = CommandSpec(
        "load model", category: "models",
        summary:
            "Load a model folder (config.json, model.safetensors or its shards, tokenizer.json), e.g. one TRL tuned, or a builtin base.",
        positionals: [Parameter("path", .string, "a checkpoint folder, builtin:dense or builtin:moe")],
        keywords: [
            Parameter(
                "seed", .int, default: Value.none,
                "pre-training seed of a builtin base (initial weights and data order); default 0, the standard base")
        ],
        example: "let base = load model builtin:dense\nlet base2 = load model builtin:dense seed: 2",
        details: """
            builtin:dense and builtin:moe are the miniature study's 7B and 8x7B: same width and depth, the MoE with 8
            experts (top-2) the size of the dense FFN. Each is pre-trained on builtin:corpus the first time it is
            loaded (a few minutes) and cached in ~/.cache/polyglot ($POLYGLOT_CACHE), keyed by its recipe. `seed: N`
            pre-trains (and caches) another base of the same recipe from other initial weights and another order of
            the corpus, named builtin:dense-sN: a grid whose seeds vary the bases too, not only the tuning draw.

            A folder is a Hugging Face Llama or Mixtral folder: Polyglot writes them (`tune … save:`, `new model`), and
            reads those `save_pretrained` writes, as TRL does after tuning: weights in model.safetensors or in the
            shards of model.safetensors.index.json, config.json of transformers 4 or 5, and a chat template
            (chat_template.jinja or tokenizer_config.json) that must be Polyglot's, the only one it renders.
            """
    ) { inv in
        let path = inv.string("path")
        if let name = Builtins.name(path) {
            guard var recipe = BaseModels.recipe(named: name) else {
                throw inv.error(
                    "no builtin model '\(name)'", at: "path",
                    notes: Suggest.note(for: name, in: Builtins.modelNames)
                        + ["expected builtin:dense or builtin:moe"])
            }
            if inv.int(ifGiven: "seed") != nil { recipe.seed = try inv.seed() }
            let shown = recipe.seed == 0 ? path : "\(path)-s\(recipe.seed)"
            let session = inv.session
            let (model, cached) = try inv.lab {
                try BaseModels.load(
                    recipe, name: shown, shouldCancel: { Interrupt.isRequested }, progress: inv.progress.pretraining)
            }
            session.emit(
                cached ? "loaded \(shown) from the cache" : "pre-trained \(shown) and cached it", volatile: true)
            return .object(ModelObject(model))
        }
        if inv.int(ifGiven: "seed") != nil {
            throw inv.error("seed: is the pre-training seed of a builtin base; \(path) is a folder", at: "seed")
        }
        let url = inv.session.resolve(path)
        return .object(ModelObject(try inv.lab { try LabModel.load(from: url) }))
    }

    static let pretrain = CommandSpec(
        "pretrain", category: "models",
        summary:
            "Pre-train a base model from scratch on the built-in corpus (tokenizer included), with a progress bar; cached by recipe.",
        positionals: [Parameter("corpus", .choice(Choices(["builtin:corpus"])), "the built-in corpus")],
        keywords: [
            Parameter(
                "config", .record, default: .record(Record()),
                "recipe fields: kind (dense|moe), sentences, merges, d_model, layers, heads, ffn, context, experts, top_k, steps, batch, lr, warmup, english_share (0–1; default a fifth per language), lanes (parts of each step side by side, one per core: 2 is faster on 2 cores, with other bits; default 1)"
            ),
            Parameter(
                "pack", .bool, default: .bool(false),
                "attention per corpus document inside each window (positions restart after every end token); "
                    + "windows are full either way, so nothing is padded"),
            Parameter("save", .string, default: Value.none, "write the model to this folder"),
            seedKeyword
        ],
        example: "let small = pretrain builtin:corpus config: {kind: \"dense\", sentences: 20000, steps: 100}"
    ) { inv in
        let r = inv.record("config")
        var recipe = PretrainRecipe(kind: r["kind"] == .string("moe") ? .moe : .dense)
        let fields: [(String, WritableKeyPath<PretrainRecipe, Int>)] = [
            ("sentences", \.corpusSentences), ("merges", \.merges), ("d_model", \.dModel), ("layers", \.layers),
            ("heads", \.heads), ("ffn", \.ffnHidden), ("context", \.context), ("experts", \.experts), ("top_k", \.topK),
            ("steps", \.steps), ("batch", \.batchSize), ("warmup", \.warmupSteps)
        ]
        for (key, value) in r.fields {
            if key == "kind" {
                guard value == .string("dense") || value == .string("moe") else {
                    throw inv.error("kind must be \"dense\" or \"moe\"", at: "config")
                }
            } else if key == "lr" {
                guard let lr = value.double, lr > 0 else {
                    throw inv.error("lr must be a positive number", at: "config")
                }
                recipe.learningRate = lr
            } else if key == "english_share" {
                guard let share = value.double, share > 0, share < 1 else {
                    throw inv.error("english_share must be a share between 0 and 1 (exclusive)", at: "config")
                }
                recipe.englishShare = share
            } else if key == "lanes" {
                guard case .int(let n) = value, n > 0 else {
                    throw inv.error("lanes must be a positive integer", at: "config")
                }
                recipe.lanes = n > 1 ? n : nil  // one lane is the default recipe (and its cache key)
            } else if let path = fields.first(where: { $0.0 == key })?.1 {
                guard case .int(let n) = value, n > 0 else {
                    throw inv.error("\(key) must be a positive integer", at: "config")
                }
                recipe[keyPath: path] = n
            } else {
                throw inv.error(
                    "unknown recipe field '\(key)'", at: "config",
                    notes: Suggest.note(for: key, in: ["kind", "lr", "english_share", "lanes"] + fields.map(\.0))
                        + [
                            "expected some of: kind, lr, english_share, lanes, \(fields.map(\.0).joined(separator: ", "))"
                        ])
            }
        }
        if let lanes = recipe.lanes, lanes > recipe.batchSize {
            throw inv.error("lanes (\(lanes)) must be at most the batch size (\(recipe.batchSize))", at: "config")
        }
        if r["warmup"] == nil { recipe.warmupSteps = min(recipe.warmupSteps, max(1, recipe.steps / 10)) }
        recipe.seed = try inv.seed()
        recipe.packing = inv.bool("pack") ? true : nil
        let session = inv.session
        let started = Date()
        let (model, cached) = try inv.lab {
            try BaseModels.load(
                recipe, name: "pretrained-\(recipe.kind.rawValue)",
                shouldCancel: { Interrupt.isRequested },
                progress: inv.progress.pretraining)
        }
        let losses = model.history.map(\.loss)
        let tail = losses.suffix(max(1, losses.count / 10))
        session.emit(
            "pre-trained \(recipe.kind.rawValue) (\(ModelObject.millions(model.parameterCounts.total)) parameters): "
                + "\(recipe.steps) steps, loss \(ProgressReporter.fixed(losses.first ?? .nan, 3)) → "
                + ProgressReporter.fixed(tail.reduce(0, +) / Double(tail.count), 3))
        let wallTime = ProgressReporter.duration(Date().timeIntervalSince(started))
        session.emit(
            cached ? "loaded from the cache (\(BaseModels.cacheDirectory.path))" : "\(wallTime) wall time",
            volatile: true)
        if let dir = inv.string(ifGiven: "save") {
            try inv.lab { try model.save(to: session.resolve(dir)) }
            session.emit("saved to \(dir)")
        }
        return .object(ModelObject(model))
    }

    static let newModel = CommandSpec(
        "new model", category: "models",
        summary:
            "Write a fresh model folder of a preset (tiny-dense, tiny-moe, small-dense), byte-level tokenizer included.",
        keywords: [
            Parameter("preset", .choice(Choices(ModelConfig.presetNames)), "an engine preset"),
            Parameter("out", .string, "the model folder to write"), seedKeyword
        ],
        example: "new model preset: \"tiny-moe\" seed: 1 out: \"checkpoints/tiny-moe\"",
        details: """
            The folder loads with `load model` and serves with `serve`. Its tokenizer is byte-level (the 256 bytes and the
            chat tokens, no merges), and its vocabulary is the tokenizer's rather than the preset's; `show` says so.
            """
    ) { inv in
        let seed = try inv.seed()
        let preset = inv.string("preset"), out = inv.string("out")
        let url = inv.session.resolve(out)
        let model = try inv.lab {
            let model = try LabModel.fresh(preset: preset, seed: seed, name: url.lastPathComponent)
            try model.save(to: url)
            return model
        }
        let parameters = ModelObject.millions(model.parameterCounts.total)
        inv.session.emit(
            "wrote \(preset) (\(parameters) parameters, seed \(seed), byte-level tokenizer of "
                + "\(model.tokenizer.vocabSize) tokens) to \(out)")
        return .none
    }

    static let chat = CommandSpec(
        "chat", category: "models",
        summary: "Talk to a model: one turn with TEXT, or a conversation in the REPL until an empty line.",
        positionals: [
            Parameter("model", .object("model"), "a model"),
            Parameter("text", .string, default: Value.none, "the message (omit for an interactive conversation)")
        ],
        keywords: [
            Parameter(
                "system", .string, default: Value.none,
                "system prompt (default: the one of the message's language, if the model was tuned with one)"),
            Parameter("temperature", .number, default: .float(0), "0 = greedy"),
            Parameter("max_tokens", .int, default: .int(64), "longest reply"),
            seedKeyword
        ],
        example: "chat tuned \"Was ist die Hauptstadt von Italien?\""
    ) { inv in
        let model = inv.model("model"), session = inv.session
        let seed = try inv.seed()
        var messages: [Message] = []
        func turn(_ text: String) throws -> String {
            if messages.isEmpty,
                let prompt = inv.string(ifGiven: "system")
                    ?? (model.usesSystemPrompt ? (LanguageIdentifier.builtin.identify(text) ?? .en).systemPrompt : nil)
            {
                messages.append(Message(role: .system, content: prompt))
            }
            messages.append(Message(role: .user, content: text))
            let r = try inv.lab {
                try model.reply(
                    to: messages, temperature: inv.double("temperature"), seed: seed,
                    maxTokens: inv.int("max_tokens"))
            }
            messages.append(Message(role: .assistant, content: r.text))
            return r.text
        }
        if let text = inv.string(ifGiven: "text") {
            return .string(try turn(text))
        }
        guard let read = session.readLine else {
            throw inv.error(
                "chat without TEXT needs the interactive REPL", at: "text",
                notes: ["expected chat MODEL \"your message\""])
        }
        session.emit("chatting with \(model.name) — an empty line ends the conversation")
        while let line = read("you> "), !line.trimmingCharacters(in: .whitespaces).isEmpty {
            session.emit("\(model.name)> " + (try turn(line)))
        }
        return .none
    }

    static let logits = CommandSpec(
        "logits", category: "models",
        summary:
            "Next-token logits after token ids (or a prompt) as a JSON array, to compare with another implementation.",
        positionals: [Parameter("model", .object("model"), "a model")],
        keywords: [
            Parameter("ids", .listOf(.int), default: Value.none, "token ids, e.g. [1, 2, 3]"),
            Parameter("prompt", .string, default: Value.none, "text to encode instead of ids")
        ],
        example: "logits base ids: [1, 2, 3]"
    ) { inv in
        let model = inv.model("model")
        var ids: [Int] = []
        if let given = inv.ints(ifGiven: "ids") {
            ids = given
        } else if let p = inv.string(ifGiven: "prompt") {
            ids = model.tokenizer.encode(p)
        }
        guard !ids.isEmpty else {
            throw inv.error("logits needs ids: or prompt:", notes: ["expected e.g. logits m ids: [1, 2, 3]"])
        }
        let values = try inv.lab { try model.transformer.nextTokenLogits(ids) }
        return .string("[" + values.map { "\($0)" }.joined(separator: ", ") + "]")
    }
}
