// Dims legend used across the engine: B batch, T time, C channels (d_model), V vocab, L layers,
// H heads, Hkv kv-heads, D head dim, E experts, K top-k, F ffn hidden, N = B·T rows.
import Foundation

/// A dense row-major Float32 tensor: a shape plus contiguous storage (the engine's exchange type).
public struct Tensor: Equatable, Sendable {
    /// Extent of each dimension, outermost first.
    public var shape: [Int]
    /// Row-major values; `data.count == shape.reduce(1, *)`.
    public var data: [Float]

    /// A tensor of zeros with the given shape.
    public init(zeros shape: [Int]) {
        self.shape = shape
        self.data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// Wraps values; throws when the count does not match the shape.
    public init(shape: [Int], data: [Float]) throws {
        guard shape.reduce(1, *) == data.count else {
            throw EngineError.shapeMismatch(
                "Tensor: shape \(shape) needs \(shape.reduce(1, *)) values, got \(data.count)")
        }
        self.shape = shape
        self.data = data
    }

    /// Number of elements.
    public var count: Int { data.count }
}

/// Errors raised by the engine; every message names what was expected.
public enum EngineError: Error, CustomStringConvertible, Equatable {
    case shapeMismatch(String)
    case invalidConfig(String)
    case invalidInput(String)
    case checkpoint(String)
    case io(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let m): return "shape mismatch: \(m)"
        case .invalidConfig(let m): return "invalid config: \(m)"
        case .invalidInput(let m): return "invalid input: \(m)"
        case .checkpoint(let m): return "checkpoint: \(m)"
        case .io(let m): return "io: \(m)"
        }
    }
}

/// Heap storage for the hot paths: a stable pointer, no copy-on-write, zero-initialised.
final class FloatBuffer: @unchecked Sendable {
    let ptr: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        ptr = .allocate(capacity: max(count, 1))
        ptr.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { ptr.deallocate() }

    /// Zeroes the first `n` floats (all of them by default).
    func zero(count n: Int? = nil) { ptr.update(repeating: 0, count: n ?? count) }

    subscript(offset: Int) -> UnsafeMutablePointer<Float> { ptr + offset }

    func toArray(offset: Int = 0, count n: Int? = nil) -> [Float] {
        Array(UnsafeBufferPointer(start: ptr + offset, count: n ?? count - offset))
    }

    func copy(from values: [Float], offset: Int = 0) {
        values.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            (ptr + offset).update(from: base, count: src.count)
        }
    }
}
