#ifndef CAPSIM_CGSL_SAMPLERS_H
#define CAPSIM_CGSL_SAMPLERS_H

// Exact Poisson and binomial variates on a GSL generator's uniforms, for Monte Carlo's
// flows: millions of draws whose parameters change with every call. Written in C so that
// each is a handful of instructions around its uniforms, calling nothing but log and exp.
// GSLKit wraps each function once (Binomial.swift, Poisson.swift, RandomGenerator.swift).

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <gsl/gsl_rng.h>

// L'Ecuyer's taus2 step, as GSL's rng/taus.c writes it, on the state of a generator made
// with gsl_rng_taus2 (GSL keeps it as three unsigned longs). The same numbers as
// gsl_rng_uniform, without its two calls through function pointers. Tested against
// gsl_rng_uniform (RandomnessTests).
typedef struct { unsigned long s1, s2, s3; } capsim_taus_state;

static inline double capsim_taus_uniform(void *vstate) {
    capsim_taus_state *state = (capsim_taus_state *)vstate;
#define CAPSIM_TAUSWORTHE(s, a, b, c, d) \
    ((((s) & (c)) << (d)) & 0xffffffffUL) ^ (((((s) << (a)) & 0xffffffffUL) ^ (s)) >> (b))
    state->s1 = CAPSIM_TAUSWORTHE(state->s1, 13, 19, 4294967294UL, 12);
    state->s2 = CAPSIM_TAUSWORTHE(state->s2, 2, 25, 4294967288UL, 4);
    state->s3 = CAPSIM_TAUSWORTHE(state->s3, 3, 11, 4294967280UL, 17);
#undef CAPSIM_TAUSWORTHE
    return (state->s1 ^ state->s2 ^ state->s3) / 4294967296.0;
}

// What a sampler draws from: a GSL generator, its taus2 state when it is one (stepped
// inline), and a table of log k! for k < CAPSIM_LOG_FACTORIAL_TABLE_SIZE.
typedef struct {
    gsl_rng *rng;
    void *taus;
    const double *log_factorials;
} capsim_sampler;

#define CAPSIM_LOG_FACTORIAL_TABLE_SIZE 4096

static inline double capsim_uniform(const capsim_sampler *s) {
    return s->taus ? capsim_taus_uniform(s->taus) : gsl_rng_uniform(s->rng);
}

// floor(x) for x >= 0 (every double from 2^52 up is whole).
static inline double capsim_floor_nonnegative(double x) {
    return x < 4503599627370496.0 ? (double)(int64_t)x : x;
}

// log k! for a whole k >= 0: the table, else Stirling's series to 1/k^5 (error below 1e-25 there).
static inline double capsim_log_factorial(const capsim_sampler *s, double k) {
    if (k < CAPSIM_LOG_FACTORIAL_TABLE_SIZE) return s->log_factorials[(int)k];
    const double half_log_two_pi = 0.91893853320467274178;
    double kp1 = k + 1, kp1sq = kp1 * kp1;
    return (k + 0.5) * log(kp1) - kp1 + half_log_two_pi
        + (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / kp1;
}

// Whether log(x) <= bound, for x >= 0. As 1 − 1/x <= log x <= x − 1, the logarithm is taken
// only when bound lies between the two. Where they settle it, they decide as the computed log
// would: they differ from log x by about (x − 1)²/2, far more than its rounding error, but
// within a few ulps of x = 1, where all three round alike.
static inline int capsim_log_at_most(double x, double bound) {
    if (x - 1 <= bound) return 1;
    if (1 - 1 / x > bound) return 0;
    return log(x) <= bound;
}

// Entries in a table's guide: one cache line of them.
#define CAPSIM_GUIDE_SIZE 32

// The CDF of Binomial(n, q) for one n, and a guide into it (Chen and Asau's): for u in
// [j/G, (j + 1)/G), G = CAPSIM_GUIDE_SIZE, the least k with cdf[k] > u is at least guide[j].
// Both in one block, the guide first: Monte Carlo draws from hundreds of tables, and a draw
// touches the guide's cache line and one or two of the CDF's (a guide of n + 1 entries, one
// per CDF entry, made draws slower: more lines, more cache misses).
typedef struct {
    uint16_t *guide;    // guide[j] = the least k with cdf[k] > j/G, j = 0 … G − 1
    double *cdf;        // cdf[k] = P(X <= k), k = 0 … n (rounded sums of the pmf: cdf[n] may miss 1)
} capsim_binomial_table;

// Tabulated draws for n up to this many trials.
#define CAPSIM_TABULATED_TRIALS 512

// The tables of one probability, one per number of trials n <= CAPSIM_TABULATED_TRIALS, each
// made on its first draw and kept until the tables are emptied for another probability.
typedef struct {
    double p;                          // the probability they are for (NaN while empty)
    capsim_binomial_table *by_trials;  // CAPSIM_TABULATED_TRIALS + 1 of them; NULL until a first draw
} capsim_binomial_tables;

// Frees every table (the tables are then empty, for any probability).
static inline void capsim_binomial_tables_empty(capsim_binomial_tables *tables) {
    if (tables->by_trials) {
        for (int n = 0; n <= CAPSIM_TABULATED_TRIALS; n++) free(tables->by_trials[n].guide);
        free(tables->by_trials);
        tables->by_trials = NULL;
    }
    tables->p = NAN;
}

// A probability of success with the constants its binomial draws reuse: Monte Carlo draws
// with the same few probabilities (churn per tier, conversion, activation) every month.
typedef struct {
    double p;          // the probability of success, in [0, 1]
    double q;          // min(p, 1 − p): the draw is of successes at q (failures when p > 1/2)
    double log_1mq;    // log(1 − q), so that (1 − q)^n = exp(n · log_1mq)
    double odds;       // q / (1 − q)
    double log_odds;   // log(q / (1 − q))
    capsim_binomial_tables *tables;  // tables for p, for draws of at most CAPSIM_TABULATED_TRIALS trials; or NULL
} capsim_binomial_probability;

static inline capsim_binomial_probability capsim_binomial_probability_make(double p) {
    capsim_binomial_probability result;
    result.p = p;
    result.q = p <= 0.5 ? p : 1 - p;
    result.log_1mq = log1p(-result.q);
    result.odds = result.q / (1 - result.q);
    result.log_odds = log(result.odds);
    result.tables = NULL;
    return result;
}

// Binomial(n, q) for q <= 1/2 and n·q < 10 by inversion: walk the pmf from 0,
// f(k+1) = f(k) · (n − k)/(k + 1) · q/(1 − q), starting at f(0) = (1 − q)^n. A walk that
// passes 110 (rounding left u above the pmf's tail) starts again with a new uniform, as GSL does.
static inline double capsim_binomial_inversion(const capsim_sampler *s, double n, const capsim_binomial_probability *bp) {
    double f0 = exp(n * bp->log_1mq);
    for (;;) {
        double u = capsim_uniform(s), f = f0;
        for (double k = 0; k <= 110; k += 1) {
            if (u < f) return k;
            u -= f;
            f *= bp->odds * (n - k) / (k + 1);
        }
    }
}

// Binomial(n, q) for q <= 1/2 and n·q >= 10 by Hörmann's transformed rejection with squeeze
// (BTRS): W. Hörmann, "The generation of binomial random variates", Journal of Statistical
// Computation and Simulation 46 (1993) 101–110, as PyTorch's sample_binomial_btrs writes it.
// A candidate outside the squeeze is tested against log f(k)/f(m), m the mode, from the
// log-factorial table; the constants of that test are found on the first draw that needs them.
static inline double capsim_binomial_btrs(const capsim_sampler *s, double n, const capsim_binomial_probability *bp) {
    double p = bp->q;
    double spq = sqrt(n * p * (1 - p));
    double b = 1.15 + 2.53 * spq;
    double a = -0.0873 + 0.0248 * b + 0.01 * p;
    double c = n * p + 0.5;
    double vr = 0.92 - 4.2 / b;
    double alpha = 0, at_mode = NAN;
    for (;;) {
        double u = capsim_uniform(s) - 0.5;
        double v = capsim_uniform(s);
        double us = 0.5 - fabs(u);
        double x = (2 * a / us + b) * u + c;
        if (x < 0) continue;
        double k = capsim_floor_nonnegative(x);
        if (k > n) continue;
        if (us >= 0.07 && v <= vr) return k;
        if (isnan(at_mode)) {
            alpha = (2.83 + 5.1 / b) * spq;
            double m = capsim_floor_nonnegative((n + 1) * p);
            at_mode = capsim_log_factorial(s, m) + capsim_log_factorial(s, n - m) - m * bp->log_odds;
        }
        // log f(k)/f(m) = log m! + log (n − m)! − log k! − log (n − k)! + (k − m) log(q/(1 − q))
        double bound = at_mode - capsim_log_factorial(s, k) - capsim_log_factorial(s, n - k) + k * bp->log_odds;
        if (capsim_log_at_most(v * alpha / (a / (us * us) + b), bound)) return k;
    }
}

// Makes the table of Binomial(n, q): the pmf from f(0) = (1 − q)^n (at least 2^-512 for
// n <= 512) by f(k+1) = f(k) · (n − k)/(k + 1) · q/(1 − q), summed in order. Not inline: it
// runs once per (probability, n) in a worker, and allocates.
static void capsim_binomial_table_make(capsim_binomial_table *table, int n, const capsim_binomial_probability *bp) {
    _Static_assert(CAPSIM_GUIDE_SIZE * sizeof(uint16_t) % 64 == 0, "the CDF starts on a cache line after the guide");
    _Static_assert(CAPSIM_TABULATED_TRIALS <= UINT16_MAX, "guide entries are 16-bit");
    size_t bytes = CAPSIM_GUIDE_SIZE * sizeof(uint16_t) + (size_t)(n + 1) * sizeof(double);
    uint16_t *guide = aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (!guide) abort();  // out of memory, as Swift's own allocations treat it
    double *cdf = (double *)(guide + CAPSIM_GUIDE_SIZE);
    double f = exp(n * bp->log_1mq), sum = 0;
    for (int k = 0; k <= n; k++) {
        sum += f;
        cdf[k] = sum;
        f *= bp->odds * (n - k) / (k + 1);
    }
    int k = 0;
    for (int j = 0; j < CAPSIM_GUIDE_SIZE; j++) {
        while (k < n && cdf[k] <= (double)j / CAPSIM_GUIDE_SIZE) k++;
        guide[j] = (uint16_t)k;
    }
    table->cdf = cdf;
    table->guide = guide;
}

// Binomial(n, q) for q <= 1/2 and n <= CAPSIM_TABULATED_TRIALS by inversion of the tabulated
// CDF: a uniform u gives the least k with cdf[k] > u, searched from guide[⌊u·G⌋] (a step or
// two on average, more in the tails). A u at or above cdf[n] (rounding left the sum short of 1) is
// drawn again. The result depends only on (n, q) and the uniforms, never on which tables
// were already made.
static inline double capsim_binomial_tabulated(const capsim_sampler *s, int n, const capsim_binomial_probability *bp) {
    capsim_binomial_tables *tables = bp->tables;
    if (!tables->by_trials) {
        tables->by_trials = calloc(CAPSIM_TABULATED_TRIALS + 1, sizeof(capsim_binomial_table));
        if (!tables->by_trials) abort();
    }
    capsim_binomial_table *table = &tables->by_trials[n];
    if (!table->guide) capsim_binomial_table_make(table, n, bp);
    for (;;) {
        double u = capsim_uniform(s);
        int k = table->guide[(int)(u * CAPSIM_GUIDE_SIZE)];
        while (k < n && table->cdf[k] <= u) k++;
        if (u < table->cdf[k]) return k;
    }
}

// x made a whole number without bias: ⌊x⌋, plus 1 with probability x − ⌊x⌋ (a uniform is
// drawn only when x has a fraction); then at most `largest`. Monte Carlo's counts are whole
// but for stocks fed by fractional inputs (initial users, waitlist joins).
static inline double capsim_whole(const capsim_sampler *s, double x, double largest) {
    double whole = x >= 0 ? capsim_floor_nonnegative(x) : floor(x);
    double fraction = x - whole;
    if (fraction > 0 && capsim_uniform(s) < fraction) whole += 1;
    return largest < whole ? largest : whole;
}

// Successes in n trials (a whole number, n >= 0) of probability bp->p, on q = min(p, 1 − p):
// from bp's tables when it has them and n <= CAPSIM_TABULATED_TRIALS; else inversion for
// small means, BTRS above.
static inline double capsim_binomial(const capsim_sampler *s, double n, const capsim_binomial_probability *bp) {
    if (n <= 0 || bp->p <= 0) return 0;
    if (bp->p >= 1) return n;
    double k = bp->tables && n <= CAPSIM_TABULATED_TRIALS ? capsim_binomial_tabulated(s, (int)n, bp)
        : n * bp->q < 10 ? capsim_binomial_inversion(s, n, bp) : capsim_binomial_btrs(s, n, bp);
    return bp->p <= 0.5 ? k : n - k;
}

// Successes among `count` trials of probability bp->p, count made whole by capsim_whole
// (0 when count is not positive).
static inline double capsim_binomial_of_count(const capsim_sampler *s, double count, double largest,
                                              const capsim_binomial_probability *bp) {
    if (!(count > 0) || bp->p <= 0) return 0;
    return capsim_binomial(s, capsim_whole(s, count, largest), bp);
}

// Poisson(mu) for mu >= 0: Knuth's multiplication method below 10; above, Hörmann's
// transformed rejection with squeeze (PTRS): W. Hörmann, "The transformed rejection method
// for generating Poisson random variables", Insurance: Mathematics and Economics 12 (1993)
// 39–45, as NumPy writes it, with log k! from the table.
static inline double capsim_poisson(const capsim_sampler *s, double mu) {
    if (mu <= 0) return 0;
    if (mu < 10) {
        double limit = exp(-mu), product = capsim_uniform(s), count = 0;
        while (product > limit) {
            count += 1;
            product *= capsim_uniform(s);
        }
        return count;
    }
    double slam = sqrt(mu);
    double b = 0.931 + 2.53 * slam;
    double a = -0.059 + 0.02483 * b;
    double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    double vr = 0.9277 - 3.6224 / (b - 2);
    double log_mu = NAN;
    for (;;) {
        double u = capsim_uniform(s) - 0.5;
        double v = capsim_uniform(s);
        double us = 0.5 - fabs(u);
        double x = (2 * a / us + b) * u + mu + 0.43;
        if (x < 0) continue;
        double k = capsim_floor_nonnegative(x);
        if (us >= 0.07 && v <= vr) return k;
        if (us < 0.013 && v > us) continue;
        if (isnan(log_mu)) log_mu = log(mu);
        if (capsim_log_at_most(v * inv_alpha / (a / (us * us) + b), -mu + k * log_mu - capsim_log_factorial(s, k))) return k;
    }
}

#endif
