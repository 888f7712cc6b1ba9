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
#include <gsl/gsl_multifit_nlinear.h>

// GSL's generator types are C globals, which Swift 6 refuses to read directly
// (they are mutable shared state to the compiler). These accessors return them.
static inline const gsl_rng_type *capsim_rng_taus2(void) { return gsl_rng_taus2; }
static inline const gsl_rng_type *capsim_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *capsim_rng_gfsr4(void) { return gsl_rng_gfsr4; }
static inline const gsl_rng_type *capsim_rng_ranlxd2(void) { return gsl_rng_ranlxd2; }
static inline const gsl_multifit_nlinear_type *capsim_multifit_nlinear_trust(void) { return gsl_multifit_nlinear_trust; }

#include "samplers.h"

#endif
