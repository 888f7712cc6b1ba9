@preconcurrency import CGSL

/// Descriptive statistics (`gsl_stats_*`).
public enum Statistics {
    /// The quantiles `fractions` (each 0…1) of `values`, interpolated as
    /// `gsl_stats_quantile_from_sorted_data` does, which computes them; nil for no values.
    ///
    /// That function reads two neighbouring ranks of sorted data per fraction. Instead of
    /// sorting, `values` is rearranged so that exactly those ranks hold what a full sort
    /// would put there (a multiple selection, as NumPy's `percentile` does with
    /// `partition`): linear time instead of n log n, and the same quantiles. `values` must
    /// hold no NaN.
    public static func quantiles(_ values: inout [Double], fractions: [Double]) -> [Double]? {
        let count = values.count
        guard count > 0 else { return nil }
        var ranks: [Int] = []
        for fraction in fractions {
            let lower = Int(fraction * Double(count - 1))
            ranks.append(lower)
            if lower + 1 < count { ranks.append(lower + 1) }
        }
        ranks = Array(Set(ranks)).sorted()
        return values.withUnsafeMutableBufferPointer { buffer in
            // Introselect: past 2 log2(n) levels a range is sorted instead (n log n at worst).
            select(buffer, 0, count, ranks: ranks[...], depth: 2 * (Int.bitWidth - count.leadingZeroBitCount))
            return fractions.map { gsl_stats_quantile_from_sorted_data(buffer.baseAddress, 1, count, $0) }
        }
    }

    /// Puts into each of `ranks` (ascending, all in `lower..<upper`) the value a sort of
    /// `values[lower..<upper]` would put there, by three-way partitions around a median of three.
    private static func select(_ values: UnsafeMutableBufferPointer<Double>, _ lower: Int, _ upper: Int,
                               ranks: ArraySlice<Int>, depth: Int) {
        guard !ranks.isEmpty else { return }
        if upper - lower <= 16 || depth == 0 {
            var range = UnsafeMutableBufferPointer(rebasing: values[lower..<upper])
            range.sort()
            return
        }
        let first = values[lower], middle = values[lower + (upper - lower) / 2], last = values[upper - 1]
        let pivot = max(min(first, middle), min(max(first, middle), last))
        // [lower, less) < pivot, [less, index) == pivot, [greater, upper) > pivot
        var less = lower, index = lower, greater = upper
        while index < greater {
            let value = values[index]
            if value < pivot {
                values.swapAt(less, index)
                less += 1
                index += 1
            } else if value > pivot {
                greater -= 1
                values.swapAt(index, greater)
            } else {
                index += 1
            }
        }
        let leftEnd = ranks.firstIndex { $0 >= less } ?? ranks.endIndex
        let rightStart = ranks.firstIndex { $0 >= greater } ?? ranks.endIndex
        select(values, lower, less, ranks: ranks[..<leftEnd], depth: depth - 1)
        select(values, greater, upper, ranks: ranks[rightStart...], depth: depth - 1)
    }

    /// Arithmetic mean (`gsl_stats_mean`); nil for no values.
    public static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.withUnsafeBufferPointer { gsl_stats_mean($0.baseAddress, 1, $0.count) }
    }

    /// Spearman's rank correlation of `x` and `y` (as `gsl_stats_spearman`: the Pearson
    /// correlation of ranks, ties at their average rank); nil for fewer than two pairs or when
    /// either series is constant.
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double? {
        precondition(x.count == y.count, "series of different lengths")
        return pearson(ranks(x), ranks(y))
    }

    /// The rank of each value, 1 for the least; tied values share their average rank (the
    /// ranks `gsl_stats_spearman` correlates, which GSL does not expose). Ranking a series
    /// once lets it be correlated with many others without sorting it again.
    public static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, values[order[end]] == values[order[start]] { end += 1 }
            let average = Double(start + 1 + end) / 2   // ranks start + 1 … end
            for position in start..<end { ranks[order[position]] = average }
            start = end
        }
        return ranks
    }

    /// Pearson's correlation of `x` and `y` (`gsl_stats_correlation`); nil for fewer than two
    /// pairs or when either series is constant.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        precondition(x.count == y.count, "series of different lengths")
        guard x.count >= 2, x.contains(where: { $0 != x[0] }), y.contains(where: { $0 != y[0] }) else { return nil }
        // The pointers live only for the call; GSL reads x.count elements of each (equal lengths checked).
        let r = x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in gsl_stats_correlation(xs.baseAddress, 1, ys.baseAddress, 1, x.count) }
        }
        return r.isFinite ? r : nil
    }

    /// Sample standard deviation (`gsl_stats_sd`); nil for fewer than two values.
    public static func standardDeviation(_ values: [Double]) -> Double? {
        guard values.count > 1 else { return nil }
        return values.withUnsafeBufferPointer { gsl_stats_sd($0.baseAddress, 1, $0.count) }
    }
}

extension Statistics {
    /// Clopper–Pearson bounds for a binomial proportion from `successes` of `trials`: each
    /// bound holds with one-sided probability `confidence`. The bounds are quantiles of beta
    /// distributions, found by bisection on the CDF (`gsl_cdf_beta_P`, monotone in x):
    /// `gsl_cdf_beta_Pinv` returns NaN for large counts (28,083 of 32,000 at 0.99).
    public static func binomialConfidenceBounds(successes k: Int, trials n: Int,
                                                confidence: Double) -> (lower: Double, upper: Double) {
        let alpha = 1 - confidence
        let lower = k <= 0 ? 0 : betaQuantile(alpha, Double(k), Double(n - k + 1))
        let upper = k >= n ? 1 : betaQuantile(1 - alpha, Double(k + 1), Double(n - k))
        return (lower, upper)
    }

    /// The p-quantile of Beta(a, b) by bisection on its CDF, to the last bit of [0, 1].
    public static func betaQuantile(_ p: Double, _ a: Double, _ b: Double) -> Double {
        _ = GSL.errorHandlerDisabled
        var low = 0.0, high = 1.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            guard middle > low, middle < high else { break }
            // Far in a tail of a beta with huge a and b, GSL's CDF can come back NaN (its
            // error handler is off): there the CDF is 0 below the mean and 1 above it.
            var cdf = gsl_cdf_beta_P(middle, a, b)
            if !cdf.isFinite { cdf = middle < a / (a + b) ? 0 : 1 }
            if cdf < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}

/// A straight line fitted by least squares, y = intercept + slope·x, with the covariance of
/// its two coefficients (from the residuals' variance, as `gsl_fit_linear` gives it).
public struct LinearFit: Sendable {
    public var intercept: Double
    public var slope: Double
    /// 1 − residual sum of squares / total sum of squares (1 when y is constant).
    public var r2: Double
    /// Var(intercept), Cov(intercept, slope), Var(slope).
    public var covariance: (c00: Double, c01: Double, c11: Double)
    /// Points fitted.
    public var count: Int

    public init(intercept: Double, slope: Double, r2: Double, covariance: (c00: Double, c01: Double, c11: Double), count: Int) {
        self.intercept = intercept
        self.slope = slope
        self.r2 = r2
        self.covariance = covariance
        self.count = count
    }

    /// The fitted line at x.
    public func value(at x: Double) -> Double { intercept + slope * x }

    /// The standard error of the fitted line at x: √(c00 + 2x·c01 + x²·c11).
    public func standardError(at x: Double) -> Double {
        (max(0, covariance.c00 + 2 * x * covariance.c01 + x * x * covariance.c11)).squareRoot()
    }

    /// The two-sided `level` confidence interval of the line at x, from Student's t with
    /// count − 2 degrees of freedom; nil with fewer than three points.
    public func interval(at x: Double, level: Double) -> (low: Double, high: Double)? {
        guard count > 2 else { return nil }
        let t = InverseCDF.studentT(0.5 + level / 2, degreesOfFreedom: Double(count - 2))
        let half = t * standardError(at: x)
        return (value(at: x) - half, value(at: x) + half)
    }
}

/// Least-squares fits (`gsl_fit_linear`).
public enum Fit {
    /// y = c0 + c1·x by least squares, with R² and the coefficients' covariance; nil for
    /// fewer than two distinct x.
    public static func linear(x: [Double], y: [Double]) -> LinearFit? {
        _ = GSL.errorHandlerDisabled
        guard x.count == y.count, x.count >= 2, Set(x).count >= 2 else { return nil }
        var c0 = 0.0, c1 = 0.0, cov00 = 0.0, cov01 = 0.0, cov11 = 0.0, sumsq = 0.0
        let status = x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                gsl_fit_linear(xs.baseAddress, 1, ys.baseAddress, 1, x.count, &c0, &c1, &cov00, &cov01, &cov11, &sumsq)
            }
        }
        guard status == 0 else { return nil }
        let mean = y.reduce(0, +) / Double(y.count)
        let total = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return LinearFit(intercept: c0, slope: c1, r2: total > 0 ? 1 - sumsq / total : 1,
                         covariance: (cov00, cov01, cov11), count: x.count)
    }
}

/// Quantile functions, the inverse CDFs (`gsl_cdf_*_Pinv`).
public enum InverseCDF {
    /// z_p of the standard normal (`gsl_cdf_ugaussian_Pinv`).
    public static func standardNormal(_ p: Double) -> Double {
        _ = GSL.errorHandlerDisabled
        return gsl_cdf_ugaussian_Pinv(p)
    }

    /// The p-quantile of Student's t with `degreesOfFreedom` (`gsl_cdf_tdist_Pinv`).
    public static func studentT(_ p: Double, degreesOfFreedom: Double) -> Double {
        _ = GSL.errorHandlerDisabled
        return gsl_cdf_tdist_Pinv(p, degreesOfFreedom)
    }

    /// The p-quantile of Beta(a, b) (`gsl_cdf_beta_Pinv`).
    public static func beta(_ p: Double, _ a: Double, _ b: Double) -> Double {
        _ = GSL.errorHandlerDisabled
        return gsl_cdf_beta_Pinv(p, a, b)
    }
}
