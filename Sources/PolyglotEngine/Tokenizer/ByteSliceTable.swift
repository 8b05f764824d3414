// The encoder's word cache and the trainer's word counter look up millions of pre-tokens. A Swift
// Dictionary keyed by [UInt8] would allocate an array per lookup and hash byte by byte through Hasher;
// this table hashes the slice in place (FNV-1a) and keeps all keys in one byte arena. Each slot packs the
// key index with 32 bits of its hash, so a probe that hits another key usually costs no extra memory access.

/// Open-addressing hash set of byte strings that numbers its keys 0, 1, 2, … in insertion order.
struct ByteSliceTable {
    private var slots: [UInt64]  // hash high 32 bits << 32 | key index, or `empty`; the size is a power of two
    private static let empty = UInt64.max
    private var hashes: [UInt64] = []  // full hash per key, for rehashing when the table grows
    private var keyStarts: [Int] = [0]  // key i is keyBytes[keyStarts[i]..<keyStarts[i + 1]]
    private var keyBytes: [UInt8] = []

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = [UInt64](repeating: Self.empty, count: size)
    }

    /// Number of keys.
    var count: Int { hashes.count }

    /// The bytes of key `index`.
    func key(at index: Int) -> [UInt8] { Array(keyBytes[keyStarts[index]..<keyStarts[index + 1]]) }

    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h ^ (h >> 29)
    }

    /// The index of `key`, or nil.
    func index(of key: UnsafeBufferPointer<UInt8>) -> Int? { find(key, hash: Self.hash(key)) }

    private func find(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int? {
        slots.withUnsafeBufferPointer { slots in
            keyStarts.withUnsafeBufferPointer { starts in
                keyBytes.withUnsafeBufferPointer { bytes in
                    let mask = slots.count - 1
                    let fingerprint = h >> 32
                    var slot = Int(truncatingIfNeeded: h) & mask
                    while slots[slot] != Self.empty {
                        let entry = slots[slot]
                        let index = Int(entry & 0xFFFF_FFFF)
                        if entry >> 32 == fingerprint, Self.equal(key, bytes, starts[index], starts[index + 1]) {
                            return index
                        }
                        slot = (slot + 1) & mask
                    }
                    return nil
                }
            }
        }
    }

    /// Whether `key` equals `bytes[start..<end]`.
    private static func equal(
        _ key: UnsafeBufferPointer<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>,
        _ start: Int, _ end: Int
    ) -> Bool {
        guard end - start == key.count else { return false }
        for k in 0..<key.count where bytes[start + k] != key[k] { return false }
        return true
    }

    /// The index of `key`, adding it (with the next index) when absent.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (index: Int, inserted: Bool) {
        let h = Self.hash(key)
        if let index = find(key, hash: h) { return (index, false) }
        let index = hashes.count
        hashes.append(h)
        keyBytes.append(contentsOf: key)
        keyStarts.append(keyBytes.count)
        if (index + 1) * 2 > slots.count { grow() }  // keep the load factor at most 1/2
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] != Self.empty { slot = (slot + 1) & mask }
        slots[slot] = Self.entry(hash: h, index: index)
        return (index, true)
    }

    private static func entry(hash: UInt64, index: Int) -> UInt64 { (hash >> 32) << 32 | UInt64(index) }

    private mutating func grow() {
        slots = [UInt64](repeating: Self.empty, count: slots.count * 2)
        let mask = slots.count - 1
        for index in 0..<(hashes.count - 1) {  // the newest key is placed by the caller
            var slot = Int(truncatingIfNeeded: hashes[index]) & mask
            while slots[slot] != Self.empty { slot = (slot + 1) & mask }
            slots[slot] = Self.entry(hash: hashes[index], index: index)
        }
    }

    /// Forgets every key (keeps the allocated slots).
    mutating func removeAll() {
        for i in slots.indices { slots[i] = Self.empty }
        hashes.removeAll(keepingCapacity: true)
        keyStarts = [0]
        keyBytes.removeAll(keepingCapacity: true)
    }
}
