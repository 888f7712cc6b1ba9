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
