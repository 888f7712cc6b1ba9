@preconcurrency import CGSL

/// Descriptive statistics (`gsl_sort`, `gsl_stats_*`).
public enum Statistics {
    /// Sorts `values` in place, ascending (`gsl_sort`).
    public static func sort(_ values: inout [Double]) {
        _ = GSL.errorHandlerDisabled
        values.withUnsafeMutableBufferPointer { buffer in
            gsl_sort(buffer.baseAddress, 1, buffer.count)
        }
    }

    /// The quantile `fraction` (0…1) of ascending `sorted` values, interpolated as
    /// `gsl_stats_quantile_from_sorted_data` does; nil for no values.
    public static func quantile(sorted: [Double], fraction: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        return sorted.withUnsafeBufferPointer { buffer in
            gsl_stats_quantile_from_sorted_data(buffer.baseAddress, 1, buffer.count, fraction)
        }
    }

    /// Arithmetic mean (`gsl_stats_mean`); nil for no values.
    public static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.withUnsafeBufferPointer { gsl_stats_mean($0.baseAddress, 1, $0.count) }
    }

    /// Sample standard deviation (`gsl_stats_sd`); nil for fewer than two values.
    public static func standardDeviation(_ values: [Double]) -> Double? {
        guard values.count > 1 else { return nil }
        return values.withUnsafeBufferPointer { gsl_stats_sd($0.baseAddress, 1, $0.count) }
    }
}

extension Statistics {
    /// Clopper–Pearson bounds for a binomial proportion from `successes` of `trials`: each
    /// bound holds with one-sided probability `confidence` (`gsl_cdf_beta_Pinv`).
    public static func binomialConfidenceBounds(successes k: Int, trials n: Int,
                                                confidence: Double) -> (lower: Double, upper: Double) {
        _ = GSL.errorHandlerDisabled
        let alpha = 1 - confidence
        let lower = k == 0 ? 0 : gsl_cdf_beta_Pinv(alpha, Double(k), Double(n - k + 1))
        let upper = k == n ? 1 : gsl_cdf_beta_Pinv(1 - alpha, Double(k + 1), Double(n - k))
        return (lower, upper)
    }
}

/// Least-squares fits (`gsl_fit_linear`).
public enum Fit {
    /// y = c0 + c1·x by least squares, with R²; nil for fewer than two distinct x.
    public static func linear(x: [Double], y: [Double]) -> (intercept: Double, slope: Double, r2: Double)? {
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
        return (c0, c1, total > 0 ? 1 - sumsq / total : 1)
    }
}
