/// FNV-1a, 64 bit: a small hash that is the same on every run and platform, for stream labels, cache keys and
/// content fingerprints (a change detector, not a security hash).
public struct FNV1a64 {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    @inline(__always)
    public mutating func combine(_ word: UInt64) { value = (value ^ word) &* 0x0000_0100_0000_01B3 }

    public mutating func combine<S: Sequence>(bytes: S) where S.Element == UInt8 {
        for b in bytes { combine(UInt64(b)) }
    }

    /// The hash of a byte sequence.
    public static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = FNV1a64()
        h.combine(bytes: bytes)
        return h.value
    }
}
