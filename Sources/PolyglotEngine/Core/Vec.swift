// SIMD helpers for the kernels' row loops. Swift does not reassociate scalar float sums or call a vector
// exp, so the hot loops vectorise by hand over 8 lanes (AVX2 width).
typealias Float8 = SIMD8<Float>

enum Vec {
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Float8 {
        UnsafeRawPointer(p).loadUnaligned(as: Float8.self)
    }

    @inline(__always) static func store(_ v: Float8, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float8.self)
    }

    /// The first `lanes` (≤ 8) floats at `p`, zeros in the other lanes: the tail block of `blocks`.
    @inline(__always) static func load(_ p: UnsafePointer<Float>, lanes: Int) -> Float8 {
        if lanes == 8 { return load(p) }
        var v = Float8()
        for i in 0..<lanes { v[i] = p[i] }
        return v
    }

    /// Writes the first `lanes` (≤ 8) lanes of `v` to `p`.
    @inline(__always) static func store(_ v: Float8, _ p: UnsafeMutablePointer<Float>, lanes: Int) {
        if lanes == 8 { store(v, p); return }
        for i in 0..<lanes { p[i] = v[i] }
    }

    /// Calls `body(offset, lanes)` for 8-float blocks of 0..<n; the last block may have fewer lanes.
    /// Kernels that compute every element on its own give the same bits however a range is split.
    @inline(__always) static func blocks(_ range: Range<Int>, _ body: (Int, Int) -> Void) {
        var i = range.lowerBound
        while i + 8 <= range.upperBound { body(i, 8); i += 8 }
        if i < range.upperBound { body(i, range.upperBound - i) }
    }

    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = Float8(), acc1 = Float8()
        var i = 0
        while i + 16 <= n {
            acc0 += load(a + i) * load(b + i)
            acc1 += load(a + i + 8) * load(b + i + 8)
            i += 16
        }
        var s = (acc0 + acc1).sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// y += alpha · x
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let av = Float8(repeating: alpha)
        var i = 0
        while i + 8 <= n {
            store(load(y + i) + av * load(x + i), y + i)
            i += 8
        }
        while i < n { y[i] += alpha * x[i]; i += 1 }
    }

    /// Largest of x[0..<n] (−∞ when n = 0).
    @inline(__always)
    static func max(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var m = Float8(repeating: -.infinity)
        var i = 0
        while i + 8 <= n { let v = load(x + i); m.replace(with: v, where: v .> m); i += 8 }
        var s = m.max()
        while i < n { if x[i] > s { s = x[i] }; i += 1 }
        return s
    }

    /// x[i] ← exp(x[i] − shift) for i < n; returns the sum of the new values (8 float lanes, then added up).
    @inline(__always)
    static func expShiftedSum(_ x: UnsafeMutablePointer<Float>, _ n: Int, shift: Float) -> Float {
        let sv = Float8(repeating: shift)
        var acc = Float8()
        blocks(0..<n) { i, lanes in
            var e = exp(load(x + i, lanes: lanes) - sv)
            for j in lanes..<8 { e[j] = 0 }  // the tail's unused lanes must not count in the sum
            store(e, x + i, lanes: lanes); acc += e
        }
        return acc.sum()
    }

    /// x[i] ← x[i] · s for i < n.
    @inline(__always)
    static func scale(_ x: UnsafeMutablePointer<Float>, _ n: Int, by s: Float) {
        let sv = Float8(repeating: s)
        var i = 0
        while i + 8 <= n { store(load(x + i) * sv, x + i); i += 8 }
        while i < n { x[i] *= s; i += 1 }
    }

    /// eˣ per lane (Cephes expf: range reduction by ln 2, degree-6 polynomial; relative error < 1e-7).
    /// Inputs are clamped to [−87.3, 88] (2ⁿ stays a normal float), so exp(−∞) gives ≈1e-38 rather than 0.
    /// Written with plain lane arithmetic: the generic SIMD rounding and conversion calls are not inlined.
    @inline(__always)
    static func exp(_ input: Float8) -> Float8 {
        var x = input
        x.replace(with: Float8(repeating: -87.33654), where: x .< -87.33654)
        x.replace(with: Float8(repeating: 88), where: x .> 88)
        let magic = Float8(repeating: 12582912)  // 1.5·2²³: adding it rounds to an integer (nearest-even)
        let t = x * 1.442695041 + magic
        let n = t - magic
        let r = x - n * 0.693359375 + n * 2.12194440e-4  // x − n·ln 2 in two parts (the high part is exact)
        var p = Float8(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * r * r + r + 1
        let ni = unsafeBitCast(t, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        return p * unsafeBitCast((ni &+ 127) &<< 23, to: Float8.self)  // · 2ⁿ via the exponent field
    }

    /// σ(x) = 1 / (1 + e⁻ˣ) per lane.
    @inline(__always)
    static func sigmoid(_ x: Float8) -> Float8 { 1 / (1 + exp(-x)) }
}
