@preconcurrency import CGSL

/// Non-linear least squares by GSL's trust-region solver (`gsl_multifit_nlinear`,
/// Levenberg–Marquardt steps, a forward-difference Jacobian).
public enum NonlinearLeastSquares {
    /// The optimum one start reached.
    public struct Fit: Sendable {
        /// The parameters at the optimum.
        public var position: [Double]
        /// The residuals there.
        public var residuals: [Double]
        /// Σ residual².
        public var sumOfSquares: Double
        /// ∂residual_i/∂position_j there, row-major (n rows of p).
        public var jacobian: [Double]
        /// (JᵀJ)⁻¹ (`gsl_multifit_nlinear_covar`), row-major p × p; multiply by s² for the covariance.
        public var inverseNormal: [Double]
        public var iterations: Int
        /// Whether a tolerance was met within the iteration limit.
        public var converged: Bool
    }

    /// Minimises Σ residuals(x)² from `start`. `residuals` fills its second argument
    /// (`count` values) for the parameters in the first; it must always give finite values.
    /// - Returns: nil when GSL cannot start (a non-finite residual at the start).
    public static func minimize(start: [Double], count: Int, maxIterations: Int = 100,
                                residuals: ([Double], inout [Double]) -> Void) -> Fit? {
        _ = GSL.errorHandlerDisabled
        let p = start.count, n = count
        precondition(p > 0 && n >= p, "least squares needs at least as many residuals as parameters")
        return withoutActuallyEscaping(residuals) { body in
            let context = Context(body: body, parameters: p, residuals: n)
            // GSL's callback is a C function pointer: the context travels as `params`. Sound
            // because the context is retained here and released only after the driver (the
            // last call that can invoke the callback) has returned, and one fit uses it alone.
            let retained = Unmanaged.passRetained(context)
            defer { retained.release() }
            var fdf = gsl_multifit_nlinear_fdf()
            fdf.f = { x, params, f in
                guard let x, let params, let f else { return Int32(GSL_EINVAL) }
                let context = Unmanaged<Context>.fromOpaque(params).takeUnretainedValue()
                for j in 0..<context.position.count { context.position[j] = gsl_vector_get(x, j) }
                context.body(context.position, &context.values)
                for i in 0..<context.values.count {
                    guard context.values[i].isFinite else { return Int32(GSL_EDOM) }
                    gsl_vector_set(f, i, context.values[i])
                }
                return Int32(GSL_SUCCESS)
            }
            fdf.df = nil
            fdf.fvv = nil
            fdf.n = n
            fdf.p = p
            fdf.params = retained.toOpaque()
            var settings = gsl_multifit_nlinear_default_parameters()
            guard let workspace = gsl_multifit_nlinear_alloc(capsim_multifit_nlinear_trust(), &settings, n, p),
                  let x0 = gsl_vector_alloc(p), let inverse = gsl_matrix_alloc(p, p) else { return nil }
            defer {
                gsl_multifit_nlinear_free(workspace)
                gsl_vector_free(x0)
                gsl_matrix_free(inverse)
            }
            for j in 0..<p { gsl_vector_set(x0, j, start[j]) }
            guard gsl_multifit_nlinear_init(x0, &fdf, workspace) == Int32(GSL_SUCCESS) else { return nil }
            var info: Int32 = 0
            let status = gsl_multifit_nlinear_driver(maxIterations, 1e-10, 1e-10, 0, nil, nil, &info, workspace)
            let position = gsl_multifit_nlinear_position(workspace)
            let f = gsl_multifit_nlinear_residual(workspace)
            let jacobian = gsl_multifit_nlinear_jac(workspace)
            _ = gsl_multifit_nlinear_covar(jacobian, 0, inverse)
            var fit = Fit(position: (0..<p).map { gsl_vector_get(position, $0) },
                          residuals: (0..<n).map { gsl_vector_get(f, $0) }, sumOfSquares: 0,
                          jacobian: (0..<n * p).map { gsl_matrix_get(jacobian, $0 / p, $0 % p) },
                          inverseNormal: (0..<p * p).map { gsl_matrix_get(inverse, $0 / p, $0 % p) },
                          iterations: Int(gsl_multifit_nlinear_niter(workspace)),
                          converged: status == Int32(GSL_SUCCESS))
            fit.sumOfSquares = fit.residuals.reduce(0) { $0 + $1 * $1 }
            return fit
        }
    }

    /// The fit's figures at `position` without moving from it: the residuals, a
    /// forward-difference Jacobian (steps as GSL's: √ε·|x_j|, or √ε at 0) and (JᵀJ)⁻¹.
    /// `iterations` is 0 and `converged` true. For a point chosen by other means than the
    /// solver (a constrained optimum), whose uncertainty is wanted.
    public static func evaluate(at position: [Double], count: Int,
                                residuals: ([Double], inout [Double]) -> Void) -> Fit {
        _ = GSL.errorHandlerDisabled
        let p = position.count, n = count
        precondition(p > 0 && n >= p, "least squares needs at least as many residuals as parameters")
        var values = Array(repeating: 0.0, count: n)
        residuals(position, &values)
        var jacobian = Array(repeating: 0.0, count: n * p)
        var moved = position, shifted = values
        let root = Double.ulpOfOne.squareRoot()
        for j in 0..<p {
            let step = position[j] == 0 ? root : root * abs(position[j])
            moved[j] = position[j] + step
            residuals(moved, &shifted)
            moved[j] = position[j]
            for i in 0..<n { jacobian[i * p + j] = (shifted[i] - values[i]) / step }
        }
        var inverseNormal = Array(repeating: Double.nan, count: p * p)
        if let matrix = gsl_matrix_alloc(n, p), let inverse = gsl_matrix_alloc(p, p) {
            defer {
                gsl_matrix_free(matrix)
                gsl_matrix_free(inverse)
            }
            for index in 0..<(n * p) { gsl_matrix_set(matrix, index / p, index % p, jacobian[index]) }
            if gsl_multifit_nlinear_covar(matrix, 0, inverse) == Int32(GSL_SUCCESS) {
                inverseNormal = (0..<p * p).map { gsl_matrix_get(inverse, $0 / p, $0 % p) }
            }
        }
        return Fit(position: position, residuals: values, sumOfSquares: values.reduce(0) { $0 + $1 * $1 },
                   jacobian: jacobian, inverseNormal: inverseNormal, iterations: 0, converged: true)
    }

    /// What the C callback reads: the closure and its buffers (one fit at a time uses it).
    private final class Context {
        let body: ([Double], inout [Double]) -> Void
        var position: [Double]
        var values: [Double]

        init(body: @escaping ([Double], inout [Double]) -> Void, parameters: Int, residuals: Int) {
            self.body = body
            position = Array(repeating: 0, count: parameters)
            values = Array(repeating: 0, count: residuals)
        }
    }
}
