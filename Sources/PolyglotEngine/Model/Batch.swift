// Dims legend: B batch (rows), T time.

/// One training sequence: token ids, a per-token loss mask, and an optional language tag for routing statistics.
/// `lossMask[i] != 0` means token i is a prediction target (predicted from tokens 0..<i).
public struct TrainingSequence: Sendable, Equatable {
    public var tokens: [Int]
    public var lossMask: [Float]
    public var tag: Int?
    /// Token indices (> 0) where a new document begins inside the sequence (a pre-training window of several
    /// corpus documents): a packed batch does not let attention cross them and restarts positions there.
    public var documentStarts: [Int]

    /// Throws when the mask length differs from the token count.
    public init(tokens: [Int], lossMask: [Float]? = nil, tag: Int? = nil, documentStarts: [Int] = []) throws {
        let mask = lossMask ?? [Float](repeating: 1, count: tokens.count)
        guard mask.count == tokens.count else {
            throw EngineError.invalidInput("loss mask has \(mask.count) entries for \(tokens.count) tokens")
        }
        self.tokens = tokens; self.lossMask = mask; self.tag = tag; self.documentStarts = documentStarts
    }

    /// Input positions it fills in a row (inputs are tokens 0..<n, targets 1...n), at most `limit`.
    func positions(limit: Int) -> Int { max(0, min(tokens.count - 1, limit)) }
}

/// A (B,T) batch: inputs, shifted targets, loss weights, a validity mask, and the documents of each row.
/// Unpacked, each row holds one sequence, right-padded with token 0. Packed, a row holds several sequences end to
/// end, then padding; each sequence (and each part of one split by `documentStarts`) is a document of its own:
/// attention never crosses a document boundary and positions (RoPE) restart at 0 in each.
public struct Batch: Sendable {
    public let B: Int, T: Int
    var inputs: [Int32]  // (B,T)
    var targets: [Int32]  // (B,T)
    var mask: [Float]  // (B,T) loss mask of each target
    var valid: [Float]  // (B,T) 1 for real positions, 0 for padding
    var tags: [Int?]  // (B,T) the tag of each position's sequence
    var positions: [Int32]  // (B,T) each position's index inside its document
    /// (B) the documents of each row as position ranges, in order, covering 0..<T (trailing padding is one).
    var documents: [[Range<Int>]]
    /// Whether a row may hold more than one document (else attention and positions are plain causal rows).
    let isPacked: Bool

    /// One sequence per row (each truncated to T+1 tokens), right-padded; throws on out-of-vocab ids.
    public init(sequences: [TrainingSequence], T: Int, vocabSize: Int) throws {
        try self.init(
            sequences, layout: RowLayout(rows: sequences.indices.map { [$0] }, T: T, isPacked: false),
            vocabSize: vocabSize)
    }

    /// The sequences laid out in rows by `layout` (packed ones share rows; see `RowLayout`). Per token the same
    /// targets and loss mask either way, so the same loss and gradients; throws on out-of-vocab ids.
    public init(_ sequences: [TrainingSequence], layout: RowLayout, vocabSize: Int) throws {
        try self.init(
            rows: layout.rows.map { $0.map { sequences[$0] } }, T: layout.T, vocabSize: vocabSize,
            packed: layout.isPacked)
    }

    /// `rows[b]` laid end to end in row b; a sequence is truncated to what is left of the row.
    private init(rows: [[TrainingSequence]], T: Int, vocabSize: Int, packed: Bool) throws {
        guard !rows.isEmpty, T > 0 else { throw EngineError.invalidInput("a batch needs ≥ 1 sequence and T > 0") }
        B = rows.count; self.T = T; isPacked = packed
        inputs = [Int32](repeating: 0, count: B * T); targets = inputs; positions = inputs
        mask = [Float](repeating: 0, count: B * T); valid = mask
        tags = [Int?](repeating: nil, count: B * T)
        documents = []
        var index = 0
        for (b, row) in rows.enumerated() {
            var offset = 0, spans: [Range<Int>] = []
            for s in row {
                defer { index += 1 }
                for (i, t) in s.tokens.enumerated() where t < 0 || t >= vocabSize {
                    throw EngineError.invalidInput(
                        "sequence \(index), position \(i): token id \(t) outside vocabulary 0..<\(vocabSize)")
                }
                let n = s.positions(limit: T - offset)
                if n == 0 { continue }
                let starts = packed ? s.documentStarts.filter { $0 > 0 && $0 < n } : []
                for (lo, hi) in zip([0] + starts, starts + [n]) where lo < hi {
                    spans.append((offset + lo)..<(offset + hi))
                }
                for t in 0..<n {
                    let p = b * T + offset + t
                    inputs[p] = Int32(s.tokens[t])
                    targets[p] = Int32(s.tokens[t + 1])
                    mask[p] = s.lossMask[t + 1]
                    valid[p] = 1
                    tags[p] = s.tag
                }
                offset += n
            }
            // Unpacked rows keep today's layout: the padding is part of the row's one document.
            if !packed { spans = [0..<T] } else if offset < T { spans.append(offset..<T) }
            if spans.isEmpty { spans = [0..<T] }
            for span in spans { for t in span { positions[b * T + t] = Int32(t - span.lowerBound) } }
            documents.append(spans)
        }
    }

    /// Sum of the loss mask (number of target tokens).
    public var maskedTokens: Float { mask.reduce(0, +) }
    /// Number of non-padding positions.
    public var validTokens: Int { Int(valid.reduce(0, +)) }
    /// Number of padding positions (B·T − validTokens).
    public var paddedPositions: Int { B * T - validTokens }
}

/// Which sequences of a micro-batch share each row, and the row length T: a function of the sequences' lengths
/// only (so the layout of a whole run is known before it runs).
public struct RowLayout: Equatable, Sendable {
    /// Indices of the sequences in each row, in their original order.
    public let rows: [[Int]]
    /// The row length.
    public let T: Int
    /// Several sequences may share a row, each its own document (else one per row: plain causal attention).
    public let isPacked: Bool

    init(rows: [[Int]], T: Int, isPacked: Bool) { self.rows = rows; self.T = T; self.isPacked = isPacked }

    /// Positions the batch computes (B·T).
    public var positions: Int { rows.count * T }

    /// One sequence per row, rows as long as the longest (rounded up to a multiple of 8, at most `maxLength`).
    /// `lengths` are input positions (tokens − 1).
    public static func padded(lengths: [Int], maxLength: Int) -> RowLayout {
        RowLayout(
            rows: lengths.indices.map { [$0] }, T: rowLength(fill: lengths.max() ?? 1, maxLength), isPacked: false)
    }

    /// Sequences packed into rows of at most `maxLength` positions (each truncated to it), first-fit decreasing, at
    /// the row capacity (multiples of 8 from the longest sequence up to `maxLength`) that needs the fewest positions
    /// B·T (ties: the shorter rows, cheaper attention). The padded layout is one of the candidates (capacity = the
    /// longest), so packing never computes more positions.
    public static func packed(lengths: [Int], maxLength: Int) -> RowLayout {
        let lengths = lengths.map { min(max(0, $0), maxLength) }
        let lowest = rowLength(fill: lengths.max() ?? 1, maxLength)
        let order = lengths.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
        var best: RowLayout?
        for capacity in Set(stride(from: lowest, through: maxLength, by: 8)).union([lowest, maxLength]).sorted()
        where capacity >= lowest {
            var rows: [[Int]] = [], fill: [Int] = []
            for i in order {
                if let r = fill.firstIndex(where: { $0 + lengths[i] <= capacity }) {
                    rows[r].append(i); fill[r] += lengths[i]
                } else {
                    rows.append([i]); fill.append(lengths[i])
                }
            }
            let layout = RowLayout(
                rows: rows.map { $0.sorted() }, T: rowLength(fill: fill.max() ?? 1, maxLength), isPacked: true)
            if best == nil || layout.positions < best!.positions { best = layout }
        }
        return best!
    }

    /// A row length for `fill` positions: a multiple of 8 (at least 8), at most `maxLength`.
    private static func rowLength(fill: Int, _ maxLength: Int) -> Int { min(maxLength, max(8, (fill + 7) / 8 * 8)) }
}
