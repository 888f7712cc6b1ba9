#ifndef CAPSIM_CGSL_SHIM_H
#define CAPSIM_CGSL_SHIM_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_cdf.h>

// GSL's generator types are C globals, which Swift 6 refuses to read directly
// (they are mutable shared state to the compiler). These accessors return them.
static inline const gsl_rng_type *capsim_rng_taus2(void) { return gsl_rng_taus2; }
static inline const gsl_rng_type *capsim_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *capsim_rng_gfsr4(void) { return gsl_rng_gfsr4; }
static inline const gsl_rng_type *capsim_rng_ranlxd2(void) { return gsl_rng_ranlxd2; }

// L'Ecuyer's taus2 step, as GSL's rng/taus.c writes it, on the state of a generator made
// with gsl_rng_taus2 (GSL keeps it as three unsigned longs). The same numbers as
// gsl_rng_uniform, without its two calls through function pointers: Monte Carlo draws
// tens of millions of uniforms. Tested against gsl_rng_uniform (RandomnessTests).
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

#endif
