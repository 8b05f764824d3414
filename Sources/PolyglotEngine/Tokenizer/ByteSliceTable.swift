import Foundation

// The encoder's word cache and the trainer's word counter look up millions of pre-tokens. A Swift
// Dictionary keyed by [UInt8] would allocate an array per lookup and hash byte by byte through Hasher;
// this table hashes the slice in place (FNV-1a) and keeps all keys in one byte arena.

/// Open-addressing hash set of byte strings that numbers its keys 0, 1, 2, … in insertion order.
struct ByteSliceTable {
    private var slots: [Int32]  // key index, or -1 when empty; the size is a power of two
    private var hashes: [UInt64] = []  // per key
    private var keyStarts: [Int] = [0]  // key i is keyBytes[keyStarts[i]..<keyStarts[i + 1]]
    private var keyBytes: [UInt8] = []

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = [Int32](repeating: -1, count: size)
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

    private func matches(_ index: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = keyStarts[index]
        guard keyStarts[index + 1] - start == key.count else { return false }
        guard let keyBase = key.baseAddress else { return true }  // both empty
        return keyBytes.withUnsafeBufferPointer { stored in
            stored.baseAddress.map { memcmp($0 + start, keyBase, key.count) == 0 } ?? false
        }
    }

    /// The index of `key`, or nil.
    func index(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = Self.hash(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] >= 0 {
            let index = Int(slots[slot])
            if hashes[index] == h, matches(index, key) { return index }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// The index of `key`, adding it (with the next index) when absent.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (index: Int, inserted: Bool) {
        let h = Self.hash(key)
        var mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] >= 0 {
            let index = Int(slots[slot])
            if hashes[index] == h, matches(index, key) { return (index, false) }
            slot = (slot + 1) & mask
        }
        let index = hashes.count
        hashes.append(h)
        keyBytes.append(contentsOf: key)
        keyStarts.append(keyBytes.count)
        if (index + 1) * 2 > slots.count {  // keep the load factor at most 1/2
            grow()
            mask = slots.count - 1
            slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
        }
        slots[slot] = Int32(index)
        return (index, true)
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for index in 0..<(hashes.count - 1) {  // the newest key is placed by the caller
            var slot = Int(truncatingIfNeeded: hashes[index]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }

    /// Forgets every key (keeps the allocated slots).
    mutating func removeAll() {
        for i in slots.indices { slots[i] = -1 }
        hashes.removeAll(keepingCapacity: true)
        keyStarts = [0]
        keyBytes.removeAll(keepingCapacity: true)
    }
}
