// safetensors: 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}, raw data.
import Foundation

/// Reading and writing the safetensors format (F32 written; F32, F16 and BF16 read as Float32).
public enum SafeTensors {
    /// Serialises tensors as F32 in the given order, with optional `__metadata__` strings.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) throws
        -> Data
    {
        var header: [String: Any] = [:]
        var offset = 0
        for (name, t) in tensors {
            guard header[name] == nil else { throw EngineError.checkpoint("duplicate tensor name \"\(name)\"") }
            header[name] =
                ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]] as [String: Any]
            offset += 4 * t.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }  // pad with spaces so the data is 8-byte aligned
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for (_, t) in tensors {
            t.data.withUnsafeBufferPointer { buf in
                if 1.littleEndian == 1 {
                    out.append(
                        UnsafeBufferPointer(
                            start: UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: UInt8.self),
                            count: 4 * buf.count))
                } else {
                    for v in buf { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
                }
            }
        }
        return out
    }

    /// A parsed safetensors file: entry table plus the raw bytes.
    public struct File {
        public struct Entry { public let dtype: String; public let shape: [Int]; let range: Range<Int> }
        /// Tensor entries by name.
        public let entries: [String: Entry]
        /// The `__metadata__` strings.
        public let metadata: [String: String]
        let data: Data
        let source: String

        /// Parses `data`; `source` names the file in error messages.
        public init(data: Data, source: String) throws {
            self.source = source
            guard data.count >= 8 else {
                throw EngineError.checkpoint("\(source): file too short for a safetensors header")
            }
            let n = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            guard n <= UInt64(data.count - 8) else {
                throw EngineError.checkpoint("\(source): header length \(n) exceeds file size \(data.count)")
            }
            let base = data.startIndex + 8 + Int(n)
            guard let obj = try? JSONSerialization.jsonObject(with: data.subdata(in: (data.startIndex + 8)..<base)),
                let header = obj as? [String: Any]
            else {
                throw EngineError.checkpoint("\(source): header is not a JSON object")
            }
            var entries: [String: Entry] = [:]
            var meta: [String: String] = [:]
            for (name, value) in header {
                if name == "__metadata__" { meta = value as? [String: String] ?? [:]; continue }
                guard let e = value as? [String: Any], let dtype = e["dtype"] as? String,
                    let shape = e["shape"] as? [Int],
                    shape.allSatisfy({ $0 >= 0 }),
                    let offs = e["data_offsets"] as? [Int], offs.count == 2, offs[0] >= 0, offs[0] <= offs[1],
                    offs[1] <= data.endIndex - base
                else {  // written so that a huge offset cannot overflow
                    throw EngineError.checkpoint(
                        "\(source): tensor \"\(name)\": malformed entry (need dtype, shape, data_offsets inside the file)"
                    )
                }
                entries[name] = Entry(dtype: dtype, shape: shape, range: (base + offs[0])..<(base + offs[1]))
            }
            // Two tensors must not share bytes (the format stores them back to back).
            let byStart = entries.filter { !$0.value.range.isEmpty }
                .sorted { ($0.value.range.lowerBound, $0.key) < ($1.value.range.lowerBound, $1.key) }
            for (a, b) in zip(byStart, byStart.dropFirst()) where b.value.range.lowerBound < a.value.range.upperBound {
                let offsets = { (e: Entry) in "[\(e.range.lowerBound - base), \(e.range.upperBound - base)]" }
                throw EngineError.checkpoint(
                    "\(source): tensors \"\(a.key)\" and \"\(b.key)\" overlap "
                        + "(data_offsets \(offsets(a.value)) and \(offsets(b.value)))")
            }
            self.entries = entries; metadata = meta; self.data = data
        }

        /// The tensor `name` converted to Float32; throws naming the key on a missing entry, bad dtype or size.
        public func tensor(_ name: String) throws -> Tensor {
            guard let e = entries[name] else { throw EngineError.checkpoint("\(source): missing tensor \"\(name)\"") }
            let width: Int
            switch e.dtype {
            case "F32": width = 4
            case "F16", "BF16": width = 2
            default:
                throw EngineError.checkpoint(
                    "\(source): tensor \"\(name)\": dtype \(e.dtype) unsupported (expected F32, F16 or BF16)")
            }
            // The element count is checked against the bytes without overflowing on absurd shapes.
            let elements = e.shape.reduce(Int?(1)) { n, d in
                n.flatMap { n in
                    let (p, overflow) = n.multipliedReportingOverflow(by: d)
                    return overflow || p > e.range.count ? nil : p
                }
            }
            guard let count = elements, count * width == e.range.count else {
                throw EngineError.checkpoint(
                    "\(source): tensor \"\(name)\": \(e.range.count) bytes for shape \(e.shape) in \(e.dtype)")
            }
            var values = [Float](repeating: 0, count: count)
            data[e.range].withUnsafeBytes { raw in
                for i in 0..<count {
                    switch e.dtype {
                    case "F32":
                        values[i] = Float(
                            bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    case "BF16":
                        values[i] = Float(
                            bitPattern: UInt32(
                                UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                    default:
                        values[i] = halfToFloat(
                            UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                    }
                }
            }
            return try Tensor(shape: e.shape, data: values)
        }
    }

    /// IEEE binary16 → binary32 (subnormals, infinities and NaN included).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31, exp = Int(h >> 10) & 0x1F, frac = UInt32(h & 0x3FF)
        if exp == 0 { return Float(bitPattern: sign) + (sign != 0 ? -1 : 1) * Float(frac) * 0x1p-24 }
        if exp == 31 { return Float(bitPattern: sign | 0x7F80_0000 | frac << 13) }
        return Float(bitPattern: sign | UInt32(exp - 15 + 127) << 23 | frac << 13)
    }

    /// binary32 → binary16 bits, round-to-nearest-even (for writing test fixtures).
    static func floatToHalf(_ f: Float) -> UInt16 {
        let b = f.bitPattern, sign = UInt16((b >> 16) & 0x8000)
        let exp = Int((b >> 23) & 0xFF) - 127 + 15
        var mant = b & 0x7F_FFFF
        if exp >= 31 { return sign | 0x7C00 }
        if exp <= 0 {
            if exp < -10 { return sign }
            mant |= 0x80_0000
            let shift = UInt32(14 - exp)
            var half = mant >> shift
            let rem = mant & ((1 << shift) - 1), halfway = UInt32(1) << (shift - 1)
            if rem > halfway || (rem == halfway && half & 1 == 1) { half += 1 }
            return sign | UInt16(half)
        }
        var half = UInt32(exp) << 10 | mant >> 13
        let rem = mant & 0x1FFF
        if rem > 0x1000 || (rem == 0x1000 && half & 1 == 1) { half += 1 }
        return sign | UInt16(half)
    }
}
