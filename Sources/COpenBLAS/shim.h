#ifndef EMBCOMPRESS_COPENBLAS_SHIM_H
#define EMBCOMPRESS_COPENBLAS_SHIM_H

#include <cblas.h>

// OpenBLAS exports LAPACK's Fortran symbols; these are the ones embcompress calls.
// Symmetric eigen-decomposition (divide and conquer), double and single precision.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork, int *info);
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
             float *w, float *work, const int *lwork, int *iwork, const int *liwork, int *info);
// Singular value decomposition, double precision.
void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s,
             double *u, const int *ldu, double *vt, const int *ldvt, double *work,
             const int *lwork, int *iwork, int *info);

#endif
