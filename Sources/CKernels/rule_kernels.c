#include "ckernels.h"
#include <math.h>

// The weighted block-coordinate fit's one kernel. It runs at -O0 in debug builds too, where the
// same loops in Swift were far slower; release builds vectorise the inner column loops.

static void buckets_of(long i, long k, const long *divisors, const long *moduli, long *buckets) {
  for (long l = 0; l < k; l++) buckets[l] = (i / divisors[l]) % moduli[l];
}

// The product of every partition but j, for column c, of id with `buckets`.
static inline double others(long k, long j, double *const *tables, const long *buckets, long width, long c) {
  double p = 1;
  for (long l = 0; l < k; l++) {
    if (l != j) p *= tables[l][buckets[l] * width + c];
  }
  return p;
}

void ck_rule_block_update(long rows, long width, long c0, long c1, long k, const long *divisors,
                          const long *moduli, double *const *tables, long j, int additive, double *residual,
                          const double *weights, double *numerator, double *denominator, double *error) {
  long buckets[64];
  if (k > 64 || c1 <= c0) return;
  double *target = tables[j];
  for (long b = 0; b < moduli[j]; b++) {
    for (long c = c0; c < c1; c++) {
      numerator[b * width + c] = 0;
      denominator[b * width + c] = 0;
    }
  }
  for (long i = 0; i < rows; i++) {
    double w = weights ? weights[i] : 1;
    buckets_of(i, k, divisors, moduli, buckets);
    double *r = residual + i * width;
    long row = buckets[j] * width;
    double *num = numerator + row, *den = denominator + row;
    const double *tj = target + row;
    if (additive) {
      for (long c = c0; c < c1; c++) {
        double v = r[c] + tj[c];
        r[c] = v;
        num[c] += w * v;
        den[c] += w;
      }
    } else {
      for (long c = c0; c < c1; c++) {
        double p = others(k, j, tables, buckets, width, c);
        double v = r[c] + p * tj[c];
        r[c] = v;
        num[c] += w * v * p;
        den[c] += w * p * p;
      }
    }
  }
  for (long b = 0; b < moduli[j]; b++) {
    for (long c = c0; c < c1; c++) {
      double d = denominator[b * width + c];
      if (d > 0) target[b * width + c] = numerator[b * width + c] / d;
    }
  }
  for (long c = c0; c < c1; c++) error[c] = 0;
  for (long i = 0; i < rows; i++) {
    double w = weights ? weights[i] : 1;
    buckets_of(i, k, divisors, moduli, buckets);
    double *r = residual + i * width;
    const double *tj = target + buckets[j] * width;
    for (long c = c0; c < c1; c++) {
      double p = additive ? 1 : others(k, j, tables, buckets, width, c);
      double v = r[c] - p * tj[c];
      r[c] = v;
      error[c] += w * v * v;
    }
  }
}

void ck_rule_subtract_term(long rows, long width, long c0, long c1, long k, const long *divisors,
                           const long *moduli, double *const *tables, int additive, double *residual) {
  long buckets[64];
  if (k > 64 || c1 <= c0) return;
  for (long i = 0; i < rows; i++) {
    buckets_of(i, k, divisors, moduli, buckets);
    double *r = residual + i * width;
    for (long c = c0; c < c1; c++) {
      double v = tables[0][buckets[0] * width + c];
      for (long l = 1; l < k; l++) {
        double t = tables[l][buckets[l] * width + c];
        v = additive ? v + t : v * t;
      }
      r[c] -= v;
    }
  }
}

// Solves the R × R system a·x = b in place (Gaussian elimination, partial pivoting); returns 0
// when a pivot vanishes.
static int solve_small(long n, double *a, double *b) {
  for (long col = 0; col < n; col++) {
    long pivot = col;
    for (long r = col + 1; r < n; r++) {
      if (fabs(a[r * n + col]) > fabs(a[pivot * n + col])) pivot = r;
    }
    if (a[pivot * n + col] == 0) return 0;
    if (pivot != col) {
      for (long c = 0; c < n; c++) {
        double t = a[col * n + c]; a[col * n + c] = a[pivot * n + c]; a[pivot * n + c] = t;
      }
      double t = b[col]; b[col] = b[pivot]; b[pivot] = t;
    }
    for (long r = col + 1; r < n; r++) {
      double f = a[r * n + col] / a[col * n + col];
      for (long c = col; c < n; c++) a[r * n + c] -= f * a[col * n + c];
      b[r] -= f * b[col];
    }
  }
  for (long r = n - 1; r >= 0; r--) {
    double s = b[r];
    for (long c = r + 1; c < n; c++) s -= a[r * n + c] * b[c];
    b[r] = s / a[r * n + r];
  }
  return 1;
}

void ck_rule_joint_update(long rows, long width, long c0, long c1, long k, long terms, const long *divisors,
                          const long *moduli, double *const *tables, long j, double *residual,
                          const double *weights, double *normal, double *right, double *error) {
  long buckets[64];
  double p[16], a[256], x[16];
  if (k > 64 || terms > 16 || c1 <= c0) return;
  long rr = terms * terms;
  for (long b = 0; b < moduli[j]; b++) {
    for (long c = c0; c < c1; c++) {
      for (long e = 0; e < rr; e++) normal[(b * width + c) * rr + e] = 0;
      for (long e = 0; e < terms; e++) right[(b * width + c) * terms + e] = 0;
    }
  }
  for (long i = 0; i < rows; i++) {
    double w = weights ? weights[i] : 1;
    buckets_of(i, k, divisors, moduli, buckets);
    double *res = residual + i * width;
    long row = buckets[j] * width;
    for (long c = c0; c < c1; c++) {
      double v = res[c];
      for (long r = 0; r < terms; r++) {
        p[r] = others(k, j, tables + r * k, buckets, width, c);
        v += p[r] * tables[r * k + j][row + c];
      }
      res[c] = v;
      double *nm = normal + (row + c) * rr, *rt = right + (row + c) * terms;
      for (long r = 0; r < terms; r++) {
        double wp = w * p[r];
        rt[r] += wp * v;
        for (long s = 0; s < terms; s++) nm[r * terms + s] += wp * p[s];
      }
    }
  }
  for (long b = 0; b < moduli[j]; b++) {
    for (long c = c0; c < c1; c++) {
      double *nm = normal + (b * width + c) * rr, *rt = right + (b * width + c) * terms;
      double trace = 0;
      for (long r = 0; r < terms; r++) trace += nm[r * terms + r];
      if (!(trace > 0)) continue;
      for (long e = 0; e < rr; e++) a[e] = nm[e];
      for (long r = 0; r < terms; r++) {
        a[r * terms + r] += 1e-12 * trace;
        x[r] = rt[r];
      }
      if (!solve_small(terms, a, x)) continue;
      for (long r = 0; r < terms; r++) tables[r * k + j][b * width + c] = x[r];
    }
  }
  for (long c = c0; c < c1; c++) error[c] = 0;
  for (long i = 0; i < rows; i++) {
    double w = weights ? weights[i] : 1;
    buckets_of(i, k, divisors, moduli, buckets);
    double *res = residual + i * width;
    long row = buckets[j] * width;
    for (long c = c0; c < c1; c++) {
      double v = res[c];
      for (long r = 0; r < terms; r++) v -= others(k, j, tables + r * k, buckets, width, c) * tables[r * k + j][row + c];
      res[c] = v;
      error[c] += w * v * v;
    }
  }
}
