// Small statistics used by score, agreement and findings: means, seeded bootstrap intervals, Holm's adjustment,
// correlations, Cohen's κ.
import Foundation
import PolyglotEngine

enum Statistics {
    static func mean(_ x: [Double]) -> Double { x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count) }

    /// Sample standard deviation (n − 1); 0 for fewer than two values.
    static func standardDeviation(_ x: [Double]) -> Double {
        guard x.count > 1 else { return 0 }
        let m = mean(x)
        return (x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count - 1)).squareRoot()
    }

    /// Percentile bootstrap 95% interval of the mean (`resamples` draws with replacement, seeded).
    static func bootstrapCI(_ x: [Double], resamples: Int = 1000, rng: inout SeededRNG) -> (low: Double, high: Double) {
        bootstrapCI(count: x.count, resamples: resamples, rng: &rng) { drawn in
            var s = 0.0
            for i in drawn { s += x[i] }
            return s / Double(x.count)
        }
    }

    /// Percentile bootstrap 95% interval of any statistic of `count` items, given the indices of one resample drawn
    /// with replacement (seeded). Resamples where the statistic is undefined (NaN) are left out.
    static func bootstrapCI(
        count: Int, resamples: Int = 1000, rng: inout SeededRNG, statistic: ([Int]) -> Double
    ) -> (low: Double, high: Double) {
        guard count > 1 else {
            let only = count == 1 ? statistic([0]) : .nan
            return (only, only)
        }
        let values = bootstrapReplicates(count: count, resamples: resamples, rng: &rng, statistic: statistic)
            .filter { !$0.isNaN }.sorted()
        guard !values.isEmpty else { return (.nan, .nan) }
        return (quantile(values, 0.025), quantile(values, 0.975))
    }

    /// The statistic of each of `resamples` resamples of `count` items (indices drawn with replacement, seeded), for
    /// callers that need more than one interval, such as several statistics of the same resamples.
    static func bootstrapReplicates<T>(
        count: Int, resamples: Int, rng: inout SeededRNG, statistic: ([Int]) -> T
    ) -> [T] {
        var out: [T] = []
        out.reserveCapacity(resamples)
        var drawn = [Int](repeating: 0, count: count)
        for _ in 0..<resamples {
            for k in 0..<count { drawn[k] = Int(rng.next() % UInt64(count)) }
            out.append(statistic(drawn))
        }
        return out
    }

    /// Holm's step-down adjustment of p-values (family-wise error): the i-th smallest of m is multiplied by
    /// m − i + 1, capped at 1, and never falls below an adjusted smaller one. Returned in the input's order.
    static func holm(_ p: [Double]) -> [Double] {
        let order = p.indices.sorted { p[$0] < p[$1] }
        var adjusted = [Double](repeating: 1, count: p.count)
        var running = 0.0
        for (rank, i) in order.enumerated() {
            running = max(running, min(1, Double(p.count - rank) * p[i]))
            adjusted[i] = running
        }
        return adjusted
    }

    /// Two-sided p-value of a normal test of estimate = 0 with standard error `se` (0 when `se` is 0 and the estimate
    /// is not, 1 when both are).
    static func normalPValue(estimate: Double, se: Double) -> Double {
        if se == 0 { return estimate == 0 ? 1 : 0 }
        return erfc(abs(estimate / se) / 2.0.squareRoot())
    }

    /// Linear-interpolation quantile of sorted values (numpy's default).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let pos = q * Double(sorted.count - 1)
        let lo = Int(pos.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (pos - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count == y.count, x.count > 1 else { return .nan }
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
            syy += (y[i] - my) * (y[i] - my)
        }
        return sxx == 0 || syy == 0 ? .nan : sxy / (sxx * syy).squareRoot()
    }

    /// Average ranks (ties share the mean of their positions), 1-based.
    static func ranks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var r = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            for k in i...j { r[order[k]] = Double(i + j) / 2 + 1 }
            i = j + 1
        }
        return r
    }

    static func spearman(_ x: [Double], _ y: [Double]) -> Double { pearson(ranks(x), ranks(y)) }

    /// Kendall's τ-b, which corrects for ties (judge scores tie a lot).
    static func kendallTauB(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count == y.count, x.count > 1 else { return .nan }
        var concordant = 0.0, discordant = 0.0, tiesX = 0.0, tiesY = 0.0
        for i in 0..<x.count {
            for j in (i + 1)..<x.count {
                let dx = x[i] - x[j], dy = y[i] - y[j]
                if dx == 0 && dy == 0 { continue }
                if dx == 0 {
                    tiesX += 1
                } else if dy == 0 {
                    tiesY += 1
                } else if (dx > 0) == (dy > 0) {
                    concordant += 1
                } else {
                    discordant += 1
                }
            }
        }
        let denom = ((concordant + discordant + tiesX) * (concordant + discordant + tiesY)).squareRoot()
        return denom == 0 ? .nan : (concordant - discordant) / denom
    }

    /// Cohen's κ between two label sequences: (observed − chance agreement) / (1 − chance agreement).
    static func cohenKappa(_ a: [String], _ b: [String]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .nan }
        let n = Double(a.count)
        let observed = Double(zip(a, b).filter { $0 == $1 }.count) / n
        var ca: [String: Double] = [:], cb: [String: Double] = [:]
        for l in a { ca[l, default: 0] += 1 }
        for l in b { cb[l, default: 0] += 1 }
        let chance = Set(ca.keys).union(cb.keys).reduce(0.0) { $0 + (ca[$1] ?? 0) / n * (cb[$1] ?? 0) / n }
        return chance == 1 ? (observed == 1 ? 1 : .nan) : (observed - chance) / (1 - chance)
    }
}
